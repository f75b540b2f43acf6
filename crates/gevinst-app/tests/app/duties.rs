//! Separation of duties in benefits realisation, and audited exports, on a real SQLite
//! store: who may set a benefit's owner, the four-eyes approval of large actuals, what
//! counts in the overview, and the audit entries of exports.

use gevinst_app::programmes::{RecordIntent, Recorded};
use gevinst_testkit::{dec, eksempel, potential, principal, sqlite_store};

use chrono::NaiveDate;
use gevinst_app::auth::Principal;
use gevinst_app::export::{self, ExportFormat, ExportOptions};
use gevinst_app::potentials::ListParams;
use gevinst_app::AppError;
use gevinst_domain::business_case::LineKind;
use gevinst_domain::programme::{
    ActualDraft, ApprovalDecision, ApprovalReason, ApprovalState, Benefit, BenefitPlan,
    BenefitYear, MeasurementFrequency, Period, ProgrammeDraft, TargetDraft, TargetKind,
};
use gevinst_domain::{AuditAction, EntityKind, PotentialId, Role, Status, TenantId};
use gevinst_store::prelude::*;

struct World {
    store: DynStore,
    _dir: tempfile::TempDir,
    tenant: TenantId,
    admin: Principal,
    pl: Principal,
    pl2: Principal,
    /// Leder of Social, the unit above the potential's.
    leder: Principal,
    /// Leder of another unit.
    other_leder: Principal,
    /// Digital agent in Social.
    agent: Principal,
    /// Besluttet, in Ældre (below Social).
    decided: PotentialId,
}

async fn world() -> World {
    let (store, dir) = sqlite_store().await;
    let (t, social, aeldre) = eksempel(&store).await;
    let teknik = store.create_unit(t, None, None, "Teknik").await.unwrap().id;
    let admin = principal(&store, t, "admin@eksempel.dk", Role::Admin, vec![]).await;
    let pl = principal(&store, t, "pl@eksempel.dk", Role::Portefoljeleder, vec![]).await;
    let pl2 = principal(&store, t, "pl2@eksempel.dk", Role::Portefoljeleder, vec![]).await;
    let leder = principal(&store, t, "leder@eksempel.dk", Role::Leder, vec![social]).await;
    let other_leder = principal(&store, t, "tl@eksempel.dk", Role::Leder, vec![teknik]).await;
    let agent = principal(
        &store,
        t,
        "da@eksempel.dk",
        Role::DigitalAgent,
        vec![social],
    )
    .await;
    let decided = potential(&store, t, aeldre, "Robot", Status::Besluttet).await;
    World {
        store,
        _dir: dir,
        tenant: t,
        admin,
        pl,
        pl2,
        leder,
        other_leder,
        agent,
        decided,
    }
}

/// A plan for 2025-2026 with one benefit (line 0, 100.000 kr. a year) owned by `owner`.
fn plan(potential: PotentialId, owner: &Principal) -> BenefitPlan {
    let year = |year| BenefitYear {
        year,
        amount: dec("100000"),
        kr: dec("100000"),
    };
    BenefitPlan {
        potential,
        first_year: 2025,
        last_year: 2026,
        frequency: MeasurementFrequency::Yearly,
        based_on_case_version: None,
        benefits: vec![Benefit {
            line: 0,
            kind: LineKind::DirekteBesparelse,
            label: "Færre vikarer".into(),
            hjemtagbar: true,
            owner: Some(owner.user.id),
            kpi: "Kr. til vikarer".into(),
            measurement_method: "Lønsystemet".into(),
            baseline: None,
            baseline_note: String::new(),
            targets: vec![year(2025), year(2026)],
        }],
    }
}

fn actual(year: i32, kr: &str, harvested: &str) -> ActualDraft {
    ActualDraft {
        line: Some(0),
        period: Some(Period::of_year(year).unwrap()),
        kr: Some(dec(kr)),
        harvested: Some(dec(harvested)),
        budget_reference: "Konto 5.32.30".into(),
        harvested_on: NaiveDate::from_ymd_opt(year, 12, 1),
        ..ActualDraft::default()
    }
}

fn codes<T: std::fmt::Debug>(r: Result<T, AppError>) -> Vec<(String, String)> {
    match r {
        Err(AppError::Invalid(e)) => e.0.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn owner_refused() -> Vec<(String, String)> {
    vec![(
        "benefits[0].owner".to_owned(),
        "owner_change_forbidden".to_owned(),
    )]
}

/// The review's attack: a digital agent makes itself the owner, then records 5 mio. kr.
/// as realised and harvested. Both steps are refused or contained.
#[tokio::test]
async fn a_digital_agent_cannot_make_itself_owner_and_book_millions() {
    let w = world().await;
    let _s = w.store.as_ref();
    // Creating the plan with itself as owner: a field error, nothing saved.
    let mine = plan(w.decided, &w.agent);
    assert_eq!(
        codes(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .put_plan(&w.agent, w.decided, None, &mine)
                .await
        ),
        owner_refused()
    );
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .plan(&w.agent, w.decided)
            .await
            .unwrap(),
        None
    );

    // A leder of the unit (above the potential's unit) sets the owner.
    let v1 = gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.leder, w.decided, None, &plan(w.decided, &w.leder))
        .await
        .unwrap();
    // A leder of another unit has no rights on the potential at all.
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .put_plan(&w.other_leder, w.decided, Some(1), &mine)
            .await,
        Err(AppError::Forbidden)
    ));
    // The agent may still edit what it is allowed to (the KPI) ...
    let mut kpi = v1.plan.clone();
    kpi.benefits[0].kpi = "Vikartimer pr. måned".into();
    let v2 = gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.agent, w.decided, Some(1), &kpi)
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    // ... but not change the owner, alone or along with other edits.
    let mut takeover = v2.plan.clone();
    takeover.benefits[0].owner = Some(w.agent.user.id);
    takeover.benefits[0].kpi = "Noget andet".into();
    assert_eq!(
        codes(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .put_plan(&w.agent, w.decided, Some(2), &takeover)
                .await
        ),
        owner_refused()
    );
    let stored = gevinst_app::App::new(w.store.clone())
        .programmes()
        .plan(&w.agent, w.decided)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.plan.benefits[0].owner, Some(w.leder.user.id));
    // Not being the owner, the agent cannot record actuals either.
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .record_actual(&w.agent, w.decided, &actual(2025, "5000000", "5000000"))
            .await,
        Err(AppError::Forbidden)
    ));
    // The porteføljeleder and the admin may change owners.
    let mut to_pl = stored.plan.clone();
    to_pl.benefits[0].owner = Some(w.pl.user.id);
    let v3 = gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.pl, w.decided, Some(2), &to_pl)
        .await
        .unwrap();
    to_pl.benefits[0].owner = Some(w.leder.user.id);
    gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.admin, w.decided, Some(v3.version), &to_pl)
        .await
        .unwrap();
}

async fn with_plan_and_programme() -> (World, gevinst_domain::ProgrammeId) {
    let w = world().await;
    let _s = w.store.as_ref();
    gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.leder, w.decided, None, &plan(w.decided, &w.leder))
        .await
        .unwrap();
    let draft = ProgrammeDraft {
        name: "Program".into(),
        first_year: Some(2025),
        last_year: Some(2026),
        targets: vec![TargetDraft {
            kind: Some(TargetKind::KrPerYear),
            amount: Some(dec("100000")),
            deadline_year: Some(2026),
            milestones: vec![],
        }],
        potentials: vec![w.decided],
        distribution_keys: vec![],
    };
    let id = gevinst_app::App::new(w.store.clone())
        .programmes()
        .create(&w.pl, &draft)
        .await
        .unwrap()
        .id;
    (w, id)
}

/// A large actual is flagged, counts nowhere until approved, cannot be approved by the
/// person who recorded it, and is approved by a second porteføljeleder (audited).
#[tokio::test]
async fn large_actuals_wait_for_a_second_persons_approval() {
    let (w, programme) = with_plan_and_programme().await;
    let s = w.store.as_ref();
    // An ordinary actual (within 150 % of the plan, under 500.000 kr.) counts at once.
    let small = gevinst_app::App::new(w.store.clone())
        .programmes()
        .record_actual(&w.leder, w.decided, &actual(2025, "90000", "0"))
        .await
        .unwrap();
    assert_eq!(small.actual.approval, ApprovalState::NotRequired);
    assert!(small.actual.approval_reasons.is_empty());

    // The owner records 5 mio. kr. realised and harvested in 2026: flagged.
    let big = gevinst_app::App::new(w.store.clone())
        .programmes()
        .record_actual(&w.leder, w.decided, &actual(2026, "5000000", "5000000"))
        .await
        .unwrap();
    assert_eq!(big.actual.approval, ApprovalState::Pending);
    assert_eq!(
        big.actual.approval_reasons,
        [ApprovalReason::AboveThreshold, ApprovalReason::FarAbovePlan]
    );
    // Not counted as realised or harvested; shown apart as pending.
    let ov = gevinst_app::App::new(w.store.clone())
        .programmes()
        .overview(&w.pl, programme)
        .await
        .unwrap();
    let y2026 = &ov.years[1].figures;
    assert_eq!(y2026.realised_kr, dec("0"));
    assert_eq!(y2026.harvested_kr, dec("0"));
    assert_eq!(y2026.pending_kr, dec("5000000"));
    assert_eq!(ov.years[0].figures.realised_kr, dec("90000"));
    assert_eq!(ov.years[0].figures.pending_kr, dec("0"));
    let pending = gevinst_app::App::new(w.store.clone())
        .programmes()
        .pending_actuals(&w.agent, programme)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].actual.id, big.id);
    assert_eq!(pending[0].title, "Robot");
    assert_eq!(pending[0].benefit, "Færre vikarer");

    // Only a porteføljeleder or an admin decides; the leder who owns it may not.
    for who in [&w.leder, &w.agent, &w.other_leder] {
        assert!(matches!(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .decide_actual(who, w.decided, big.id, ApprovalDecision::Approve, "")
                .await,
            Err(AppError::Forbidden)
        ));
    }
    // A porteføljeleder who recorded an actual may not approve it.
    // 2025 has an actual already; this one is an extra one.
    let recorded = gevinst_app::App::new(w.store.clone())
        .programmes()
        .record_actual_as(
            &w.pl,
            w.decided,
            &actual(2025, "600000", "0"),
            RecordIntent::Additional,
        )
        .await
        .unwrap();
    let Recorded::Added(own) = recorded else {
        panic!("an additional actual is recorded: {recorded:?}");
    };
    assert_eq!(own.actual.approval, ApprovalState::Pending);
    assert_eq!(
        codes(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .decide_actual(&w.pl, w.decided, own.id, ApprovalDecision::Approve, "")
                .await
        ),
        [("decision".to_owned(), "own_actual".to_owned())]
    );
    // An unknown actual, or one of another potential, is NotFound.
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .decide_actual(&w.pl2, w.decided, 999_999, ApprovalDecision::Approve, "")
            .await,
        Err(AppError::NotFound)
    ));
    // A rejection needs a note.
    assert_eq!(
        codes(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .decide_actual(&w.pl2, w.decided, own.id, ApprovalDecision::Reject, " ")
                .await
        ),
        [("note".to_owned(), "required".to_owned())]
    );

    // A second porteføljeleder approves the 5 mio.: it counts, and the audit says who.
    let before = s.data_version(w.tenant).await.unwrap();
    let approved = gevinst_app::App::new(w.store.clone())
        .programmes()
        .decide_actual(&w.pl2, w.decided, big.id, ApprovalDecision::Approve, "")
        .await
        .unwrap();
    assert_eq!(approved.actual.approval, ApprovalState::Approved);
    assert_eq!(approved.decided_by, Some(w.pl2.user.id));
    assert!(approved.decided_at.is_some());
    // An approval changes the figures, so cached forecasts are invalidated.
    assert!(s.data_version(w.tenant).await.unwrap() > before);
    let log = s
        .audit_for(w.tenant, EntityKind::Actual, big.id)
        .await
        .unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.action, AuditAction::Approve);
    assert_eq!(last.user_id, Some(w.pl2.user.id));
    assert_eq!(last.changes[0].field, "approval");
    assert_eq!(last.changes[0].after, "approved");
    let ov = gevinst_app::App::new(w.store.clone())
        .programmes()
        .overview(&w.pl, programme)
        .await
        .unwrap();
    assert_eq!(ov.years[1].figures.realised_kr, dec("5000000"));
    assert_eq!(ov.years[1].figures.harvested_kr, dec("5000000"));
    assert_eq!(ov.years[1].figures.pending_kr, dec("0"));
    // Deciding twice is refused.
    assert_eq!(
        codes(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .decide_actual(&w.admin, w.decided, big.id, ApprovalDecision::Reject, "x")
                .await
        ),
        [("decision".to_owned(), "not_pending".to_owned())]
    );

    // The admin rejects the porteføljeleder's own 600.000: it never counts.
    let rejected = gevinst_app::App::new(w.store.clone())
        .programmes()
        .decide_actual(
            &w.admin,
            w.decided,
            own.id,
            ApprovalDecision::Reject,
            "Dobbeltregistreret",
        )
        .await
        .unwrap();
    assert_eq!(rejected.actual.approval, ApprovalState::Rejected);
    assert_eq!(rejected.decision_note, "Dobbeltregistreret");
    let ov = gevinst_app::App::new(w.store.clone())
        .programmes()
        .overview(&w.pl, programme)
        .await
        .unwrap();
    assert_eq!(ov.years[0].figures.realised_kr, dec("90000"));
    assert_eq!(ov.years[0].figures.pending_kr, dec("0"));
    let log = s
        .audit_for(w.tenant, EntityKind::Actual, own.id)
        .await
        .unwrap();
    assert_eq!(log.last().unwrap().action, AuditAction::Update);
    assert_eq!(
        log.last().unwrap().reason.as_deref(),
        Some("Dobbeltregistreret")
    );
    assert!(gevinst_app::App::new(w.store.clone())
        .programmes()
        .pending_actuals(&w.pl, programme)
        .await
        .unwrap()
        .is_empty());
}

/// Exports write an Export audit entry naming what, how much and who, without changing
/// the data version (so cached forecasts stay valid).
#[tokio::test]
async fn exports_are_audited_without_invalidating_caches() {
    let w = world().await;
    let s = w.store.as_ref();
    let before = s.data_version(w.tenant).await.unwrap();
    let params = ListParams {
        status: Some("besluttet".into()),
        ..ListParams::default()
    };
    let file = gevinst_app::App::new(w.store.clone())
        .export()
        .export(
            &w.agent,
            &params,
            ExportFormat::Csv,
            ExportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(file.potentials, 1);
    let tenant = s.tenant(w.tenant).await.unwrap();
    gevinst_app::App::new(w.store.clone())
        .export()
        .export_tenant(&tenant, ExportFormat::Xlsx, ExportOptions::default())
        .await
        .unwrap();
    gevinst_app::App::new(w.store.clone())
        .export()
        .record_download(&w.pl, export::Download::BenefitPlanWorkbook(w.decided), 3)
        .await
        .unwrap();
    assert_eq!(s.data_version(w.tenant).await.unwrap(), before);

    // Every export is keyed by the tenant.
    let log = s
        .audit_for(w.tenant, EntityKind::Export, w.tenant.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 3);
    let change = |i: usize, field: &str| {
        log[i]
            .changes
            .iter()
            .find(|c| c.field == field)
            .map(|c| c.after.clone())
            .unwrap_or_default()
    };
    assert_eq!(log[0].action, AuditAction::Export);
    assert_eq!(log[0].user_id, Some(w.agent.user.id));
    assert_eq!(change(0, "what"), "potentials");
    assert_eq!(change(0, "format"), "csv");
    assert_eq!(change(0, "rows"), 1);
    assert_eq!(change(0, "filter")["status"], "besluttet");
    assert_eq!(change(0, "channel"), "web");
    assert_eq!(log[1].user_id, None);
    assert_eq!(change(1, "format"), "xlsx");
    assert_eq!(change(1, "channel"), "cli");
    assert_eq!(log[2].user_id, Some(w.pl.user.id));
    assert_eq!(change(2, "filter")["potential"], w.decided.0);
    assert_eq!(change(2, "what"), "benefit_plan_workbook");
    assert_eq!(change(2, "rows"), 3);
}
