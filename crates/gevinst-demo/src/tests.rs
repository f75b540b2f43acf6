//! Checks of the generated demo data as a whole.

use std::collections::BTreeSet;

use gevinst_domain::business_case::{
    evaluate, BusinessCase, Decimal, Economics, InvisibleCategory, Line, LineKind,
};
use gevinst_domain::danish::format_decimal;
use gevinst_domain::programme::{counts_as_decided, MeasurementFrequency};
use gevinst_domain::{
    potential::References, FagomraadeId, PotentialDraft, PotentialId, Role, Source, Status,
    TechnologyId, UnitId, UserId, DEFAULT_FAGOMRAADER, DEFAULT_TECHNOLOGIES,
};

use crate::organisation::{
    AGENT, CHATBOT, INTEGRATION, LEDER, RPA, SELVBETJENING, VELFAERD, VIDEO,
};
use crate::texts::{sentence_count, AREAS};
use crate::*;

struct IndexRefs;
impl References for IndexRefs {
    fn unit(&self, _: UnitId) -> bool {
        true
    }
    fn fagomraade(&self, _: FagomraadeId) -> bool {
        true
    }
    fn technology(&self, _: TechnologyId) -> bool {
        true
    }
    fn user(&self, _: UserId) -> bool {
        true
    }
}

fn demo() -> DemoData {
    generate(DEMO_SEED, DEMO_POTENTIALS)
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(demo(), demo());
    assert_ne!(
        demo().potentials,
        generate(DEMO_SEED + 1, DEMO_POTENTIALS).potentials
    );
}

#[test]
fn enough_potentials_with_unique_titles() {
    let d = demo();
    assert!(d.potentials.len() >= 300);
    let titles: BTreeSet<&str> = d.potentials.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles.len(), d.potentials.len(), "titles must be unique");
}

#[test]
fn every_status_technology_fagomraade_source_and_unit_occurs() {
    let d = demo();
    for s in Status::ALL {
        assert!(
            d.potentials.iter().any(|p| p.status == s),
            "status {s:?} missing"
        );
    }
    for t in 0..DEFAULT_TECHNOLOGIES.len() {
        assert!(
            d.potentials.iter().any(|p| p.technology == t),
            "technology {t} missing"
        );
    }
    for f in 0..DEFAULT_FAGOMRAADER.len() {
        assert!(
            d.potentials.iter().any(|p| p.fagomraade == f),
            "fagområde {f} missing"
        );
    }
    for s in Source::ALL {
        assert!(
            d.potentials.iter().any(|p| p.source == s),
            "source {s:?} missing"
        );
    }
    for (i, u) in d.units.iter().enumerate() {
        assert!(
            d.potentials.iter().any(|p| p.unit == i),
            "unit {} has no potentials",
            u.name
        );
    }
    // A funnel: more ideas than realised gains.
    let count = |s| d.potentials.iter().filter(|p| p.status == s).count();
    assert!(count(Status::Ide) > count(Status::Besluttet));
    assert!(count(Status::Vurderet) > count(Status::GevinstRealiseret));
}

#[test]
fn organisation_and_users_are_sound() {
    let d = demo();
    let names: BTreeSet<&str> = d.units.iter().map(|u| u.name).collect();
    assert_eq!(names.len(), d.units.len(), "unit names must be unique");
    for (i, u) in d.units.iter().enumerate() {
        assert!(u.parent.is_none_or(|p| p < i), "parents come first");
    }
    let tops = d.units.iter().filter(|u| u.parent.is_none()).count();
    assert!((4..=5).contains(&tops));
    // Every unit name used by an area or a user exists.
    for area in AREAS {
        for n in area.units {
            assert!(names.contains(n), "unknown unit {n}");
        }
    }
    let roles: Vec<Role> = d.users.iter().map(|u| u.role).collect();
    assert_eq!(roles, Role::ALL.to_vec());
    for u in &d.users {
        assert_eq!(u.units.is_empty(), !u.role.is_unit_scoped(), "{}", u.email);
    }
    assert!(gevinst_domain::user::validate_password(
        DEMO_PASSWORD,
        &["admin@eksempel.dk", "eksempel"]
    )
    .is_ok());
    // The leder owns benefits and the agent follows potentials in their own units.
    assert!(d.potentials.iter().any(|p| p.benefit_owner == Some(LEDER)));
    assert!(d.potentials.iter().any(|p| p.digital_agent == Some(AGENT)));
}

#[test]
fn every_draft_validates_and_texts_are_reasonable() {
    for p in demo().potentials {
        let draft = PotentialDraft {
            title: p.title.clone(),
            description: p.description.clone(),
            unit_id: Some(UnitId(p.unit as i64)),
            fagomraade_id: Some(FagomraadeId(p.fagomraade as i64)),
            technology_id: Some(TechnologyId(p.technology as i64)),
            source: Some(p.source.as_str().to_owned()),
            benefit_owner: p.benefit_owner.map(|i| UserId(i as i64)),
            digital_agent: p.digital_agent.map(|i| UserId(i as i64)),
            contact_name: None,
            tags: p.tags.clone(),
        };
        let v = draft
            .validate(&IndexRefs)
            .unwrap_or_else(|e| panic!("{}: {e}", p.title));
        assert_eq!(v.title, p.title, "titles are already clean");
        assert!(
            !p.description.contains('{'),
            "unfilled placeholder in {}",
            p.title
        );
        let sentences = sentence_count(&p.description);
        assert!((2..=4).contains(&sentences), "{}", p.description);
        assert!(
            p.title.chars().next().is_some_and(char::is_uppercase),
            "{}",
            p.title
        );
    }
}

#[test]
fn every_potential_from_business_case_onwards_has_a_case() {
    let d = demo();
    let with = d
        .potentials
        .iter()
        .filter(|p| p.business_case.is_some())
        .count();
    assert!(with >= 60, "only {with} business cases");
    for p in &d.potentials {
        assert_eq!(
            p.business_case.is_some(),
            has_business_case(p.status),
            "{} ({:?})",
            p.title,
            p.status
        );
    }
}

#[test]
fn the_demo_follows_the_lifecycle_rules() {
    use gevinst_domain::lifecycle::check_created;
    for p in &demo().potentials {
        assert_eq!(
            check_created(p.status, p.business_case.is_some()),
            Ok(()),
            "{} ({:?})",
            p.title,
            p.status
        );
    }
}

fn cases() -> Vec<(DemoPotential, BusinessCase)> {
    demo()
        .potentials
        .into_iter()
        .filter_map(|p| p.business_case.clone().map(|c| (p, c)))
        .collect()
}

#[test]
fn every_case_round_trips_through_validation() {
    let econ = Economics::default();
    for (p, case) in cases() {
        let valid = business_case_draft(&case)
            .validate(&econ)
            .unwrap_or_else(|e| panic!("{}: {e}", p.title));
        assert_eq!(valid, case, "{}", p.title);
        assert!((2024..=2026).contains(&case.start_year), "{}", p.title);
        assert!([3, 5, 8].contains(&case.horizon), "{}", p.title);
        assert!(case.risks.len() <= 3, "{}", p.title);
        for l in &case.lines {
            assert!(l.low <= Decimal::ONE && l.high >= Decimal::ONE);
            if l.kind.is_benefit() {
                assert!(l.low >= Decimal::new(6, 1) && l.low <= Decimal::new(9, 1));
                assert!(l.high >= Decimal::new(11, 1) && l.high <= Decimal::new(15, 1));
            }
        }
        // Every case has an investment and a benefit.
        assert!(case.lines.iter().any(|l| l.kind == LineKind::Investering));
        assert!(case.lines.iter().any(|l| l.kind.is_benefit()));
    }
}

#[test]
fn cases_mix_kinds_categories_and_outcomes() {
    let econ = Economics::default();
    let all = cases();
    let lines: Vec<&Line> = all.iter().flat_map(|(_, c)| &c.lines).collect();
    for kind in LineKind::ALL {
        assert!(lines.iter().any(|l| l.kind == kind), "{kind:?} missing");
    }
    for cat in [
        InvisibleCategory::Oprydning,
        InvisibleCategory::Kompensation,
        InvisibleCategory::Forbindelse,
    ] {
        assert!(lines.iter().any(|l| l.category == Some(cat)), "{cat:?}");
    }
    assert!(lines.iter().any(|l| l.hjemtagbar));
    assert!(lines.iter().any(|l| l.kind.is_benefit() && !l.hjemtagbar));
    for tech in [RPA, CHATBOT, VIDEO, VELFAERD, SELVBETJENING, INTEGRATION] {
        assert!(all.iter().any(|(p, _)| p.technology == tech), "{tech}");
    }
    // Every chatbot pays an AI-bottræner out of its gain.
    for (p, c) in all.iter().filter(|(p, _)| p.technology == CHATBOT) {
        assert!(
            c.lines.iter().any(|l| l.label.starts_with("AI-bottræner")
                && l.category == Some(InvisibleCategory::Kompensation)),
            "{}",
            p.title
        );
    }
    for n in 0..=3 {
        assert!(all.iter().any(|(_, c)| c.risks.len() == n), "{n} risks");
    }
    for h in [3, 5, 8] {
        assert!(all.iter().any(|(_, c)| c.horizon == h), "horizon {h}");
    }
    let npvs: Vec<Decimal> = all
        .iter()
        .map(|(_, c)| evaluate(c, &econ).unwrap().npv)
        .collect();
    let negative = npvs.iter().filter(|n| n.is_sign_negative()).count();
    assert!(negative >= 3, "only {negative} negative NPVs");
    assert!(
        negative * 4 < npvs.len(),
        "{negative} of {} negative",
        npvs.len()
    );
    assert!(all
        .iter()
        .any(|(_, c)| evaluate(c, &econ).unwrap().invisible_share > Some(Decimal::new(2, 1))));
}

#[test]
fn demo_programme_is_deterministic_and_valid() {
    let d = demo();
    let units: Vec<UnitId> = (0..d.units.len() as i64).map(|i| UnitId(i + 1)).collect();
    let users: Vec<UserId> = (0..d.users.len() as i64).map(|i| UserId(i + 1)).collect();
    let ids: Vec<PotentialId> = (0..d.potentials.len() as i64)
        .map(|i| PotentialId(i + 1))
        .collect();
    let econ = Economics::default();
    let a = demo_programme(&d, &units, &users, &ids, &econ).expect("programme");
    let b = demo_programme(&d, &units, &users, &ids, &econ).expect("programme");
    assert_eq!(a, b);
    let decided = d
        .potentials
        .iter()
        .filter(|p| counts_as_decided(p.status))
        .count();
    assert_eq!(a.plans.len(), decided);
    assert!(a
        .plans
        .iter()
        .any(|p| p.plan.frequency == MeasurementFrequency::Quarterly));
    for p in &a.plans {
        assert!(p.plan.validate().is_empty());
        for actual in &p.actuals {
            assert!(DEMO_ACTUAL_YEARS.contains(&actual.period.year()));
            assert!(actual.harvested >= Decimal::ZERO);
        }
    }
}

#[test]
fn thousands_separator() {
    // The templates' numbers use the domain's formatting, with no decimals.
    let thousands = |n: u32| format_decimal(Decimal::from(n), 0);
    assert_eq!(thousands(5), "5");
    assert_eq!(thousands(1234), "1.234");
    assert_eq!(thousands(1234567), "1.234.567");
}
