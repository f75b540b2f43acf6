//! Business-case and economics use cases on a real SQLite store: permissions, versions,
//! validation, results that follow the tenant's economics, and deterministic simulation.

use gevinst_testkit::{dec, eksempel, foreign_potential, potential, principal, sqlite_store};

use gevinst_app::auth::Principal;
use gevinst_app::business_cases::BusinessCaseView;
use gevinst_app::AppError;
use gevinst_domain::business_case::{
    BusinessCaseDraft, Decimal, Economics, EconomicsDraft, LineDraft, LineKind, RiskDraft,
    SimulationSettings,
};
use gevinst_domain::{AuditAction, EntityKind, PotentialId, Role, Status, TenantId};
use gevinst_store::prelude::*;

struct World {
    store: DynStore,
    _dir: tempfile::TempDir,
    tenant: TenantId,
    admin: Principal,
    laeser: Principal,
    agent: Principal,
    /// In a sub-unit of the agent's unit.
    own: PotentialId,
    /// In a unit the agent has no rights in.
    foreign_unit: PotentialId,
    /// In another tenant.
    other_tenant: PotentialId,
}

async fn world() -> World {
    let (store, dir) = sqlite_store().await;
    let (t, social, aeldre) = eksempel(&store).await;
    let teknik = store.create_unit(t, None, None, "Teknik").await.unwrap().id;
    let admin = principal(&store, t, "admin@eksempel.dk", Role::Admin, vec![]).await;
    let laeser = principal(&store, t, "laeser@eksempel.dk", Role::Laeser, vec![]).await;
    let agent = principal(
        &store,
        t,
        "agent@eksempel.dk",
        Role::DigitalAgent,
        vec![social],
    )
    .await;
    let own = potential(
        &store,
        t,
        aeldre,
        "Robot i ældreplejen",
        Status::BusinessCase,
    )
    .await;
    let foreign_unit =
        potential(&store, t, teknik, "Sensorer i parker", Status::BusinessCase).await;
    let other_tenant = foreign_potential(&store, Status::BusinessCase).await;
    World {
        store,
        _dir: dir,
        tenant: t,
        admin,
        laeser,
        agent,
        own,
        foreign_unit,
        other_tenant,
    }
}

fn line(kind: LineKind, label: &str, amounts: &[Decimal]) -> LineDraft {
    LineDraft {
        kind: Some(kind),
        label: label.into(),
        amounts: amounts.to_vec(),
        ..LineDraft::default()
    }
}

/// 100,000 kr. up front, then 1,000 freed hours a year (±20 %), no discounting, one risk.
fn draft() -> BusinessCaseDraft {
    let mut hours = line(
        LineKind::FrigjorteTimer,
        "Frigjort tid",
        &[dec("0"), dec("1000"), dec("1000")],
    );
    hours.low = Some(dec("0.8"));
    hours.high = Some(dec("1.2"));
    hours.hjemtagbar = true;
    BusinessCaseDraft {
        start_year: Some(2025),
        horizon: Some(3),
        discount_rate: Some(dec("0")),
        lines: vec![
            line(
                LineKind::Investering,
                "Udvikling",
                &[dec("100000"), dec("0"), dec("0")],
            ),
            hours,
        ],
        risks: vec![RiskDraft {
            description: "Forsinkelse".into(),
            probability: Some(dec("0.25")),
            min: Some(dec("10000")),
            likely: Some(dec("20000")),
            max: Some(dec("60000")),
            year: 1,
        }],
    }
}

fn kind_of<T: std::fmt::Debug>(r: Result<T, AppError>) -> AppError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn invalid_fields<T: std::fmt::Debug>(r: Result<T, AppError>) -> Vec<String> {
    match kind_of(r) {
        AppError::Invalid(e) => e.0.into_iter().map(|f| f.field).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn stored_version(w: &World, p: PotentialId) -> Option<i64> {
    gevinst_app::App::new(w.store.clone())
        .business_cases()
        .get(&w.admin, p)
        .await
        .unwrap()
        .version
}

#[tokio::test]
async fn laeser_reads_but_cannot_save() {
    let w = world().await;
    // Before there is a case: an empty view with the tenant's economics.
    let empty = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .get(&w.laeser, w.own)
        .await
        .unwrap();
    assert_eq!(empty.case, None);
    assert_eq!(empty.version, None);
    assert_eq!(empty.evaluation, None);
    assert!(empty.sensitivity.is_empty());
    assert_eq!(empty.economics, Economics::default());
    assert!(!empty.may_edit);

    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .put(&w.laeser, w.own, None, &draft())
                .await
        ),
        AppError::Forbidden
    ));
    assert_eq!(stored_version(&w, w.own).await, None);

    let saved = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.admin, w.own, None, &draft())
        .await
        .unwrap();
    assert_eq!(saved.version, Some(1));
    let read = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .get(&w.laeser, w.own)
        .await
        .unwrap();
    assert_eq!(read.case, saved.case);
    assert!(read.evaluation.is_some());
    assert_eq!(read.sensitivity.len(), 3);
    assert!(!read.may_edit);
    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .put(&w.laeser, w.own, Some(1), &draft())
                .await
        ),
        AppError::Forbidden
    ));
    // A læser may simulate: it changes nothing.
    gevinst_app::App::new(w.store.clone())
        .business_cases()
        .simulate(
            &w.laeser,
            w.own,
            SimulationSettings {
                iterations: 100,
                seed: 1,
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn digital_agent_saves_only_in_own_units() {
    let w = world().await;
    let own = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.agent, w.own, None, &draft())
        .await
        .unwrap();
    assert_eq!(own.version, Some(1));
    assert!(own.may_edit);
    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .put(&w.agent, w.foreign_unit, None, &draft())
                .await
        ),
        AppError::Forbidden
    ));
    assert_eq!(stored_version(&w, w.foreign_unit).await, None);
    // Reading is open within the tenant.
    assert!(
        !gevinst_app::App::new(w.store.clone())
            .business_cases()
            .get(&w.agent, w.foreign_unit)
            .await
            .unwrap()
            .may_edit
    );
    // The admin may save anywhere.
    gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.admin, w.foreign_unit, None, &draft())
        .await
        .unwrap();
}

#[tokio::test]
async fn another_tenants_potential_is_not_found() {
    let w = world().await;
    let p = w.other_tenant;
    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .get(&w.admin, p)
                .await
        ),
        AppError::NotFound
    ));
    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .put(&w.admin, p, None, &draft())
                .await
        ),
        AppError::NotFound
    ));
    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .simulate(&w.admin, p, SimulationSettings::default())
                .await
        ),
        AppError::NotFound
    ));
    assert!(w
        .store
        .list_business_cases(w.tenant)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn stale_versions_conflict_and_save_nothing() {
    let w = world().await;
    let first = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.agent, w.own, None, &draft())
        .await
        .unwrap();
    let mut longer = draft();
    longer.horizon = Some(4);
    longer.lines[0].amounts.push(Decimal::ZERO);
    longer.lines[1].amounts.push(dec("1500"));
    // Creating again, replacing a version never read, or one that does not exist.
    for expected in [None, Some(0), Some(2)] {
        assert!(
            matches!(
                kind_of(
                    gevinst_app::App::new(w.store.clone())
                        .business_cases()
                        .put(&w.agent, w.own, expected, &longer)
                        .await
                ),
                AppError::Conflict
            ),
            "{expected:?}"
        );
    }
    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .put(&w.agent, w.foreign_unit, Some(1), &draft())
                .await
        ),
        AppError::Forbidden
    ));
    let now = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .get(&w.agent, w.own)
        .await
        .unwrap();
    assert_eq!(
        (now.case.clone(), now.version),
        (first.case.clone(), Some(1))
    );

    let second = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.agent, w.own, Some(1), &longer)
        .await
        .unwrap();
    assert_eq!(second.version, Some(2));
    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .put(&w.agent, w.own, Some(1), &draft())
                .await
        ),
        AppError::Conflict
    ));
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .business_cases()
            .get(&w.agent, w.own)
            .await
            .unwrap()
            .case,
        second.case
    );

    // Saving the same case again writes nothing and keeps the version.
    let same = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.agent, w.own, Some(2), &longer)
        .await
        .unwrap();
    assert_eq!(same.version, Some(2));

    // The audit log holds the creation and the one real change, field by field.
    let log = w
        .store
        .audit_for(w.tenant, EntityKind::BusinessCase, w.own.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].action, AuditAction::Create);
    assert_eq!(log[1].action, AuditAction::Update);
    assert_eq!(log[1].user_id, Some(w.agent.user.id));
    let fields: Vec<&str> = log[1].changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["horizon", "lines"]);
    assert_eq!(log[1].changes[0].before, serde_json::json!(3));
    assert_eq!(log[1].changes[0].after, serde_json::json!(4));
}

#[tokio::test]
async fn validation_errors_name_their_fields_and_save_nothing() {
    let w = world().await;
    let mut bad = draft();
    bad.lines[0].amounts = vec![dec("1"), dec("2")];
    bad.lines[1].low = Some(dec("1.5"));
    bad.risks[0].probability = Some(dec("1.5"));
    assert_eq!(
        invalid_fields(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .put(&w.agent, w.own, None, &bad)
                .await
        ),
        ["lines[0].amounts", "lines[1].low", "risks[0].probability"]
    );
    let mut bad = draft();
    bad.horizon = Some(21);
    bad.lines[1].amounts[1] = Decimal::MAX;
    let fields = invalid_fields(
        gevinst_app::App::new(w.store.clone())
            .business_cases()
            .put(&w.agent, w.own, None, &bad)
            .await,
    );
    assert!(fields.contains(&"horizon".to_owned()), "{fields:?}");
    assert!(
        fields.contains(&"lines[1].amounts[1]".to_owned()),
        "{fields:?}"
    );
    assert_eq!(stored_version(&w, w.own).await, None);
    assert!(w
        .store
        .audit_for(w.tenant, EntityKind::BusinessCase, w.own.0)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn economics_are_admin_only_versioned_and_validated() {
    let w = world().await;
    let start = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .economics(&w.laeser)
        .await
        .unwrap();
    assert_eq!(start.economics, Economics::default());
    assert_eq!(start.version, 0);
    assert_eq!(start.hourly_rate, dec("259.88"));

    let mut d = EconomicsDraft::from(&Economics::default());
    d.hourly_rate_override = Some(dec("300"));
    for who in [&w.laeser, &w.agent] {
        assert!(matches!(
            kind_of(
                gevinst_app::App::new(w.store.clone())
                    .business_cases()
                    .set_economics(who, 0, &d)
                    .await
            ),
            AppError::Forbidden
        ));
    }
    let mut bad = d.clone();
    bad.hours_per_fte = Some(dec("9000"));
    bad.channel_costs.written = Some(dec("-1"));
    bad.discount_rate = Some(dec("0.3"));
    assert_eq!(
        invalid_fields(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .set_economics(&w.admin, 0, &bad)
                .await
        ),
        ["hours_per_fte", "discount_rate", "channel_costs.written"]
    );
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .business_cases()
            .economics(&w.admin)
            .await
            .unwrap(),
        start
    );

    let set = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .set_economics(&w.admin, 0, &d)
        .await
        .unwrap();
    assert_eq!(set.version, 1);
    assert_eq!(set.hourly_rate, dec("300"));
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .business_cases()
            .economics(&w.agent)
            .await
            .unwrap(),
        set
    );

    // Stale version: conflict, nothing saved.
    let mut d2 = d.clone();
    d2.discount_rate = Some(dec("0.05"));
    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .set_economics(&w.admin, 0, &d2)
                .await
        ),
        AppError::Conflict
    ));
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .business_cases()
            .economics(&w.admin)
            .await
            .unwrap(),
        set
    );
    let set2 = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .set_economics(&w.admin, 1, &d2)
        .await
        .unwrap();
    assert_eq!(set2.version, 2);
    assert_eq!(set2.economics.discount_rate, dec("0.05"));
    // Unchanged settings save nothing.
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .business_cases()
            .set_economics(&w.admin, 2, &d2)
            .await
            .unwrap()
            .version,
        2
    );
    let log = w
        .store
        .audit_for(w.tenant, EntityKind::TenantSettings, w.tenant.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].changes[0].field, "hourly_rate_override");
    assert_eq!(log[1].changes[0].field, "discount_rate");
}

#[tokio::test]
async fn results_follow_the_tenants_economics() {
    let w = world().await;
    let v: BusinessCaseView = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.agent, w.own, None, &draft())
        .await
        .unwrap();
    let e = v.evaluation.expect("results");
    // 2 × 1,000 h × 500,000/1,924 kr./h − 100,000 = 419,750.5197… kr.
    assert_eq!(e.npv, dec("419750.52"));
    assert_eq!(e.payback_year, Some(2026));
    // Risk pool: 0.25 × (10,000 + 80,000 + 60,000)/6 = 6,250.
    assert_eq!(e.risk_pool, dec("6250"));

    let mut d = EconomicsDraft::from(&Economics::default());
    d.hourly_rate_override = Some(dec("300"));
    gevinst_app::App::new(w.store.clone())
        .business_cases()
        .set_economics(&w.admin, 0, &d)
        .await
        .unwrap();
    let after = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .get(&w.agent, w.own)
        .await
        .unwrap();
    assert_eq!(after.economics.hourly_rate_override, Some(dec("300")));
    let e = after.evaluation.expect("results");
    // 2 × 1,000 × 300 − 100,000.
    assert_eq!(e.npv, dec("500000"));
    assert_eq!(e.hourly_rate, dec("300"));
    // The tornado follows too: the hours line swings ±20 % of 600,000.
    let top = &after.sensitivity[0];
    assert_eq!(top.label, "Frigjort tid");
    assert_eq!(top.swing, dec("240000"));
}

#[tokio::test]
async fn simulation_needs_a_case_valid_iterations_and_is_deterministic() {
    let w = world().await;
    let settings = |iterations, seed| SimulationSettings { iterations, seed };
    assert!(matches!(
        kind_of(
            gevinst_app::App::new(w.store.clone())
                .business_cases()
                .simulate(&w.agent, w.own, settings(1000, 7))
                .await
        ),
        AppError::NotFound
    ));
    gevinst_app::App::new(w.store.clone())
        .business_cases()
        .put(&w.agent, w.own, None, &draft())
        .await
        .unwrap();
    for n in [0, 100_001, 1_000_000] {
        assert_eq!(
            invalid_fields(
                gevinst_app::App::new(w.store.clone())
                    .business_cases()
                    .simulate(&w.agent, w.own, settings(n, 7))
                    .await
            ),
            ["iterations"]
        );
    }
    let a = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .simulate(&w.agent, w.own, settings(5000, 7))
        .await
        .unwrap();
    let b = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .simulate(&w.laeser, w.own, settings(5000, 7))
        .await
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.iterations, 5000);
    assert!(a.npv.p10 <= a.npv.p50 && a.npv.p50 <= a.npv.p90);
    // NPV without risks lies within ±20 % of the hours' value around 419,750.52.
    assert!(a.npv.min >= 0.8 * 519_750.52 - 100_000.0 - 60_000.0 - 1.0);
    assert!(a.npv.max <= 1.2 * 519_750.52 - 100_000.0 + 1.0);
    let c = gevinst_app::App::new(w.store.clone())
        .business_cases()
        .simulate(&w.agent, w.own, settings(5000, 8))
        .await
        .unwrap();
    assert_ne!(a.npv.mean, c.npv.mean);
    // A single iteration is enough.
    assert_eq!(
        gevinst_app::App::new(w.store.clone())
            .business_cases()
            .simulate(&w.agent, w.own, settings(1, 0))
            .await
            .unwrap()
            .iterations,
        1
    );
}
