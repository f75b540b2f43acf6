//! Programme, benefit-plan and actual use cases on a real SQLite store: who may record
//! actuals, validation against the plan, plan preconditions, versions and the overview.

use gevinst_app::programmes::{RecordIntent, Recorded};
use gevinst_testkit::{dec, eksempel, foreign_potential, potential, principal, sqlite_store};

use chrono::NaiveDate;
use gevinst_app::auth::Principal;
use gevinst_app::AppError;
use gevinst_domain::business_case::{Decimal, LineKind, SimulationSettings};
use gevinst_domain::programme::{
    ActualDraft, Benefit, BenefitPlan, BenefitYear, MeasurementFrequency, Period, ProgrammeDraft,
    StatusProbabilities, TargetDraft, TargetKind,
};
use gevinst_domain::{EntityKind, PotentialId, Role, Status, TenantId};
use gevinst_store::prelude::*;

struct World {
    store: DynStore,
    _dir: tempfile::TempDir,
    tenant: TenantId,
    admin: Principal,
    pl: Principal,
    /// Leder in Social: the benefit owner in [`plan`].
    owner: Principal,
    /// Another leder in Social who owns nothing.
    leder: Principal,
    agent: Principal,
    laeser: Principal,
    /// Besluttet, in Ældre (below Social).
    decided: PotentialId,
    /// Vurderet, in Ældre.
    assessed: PotentialId,
    /// In another tenant.
    other_tenant: PotentialId,
}

async fn world() -> World {
    let (store, dir) = sqlite_store().await;
    let (t, social, aeldre) = eksempel(&store).await;
    let admin = principal(&store, t, "admin@eksempel.dk", Role::Admin, vec![]).await;
    let pl = principal(&store, t, "pl@eksempel.dk", Role::Portefoljeleder, vec![]).await;
    let owner = principal(&store, t, "ejer@eksempel.dk", Role::Leder, vec![social]).await;
    let leder = principal(&store, t, "leder@eksempel.dk", Role::Leder, vec![social]).await;
    let agent = principal(
        &store,
        t,
        "agent@eksempel.dk",
        Role::DigitalAgent,
        vec![social],
    )
    .await;
    let laeser = principal(&store, t, "laeser@eksempel.dk", Role::Laeser, vec![]).await;
    let decided = potential(&store, t, aeldre, "Robot", Status::Besluttet).await;
    let assessed = potential(&store, t, aeldre, "Sensorer", Status::Vurderet).await;
    let other_tenant = foreign_potential(&store, Status::Besluttet).await;
    World {
        store,
        _dir: dir,
        tenant: t,
        admin,
        pl,
        owner,
        leder,
        agent,
        laeser,
        decided,
        assessed,
        other_tenant,
    }
}

/// A plan for 2025-2026 with one benefit (line 0) owned by `owner`.
fn plan(w: &World, potential: PotentialId) -> BenefitPlan {
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
            owner: Some(w.owner.user.id),
            kpi: "Kr. til vikarer".into(),
            measurement_method: "Lønsystemet, månedligt udtræk".into(),
            baseline: Some(dec("1000000")),
            baseline_note: String::new(),
            targets: vec![
                BenefitYear {
                    year: 2025,
                    amount: dec("100000"),
                    kr: dec("100000"),
                },
                BenefitYear {
                    year: 2026,
                    amount: dec("200000"),
                    kr: dec("200000"),
                },
            ],
        }],
    }
}

fn actual(year: i32) -> ActualDraft {
    ActualDraft {
        line: Some(0),
        period: Some(Period::of_year(year).unwrap()),
        kr: Some(dec("50000")),
        harvested: Some(dec("20000")),
        budget_reference: "Konto 5.32.30".into(),
        harvested_on: NaiveDate::from_ymd_opt(year, 12, 1),
        ..ActualDraft::default()
    }
}

fn fields(r: Result<impl std::fmt::Debug, AppError>) -> Vec<String> {
    match r {
        Err(AppError::Invalid(e)) => e.0.into_iter().map(|f| f.field).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn with_plan() -> World {
    let w = world().await;
    gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.admin, w.decided, None, &plan(&w, w.decided))
        .await
        .unwrap();
    w
}

#[tokio::test]
async fn only_the_owner_a_portefoljeleder_or_an_admin_records_actuals() {
    let w = with_plan().await;
    let s = w.store.as_ref();
    for who in [&w.leder, &w.agent, &w.laeser] {
        assert!(
            matches!(
                gevinst_app::App::new(w.store.clone())
                    .programmes()
                    .record_actual(who, w.decided, &actual(2025))
                    .await,
                Err(AppError::Forbidden)
            ),
            "{:?}",
            who.user.role
        );
    }
    // Even a bad draft from someone without the right is Forbidden, not Invalid.
    let mut bad = actual(2030);
    bad.harvested = Some(dec("-1"));
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .record_actual(&w.leder, w.decided, &bad)
            .await,
        Err(AppError::Forbidden)
    ));
    assert!(gevinst_app::App::new(w.store.clone())
        .programmes()
        .actuals(&w.laeser, w.decided)
        .await
        .unwrap()
        .is_empty());

    for who in [&w.owner, &w.pl, &w.admin] {
        // The same benefit and period three times over, so each says it is an extra one.
        let recorded = gevinst_app::App::new(w.store.clone())
            .programmes()
            .record_actual_as(who, w.decided, &actual(2025), RecordIntent::Additional)
            .await
            .unwrap();
        let Recorded::Added(a) = recorded else {
            panic!("an additional actual is recorded: {recorded:?}");
        };
        assert_eq!(a.recorded_by, Some(who.user.id));
        assert_eq!(a.actual.harvested, dec("20000"));
    }
    let all = gevinst_app::App::new(w.store.clone())
        .programmes()
        .actuals(&w.laeser, w.decided)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let log = s
        .audit_for(w.tenant, EntityKind::Actual, all[0].id)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].user_id, Some(w.owner.user.id));

    // Another tenant's potential, or one without a plan: NotFound.
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .record_actual(&w.admin, w.other_tenant, &actual(2025))
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .record_actual(&w.admin, w.assessed, &actual(2025))
            .await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn actuals_are_validated_against_the_plan() {
    let w = with_plan().await;
    let _s = w.store.as_ref();
    assert_eq!(
        fields(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .record_actual(&w.owner, w.decided, &actual(2027))
                .await
        ),
        ["period"]
    );
    let mut negative = actual(2025);
    negative.harvested = Some(dec("-0.01"));
    assert_eq!(
        fields(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .record_actual(&w.owner, w.decided, &negative)
                .await
        ),
        ["harvested"]
    );
    let mut no_budget = actual(2025);
    no_budget.budget_reference = String::new();
    assert_eq!(
        fields(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .record_actual(&w.pl, w.decided, &no_budget)
                .await
        ),
        ["budget_reference"]
    );
    // The owner naming a line that is not in the plan hears why.
    let mut unknown = actual(2025);
    unknown.line = Some(7);
    assert_eq!(
        fields(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .record_actual(&w.owner, w.decided, &unknown)
                .await
        ),
        ["line"]
    );
    assert!(gevinst_app::App::new(w.store.clone())
        .programmes()
        .actuals(&w.admin, w.decided)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn plans_need_a_decided_potential_edit_rights_and_a_current_version() {
    let w = world().await;
    let s = w.store.as_ref();

    // Not yet besluttet: a Danish field error on status.
    let r = gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.admin, w.assessed, None, &plan(&w, w.assessed))
        .await;
    match r {
        Err(AppError::Invalid(e)) => {
            assert!(e.message_for("status").unwrap().contains("besluttet"));
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    // No edit rights: Forbidden; another tenant's potential: NotFound.
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .put_plan(&w.laeser, w.decided, None, &plan(&w, w.decided))
            .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .put_plan(&w.admin, w.other_tenant, None, &plan(&w, w.other_tenant))
            .await,
        Err(AppError::NotFound)
    ));
    // An incomplete plan: every benefit needs an owner and a method.
    let mut incomplete = plan(&w, w.decided);
    incomplete.benefits[0].owner = None;
    incomplete.benefits[0].measurement_method = " ".into();
    assert_eq!(
        fields(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .put_plan(&w.agent, w.decided, None, &incomplete)
                .await
        ),
        ["benefits[0].owner", "benefits[0].measurement_method"]
    );

    // The digital agent has edit rights in the unit but may not choose the owner
    // (separation of duties); a leder of the unit may. The plan is stored for the
    // potential in the path whatever the body says.
    let mut body = plan(&w, w.decided);
    body.potential = w.other_tenant;
    assert_eq!(
        fields(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .put_plan(&w.agent, w.decided, None, &body)
                .await
        ),
        ["benefits[0].owner"]
    );
    let v1 = gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.leder, w.decided, None, &body)
        .await
        .unwrap();
    assert_eq!((v1.version, v1.plan.potential), (1, w.decided));

    // Stale versions (and creating twice) are Conflict and save nothing.
    let mut changed = plan(&w, w.decided);
    changed.benefits[0].kpi = "Vikartimer".into();
    for stale in [None, Some(0), Some(2)] {
        assert!(matches!(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .put_plan(&w.admin, w.decided, stale, &changed)
                .await,
            Err(AppError::Conflict)
        ));
    }
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .plan(&w.laeser, w.decided)
            .await
            .unwrap(),
        Some(v1.clone())
    );
    assert_eq!(
        s.audit_for(w.tenant, EntityKind::BenefitPlan, w.decided.0)
            .await
            .unwrap()
            .len(),
        1
    );

    let v2 = gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.admin, w.decided, Some(1), &changed)
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    let log = s
        .audit_for(w.tenant, EntityKind::BenefitPlan, w.decided.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].changes[0].field, "benefits");
}

fn programme_draft(potentials: Vec<PotentialId>) -> ProgrammeDraft {
    ProgrammeDraft {
        name: "Digitalisering og effektivisering 2025-2027".into(),
        first_year: Some(2025),
        last_year: Some(2027),
        targets: vec![TargetDraft {
            kind: Some(TargetKind::KrPerYear),
            amount: Some(dec("100000")),
            deadline_year: Some(2026),
            milestones: vec![],
        }],
        potentials,
        distribution_keys: vec![],
    }
}

#[tokio::test]
async fn programmes_are_managed_by_portefoljeledere_and_admins_and_give_an_overview() {
    let w = with_plan().await;
    let _s = w.store.as_ref();
    let draft = programme_draft(vec![w.decided, w.assessed]);
    for who in [&w.leder, &w.agent, &w.laeser, &w.owner] {
        assert!(matches!(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .create(who, &draft)
                .await,
            Err(AppError::Forbidden)
        ));
    }
    assert!(gevinst_app::App::new(w.store.clone())
        .programmes()
        .list(&w.laeser)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        fields(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .create(&w.pl, &programme_draft(vec![w.decided, w.other_tenant]))
                .await
        ),
        ["potentials[1]"]
    );

    let created = gevinst_app::App::new(w.store.clone())
        .programmes()
        .create(&w.pl, &draft)
        .await
        .unwrap();
    assert_eq!(created.version, 1);
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .get(&w.laeser, created.id)
            .await
            .unwrap(),
        created
    );
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .list(&w.leder)
            .await
            .unwrap(),
        vec![created.clone()]
    );

    let mut renamed = draft.clone();
    renamed.name = "Digitalisering 2025-2027".into();
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .update(&w.leder, created.id, 1, &renamed)
            .await,
        Err(AppError::Forbidden)
    ));
    let v2 = gevinst_app::App::new(w.store.clone())
        .programmes()
        .update(&w.admin, created.id, 1, &renamed)
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .update(&w.pl, created.id, 1, &draft)
            .await,
        Err(AppError::Conflict)
    ));
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .get(&w.pl, created.id)
            .await
            .unwrap(),
        v2
    );

    // Realised and harvested come from the recorded actuals.
    gevinst_app::App::new(w.store.clone())
        .programmes()
        .record_actual(&w.owner, w.decided, &actual(2025))
        .await
        .unwrap();
    let o = gevinst_app::App::new(w.store.clone())
        .programmes()
        .overview(&w.laeser, created.id)
        .await
        .unwrap();
    let years: Vec<i32> = o.years.iter().map(|y| y.year).collect();
    assert_eq!(years, [2025, 2026, 2027]);
    assert_eq!(o.years[0].figures.realised_kr, dec("50000"));
    assert_eq!(o.years[0].figures.harvested_kr, dec("20000"));
    assert_eq!(o.years[1].figures.realised_kr, Decimal::ZERO);
}

#[tokio::test]
async fn forecast_probabilities_are_managed_and_used_by_the_forecast() {
    let w = with_plan().await;
    let _s = w.store.as_ref();
    let (defaults, v0) = gevinst_app::App::new(w.store.clone())
        .programmes()
        .status_probabilities(&w.laeser)
        .await
        .unwrap();
    assert_eq!((defaults, v0), (StatusProbabilities::default(), 0));

    let sure = StatusProbabilities::uniform(Decimal::ONE);
    for who in [&w.leder, &w.agent, &w.laeser, &w.owner] {
        assert!(matches!(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .set_status_probabilities(who, 0, &sure)
                .await,
            Err(AppError::Forbidden)
        ));
    }
    let bad = StatusProbabilities {
        besluttet: dec("1.5"),
        ..StatusProbabilities::default()
    };
    assert_eq!(
        fields(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .set_status_probabilities(&w.pl, 0, &bad)
                .await
        ),
        ["besluttet"]
    );
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .set_status_probabilities(&w.pl, 0, &sure)
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .set_status_probabilities(&w.admin, 0, &StatusProbabilities::default())
            .await,
        Err(AppError::Conflict)
    ));
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .status_probabilities(&w.leder)
            .await
            .unwrap(),
        (sure, 1)
    );

    let created = gevinst_app::App::new(w.store.clone())
        .programmes()
        .create(&w.pl, &programme_draft(vec![w.decided]))
        .await
        .unwrap();
    gevinst_app::App::new(w.store.clone())
        .programmes()
        .record_actual(&w.owner, w.decided, &actual(2025))
        .await
        .unwrap();
    let settings = SimulationSettings {
        iterations: 200,
        seed: 7,
    };
    let f = gevinst_app::App::new(w.store.clone())
        .programmes()
        .forecast(&w.laeser, created.id, settings, 2026)
        .await
        .unwrap();
    assert_eq!(f.iterations, 200);
    assert_eq!(f.years.len(), 3);
    // No business case, so nothing is planned for 2026: the target is out of reach.
    assert_eq!(f.targets.len(), 1);
    assert_eq!(f.targets[0].probability, 0.0);
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .forecast(&w.laeser, created.id, settings, 2026)
            .await
            .unwrap(),
        f
    );
    assert_eq!(
        fields(
            gevinst_app::App::new(w.store.clone())
                .programmes()
                .forecast(
                    &w.laeser,
                    created.id,
                    SimulationSettings {
                        iterations: 0,
                        seed: 1
                    },
                    2026
                )
                .await
        ),
        ["iterations"]
    );
}

#[tokio::test]
async fn reminders_show_due_measurements_to_owners_and_portefoljeledere() {
    let w = with_plan().await;
    let _s = w.store.as_ref();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    // Yearly plan 2025-2026: 2025 is due on 31 December 2025.
    assert!(gevinst_app::App::new(w.store.clone())
        .programmes()
        .reminders(&w.pl, day(2025, 12, 30))
        .await
        .unwrap()
        .is_empty());
    let due = gevinst_app::App::new(w.store.clone())
        .programmes()
        .reminders(&w.owner, day(2026, 3, 1))
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].potential_id, due[0].line, due[0].period, due[0].due),
        (
            w.decided,
            0,
            Period::of_year(2025).unwrap(),
            day(2025, 12, 31)
        )
    );
    assert_eq!(due[0].owner, Some(w.owner.user.id));
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .reminders(&w.admin, day(2026, 3, 1))
            .await
            .unwrap(),
        due
    );
    // Someone who owns nothing sees nothing.
    assert!(gevinst_app::App::new(w.store.clone())
        .programmes()
        .reminders(&w.leder, day(2027, 1, 1))
        .await
        .unwrap()
        .is_empty());
    // Recorded: the reminder goes; the next year comes due later.
    gevinst_app::App::new(w.store.clone())
        .programmes()
        .record_actual(&w.owner, w.decided, &actual(2025))
        .await
        .unwrap();
    assert!(gevinst_app::App::new(w.store.clone())
        .programmes()
        .reminders(&w.pl, day(2026, 3, 1))
        .await
        .unwrap()
        .is_empty());
    let later = gevinst_app::App::new(w.store.clone())
        .programmes()
        .reminders(&w.pl, day(2027, 1, 1))
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].period, Period::of_year(2026).unwrap());
}

#[tokio::test]
async fn the_forecast_cache_holds_until_the_tenants_data_changes() {
    let w = with_plan().await;
    let _s = w.store.as_ref();
    let cache = gevinst_app::App::new(w.store.clone());
    let created = gevinst_app::App::new(w.store.clone())
        .programmes()
        .create(&w.pl, &programme_draft(vec![w.decided]))
        .await
        .unwrap();
    let settings = SimulationSettings {
        iterations: 300,
        seed: 11,
    };
    // Reading the cache never computes.
    assert!(cache
        .programmes()
        .cached_forecast(&w.laeser, created.id, settings, 2026)
        .await
        .unwrap()
        .is_none());
    let first = cache
        .programmes()
        .forecast_cached(&w.laeser, created.id, settings, 2026)
        .await
        .unwrap();
    let hit = cache
        .programmes()
        .cached_forecast(&w.leder, created.id, settings, 2026)
        .await
        .unwrap()
        .expect("cached after computing");
    assert!(std::sync::Arc::ptr_eq(&first, &hit));
    // Other settings are other entries.
    let other_seed = SimulationSettings {
        seed: 12,
        ..settings
    };
    assert!(cache
        .programmes()
        .cached_forecast(&w.leder, created.id, other_seed, 2026)
        .await
        .unwrap()
        .is_none());
    assert!(cache
        .programmes()
        .cached_forecast(&w.leder, created.id, settings, 2027)
        .await
        .unwrap()
        .is_none());
    // Any audited change, here an actual, makes the cached result stale.
    gevinst_app::App::new(w.store.clone())
        .programmes()
        .record_actual(&w.owner, w.decided, &actual(2025))
        .await
        .unwrap();
    assert!(cache
        .programmes()
        .cached_forecast(&w.leder, created.id, settings, 2026)
        .await
        .unwrap()
        .is_none());
    let second = cache
        .programmes()
        .forecast_cached(&w.laeser, created.id, settings, 2026)
        .await
        .unwrap();
    assert!(!std::sync::Arc::ptr_eq(&first, &second));
    assert_eq!(
        *second,
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .forecast(&w.laeser, created.id, settings, 2026)
            .await
            .unwrap()
    );
    // Another tenant's programme id is not found, cached or not.
    let other_admin = gevinst_testkit::principal(
        &w.store,
        w.other_tenant_id().await,
        "admin@andet.dk",
        Role::Admin,
        vec![],
    )
    .await;
    assert!(matches!(
        cache
            .programmes()
            .cached_forecast(&other_admin, created.id, settings, 2026)
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        cache
            .programmes()
            .forecast_cached(&other_admin, created.id, settings, 2026)
            .await,
        Err(AppError::NotFound)
    ));
}

impl World {
    async fn other_tenant_id(&self) -> TenantId {
        self.store.tenant_by_slug("andet").await.unwrap().id
    }
}

#[tokio::test]
async fn follow_case_proposes_the_plan_of_an_edited_case_and_saves_nothing() {
    let w = with_plan().await;
    let _s = w.store.as_ref();
    // No business case yet: nothing to follow.
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .follow_case(&w.laeser, w.decided)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .follow_case(&w.laeser, w.assessed)
            .await
            .unwrap(),
        None
    );
    let case: gevinst_domain::business_case::BusinessCaseDraft =
        serde_json::from_value(serde_json::json!({
            "start_year": 2025, "horizon": 2, "discount_rate": 0,
            "lines": [{"kind": "direkte_besparelse", "label": "Færre vikarer",
                       "amounts": [150000, 250000], "low": 1, "high": 1, "hjemtagbar": true}],
            "risks": []
        }))
        .unwrap();
    gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.admin, w.decided, None, &case)
        .await
        .unwrap();
    let saved = gevinst_app::App::new(w.store.clone())
        .programmes()
        .plan(&w.laeser, w.decided)
        .await
        .unwrap()
        .unwrap();
    let next = gevinst_app::App::new(w.store.clone())
        .programmes()
        .follow_case(&w.laeser, w.decided)
        .await
        .unwrap()
        .expect("a proposal");
    assert_ne!(next, saved.plan);
    let b = &next.benefits[0];
    assert_eq!(b.owner, Some(w.owner.user.id));
    assert_eq!(b.kpi, "Kr. til vikarer");
    assert_eq!(b.targets[1].amount, dec("250000"));
    // Nothing was saved.
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .plan(&w.laeser, w.decided)
            .await
            .unwrap()
            .unwrap(),
        saved
    );
    assert_eq!(next.based_on_case_version, Some(1));
    // Saved, the plan follows case version 1, and then its own targets are the user's.
    let mut accepted = next.clone();
    accepted.benefits[0].targets[1].amount = dec("240000");
    gevinst_app::App::new(w.store.clone())
        .programmes()
        .put_plan(&w.admin, w.decided, Some(saved.version), &accepted)
        .await
        .unwrap();
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .programmes()
            .follow_case(&w.laeser, w.decided)
            .await
            .unwrap(),
        None
    );
    // A new case version that changes the benefit line is proposed again.
    let mut case2 = case.clone();
    case2.lines[0].amounts[1] = dec("260000");
    gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.admin, w.decided, Some(1), &case2)
        .await
        .unwrap();
    let again = gevinst_app::App::new(w.store.clone())
        .programmes()
        .follow_case(&w.laeser, w.decided)
        .await
        .unwrap()
        .expect("a proposal for version 2");
    assert_eq!(again.based_on_case_version, Some(2));
    assert_eq!(again.benefits[0].targets[1].amount, dec("260000"));
    assert_eq!(again.benefits[0].kpi, "Kr. til vikarer");
}

#[tokio::test]
async fn stored_economics_outside_their_bounds_are_a_clear_error_not_a_saturated_value() {
    use gevinst_domain::business_case::Economics;
    let w = with_plan().await;
    let s = w.store.as_ref();
    let (_, version) = s.economics(w.tenant).await.unwrap();
    // Saved before the bounds existed: an årsværk of a billionth of an hour.
    let tiny = Economics {
        hours_per_fte: dec("0.000000001"),
        ..Economics::default()
    };
    s.set_economics(w.tenant, w.admin.actor_id(), version, &tiny)
        .await
        .unwrap();
    let app = gevinst_app::App::new(w.store.clone());
    let errors = match app
        .programmes()
        .record_actual(&w.admin, w.decided, &actual(2025))
        .await
    {
        Err(AppError::Invalid(e)) => e,
        other => panic!("expected a field error, got {other:?}"),
    };
    let message = errors.message_for("economics").expect("an economics error");
    assert!(
        message.contains("uden for de tilladte grænser"),
        "{message}"
    );
    assert!(message.contains("Timer pr. årsværk"), "{message}");
    assert!(app
        .programmes()
        .actuals(&w.laeser, w.decided)
        .await
        .unwrap()
        .is_empty());
    // The settings page still opens, so that an admin can put them right.
    assert_eq!(
        app.business_cases()
            .economics(&w.admin)
            .await
            .unwrap()
            .economics,
        tiny
    );
}
