use super::*;
use crate::business_case::{BusinessCase, Economics, Line, LineKind, SimulationSettings};
use crate::ids::{FagomraadeId, PotentialId, TechnologyId, UnitId, UserId};
use crate::status::Status;
use crate::unit::{Unit, UnitTree};
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn econ() -> Economics {
    Economics::default()
}

fn case(start: i32, lines: Vec<Line>) -> BusinessCase {
    BusinessCase {
        start_year: start,
        horizon: lines.first().map_or(1, |l| l.amounts.len() as u32),
        discount_rate: None,
        lines,
        risks: vec![],
    }
}

fn actual(line: usize, period: Period) -> Actual {
    Actual {
        line,
        period,
        hours: dec!(0),
        kr: dec!(0),
        fte: dec!(0),
        invisible_hours: dec!(0),
        harvested: dec!(0),
        budget_reference: String::new(),
        harvested_on: None,
        note: String::new(),
        approval: Default::default(),
        approval_reasons: vec![],
    }
}

fn pot(
    id: i64,
    status: Status,
    unit: i64,
    fag: i64,
    c: BusinessCase,
    actuals: Vec<Actual>,
) -> ProgrammePotential {
    ProgrammePotential {
        id: PotentialId(id),
        title: format!("P{id}"),
        status,
        unit_id: UnitId(unit),
        fagomraade_id: Some(FagomraadeId(fag)),
        technology_id: Some(TechnologyId(1)),
        case: Some(c),
        actuals,
    }
}

fn units() -> UnitTree {
    let u = |id: i64, parent: Option<i64>| Unit {
        id: UnitId(id),
        parent_id: parent.map(UnitId),
        name: format!("U{id}"),
        active: true,
    };
    UnitTree::new(vec![u(1, None), u(2, None), u(3, Some(1))])
}

fn programme() -> Programme {
    ProgrammeDraft {
        name: "Digitalisering og effektivisering 2025–2027".into(),
        first_year: Some(2025),
        last_year: Some(2027),
        targets: vec![
            TargetDraft {
                kind: Some(TargetKind::KrPerYear),
                amount: Some(dec!(1000000)),
                deadline_year: Some(2027),
                milestones: vec![
                    Milestone {
                        year: 2026,
                        amount: dec!(600000),
                    },
                    Milestone {
                        year: 2025,
                        amount: dec!(200000),
                    },
                ],
            },
            TargetDraft {
                kind: Some(TargetKind::Aarsvaerk),
                amount: Some(dec!(2)),
                deadline_year: Some(2027),
                milestones: vec![],
            },
        ],
        potentials: vec![
            PotentialId(1),
            PotentialId(2),
            PotentialId(3),
            PotentialId(4),
        ],
        distribution_keys: vec![DistributionKey {
            target: 0,
            basis: KeyBasis::Percentages,
            shares: vec![
                Share {
                    owner: ShareOwner::Unit(UnitId(1)),
                    value: dec!(60),
                },
                Share {
                    owner: ShareOwner::Unit(UnitId(2)),
                    value: dec!(40),
                },
            ],
        }],
    }
    .validate()
    .unwrap()
}

/// The fixture of the module docs' hand computation (hourly rate 500,000/1,924, so 1,924
/// hours = 500,000 kr. and 192.4 hours = 50,000 kr.).
fn fixture() -> Vec<ProgrammePotential> {
    let mut save = Line::certain(
        LineKind::DirekteBesparelse,
        "Porto",
        vec![dec!(100000), dec!(300000), dec!(300000)],
    );
    save.hjemtagbar = true;
    let p1_case = case(
        2025,
        vec![
            save,
            Line::certain(
                LineKind::Drift,
                "Licens",
                vec![dec!(0), dec!(50000), dec!(50000)],
            ),
        ],
    );
    let mut a1 = actual(0, Period::of_year(2025).unwrap());
    a1.kr = dec!(80000);
    a1.harvested = dec!(80000);
    a1.budget_reference = "B2025".into();
    a1.harvested_on = NaiveDate::from_ymd_opt(2025, 12, 1);
    let mut q1 = actual(0, Period::of_quarter(2026, 1).unwrap());
    q1.kr = dec!(70000);
    let mut q2 = actual(0, Period::of_quarter(2026, 2).unwrap());
    q2.kr = dec!(70000);
    q2.harvested = dec!(50000);
    let p2_case = case(
        2025,
        vec![
            Line::certain(
                LineKind::FrigjorteTimer,
                "Sagsbehandling",
                vec![dec!(0), dec!(1924), dec!(3848)],
            ),
            Line::certain(
                LineKind::UsynligtArbejde,
                "Oprydning",
                vec![dec!(0), dec!(192.4), dec!(192.4)],
            ),
        ],
    );
    let mut a2 = actual(0, Period::of_year(2026).unwrap());
    a2.hours = dec!(962);
    a2.invisible_hours = dec!(384.8);
    let p3_case = case(
        2025,
        vec![Line::certain(
            LineKind::DirekteBesparelse,
            "Ny",
            vec![dec!(0), dec!(0), dec!(400000)],
        )],
    );
    let big = case(
        2025,
        vec![Line::certain(
            LineKind::DirekteBesparelse,
            "Stor",
            vec![dec!(1000000); 3],
        )],
    );
    vec![
        pot(1, Status::IDrift, 3, 1, p1_case, vec![a1, q1, q2]),
        pot(2, Status::Besluttet, 2, 1, p2_case, vec![a2]),
        pot(3, Status::Ide, 1, 2, p3_case, vec![]),
        pot(4, Status::Afvist, 1, 2, big.clone(), vec![]),
        pot(5, Status::IDrift, 1, 1, big, vec![]), // not in the programme
    ]
}

#[test]
fn hand_computed_programme_totals() {
    let o = overview(&programme(), &fixture(), &econ(), &units());
    let f: Vec<&Figures> = o.years.iter().map(|y| &y.figures).collect();
    // 2025: P1 plans 100,000, realises 80,000, harvests 80,000.
    assert_eq!(f[0].planned_kr, dec!(100000));
    assert_eq!(f[0].decided_kr, dec!(100000));
    assert_eq!(f[0].realised_kr, dec!(80000));
    assert_eq!(f[0].harvested_kr, dec!(80000));
    // 2026: P1 300,000 − 50,000 drift; P2 500,000 − 50,000 invisible → planned 700,000.
    // Realised: P1 140,000 − 50,000 drift = 90,000; P2 962 h (250,000) − 384.8 h
    // (100,000) = 150,000 → 240,000. Harvested 50,000.
    assert_eq!(f[1].planned_kr, dec!(700000));
    assert_eq!(f[1].decided_kr, dec!(700000));
    assert_eq!(f[1].realised_kr, dec!(240000));
    assert_eq!(f[1].harvested_kr, dec!(50000));
    assert_eq!(f[1].not_harvested_kr, dec!(190000));
    assert_eq!(f[1].planned_fte, dec!(0.9));
    assert_eq!(f[1].realised_fte, dec!(0.3));
    // 2027: 250,000 + 950,000 + 400,000 (idé) planned; decided 1,200,000; afvist excluded.
    assert_eq!(f[2].planned_kr, dec!(1600000));
    assert_eq!(f[2].decided_kr, dec!(1200000));
    assert_eq!(f[2].realised_kr, dec!(0));
    assert_eq!(f[2].planned_fte, dec!(1.9));
    // Targets and gaps: milestones 200,000 and 600,000, then 1,000,000.
    let kr: Vec<&YearTarget> = o.years.iter().map(|y| &y.targets[0]).collect();
    assert_eq!(kr[0].amount, Some(dec!(200000)));
    assert_eq!(kr[0].gap_realised, Some(dec!(120000)));
    assert_eq!(kr[1].gap_realised, Some(dec!(360000)));
    assert_eq!(kr[2].amount, Some(dec!(1000000)));
    assert_eq!(kr[2].gap_decided, Some(dec!(-200000)));
    let fte: Vec<&YearTarget> = o.years.iter().map(|y| &y.targets[1]).collect();
    assert_eq!(fte[0].amount, None);
    assert_eq!(fte[2].gap_decided, Some(dec!(0.1)));
    // By status in 2027 includes the afvist potential without counting it as planned.
    let afvist = o.years[2]
        .planned_by_status
        .iter()
        .find(|s| s.status == Status::Afvist)
        .unwrap();
    assert_eq!(afvist.kr, dec!(1000000));
    // Invisible work 2026: planned 192.4 h, actual 384.8 h.
    assert_eq!(o.years[1].invisible_planned_hours, dec!(192.4));
    assert_eq!(o.years[1].invisible_actual_hours, dec!(384.8));
    // Largest gaps: P2 2026 (300,000), P1 2026 (160,000), P1 2025 (20,000).
    let gaps: Vec<(i64, i32, Decimal)> = o
        .largest_gaps
        .iter()
        .map(|g| (g.potential.0, g.year, g.gap_kr))
        .collect();
    assert_eq!(
        gaps,
        vec![
            (2, 2026, dec!(300000)),
            (1, 2026, dec!(160000)),
            (1, 2025, dec!(20000))
        ]
    );
    // Distribution key: unit 1 (with child unit 3) 600,000 vs decided 250,000 in 2027;
    // unit 2 400,000 vs 950,000.
    assert_eq!(o.shares[0].share, dec!(600000));
    assert_eq!(o.shares[0].decided, dec!(250000));
    assert_eq!(o.shares[0].planned, dec!(650000));
    assert_eq!(o.shares[1].decided, dec!(950000));
    assert_eq!(o.shares[1].gap_decided, dec!(-550000));
    // Breakdown by fagområde: fag 1 realised 240,000 in 2026.
    let fag1 = o
        .by_fagomraade
        .iter()
        .find(|r| r.key == BreakdownKey::Fagomraade(Some(FagomraadeId(1))))
        .unwrap();
    assert_eq!(fag1.years[1].1.realised_kr, dec!(240000));
    assert_eq!(o.by_unit.len(), 3);
}

#[test]
fn annual_gain_matches_full_effect() {
    let p = &fixture()[1];
    let c = p.case.as_ref().unwrap();
    let e = crate::business_case::evaluate(c, &econ()).unwrap();
    let g = annual_gain(c, &econ(), 2027);
    assert_eq!(g.kr.round_dp(2), e.full_effect);
    assert_eq!(g.fte.round_dp(2), e.fte_freed_final_year);
    assert_eq!(annual_gain(c, &econ(), 2030), AnnualGain::default());
}

fn key(basis: KeyBasis, values: &[Decimal]) -> DistributionKey {
    DistributionKey {
        target: 0,
        basis,
        shares: values
            .iter()
            .enumerate()
            .map(|(i, v)| Share {
                owner: ShareOwner::Unit(UnitId(i as i64 + 1)),
                value: *v,
            })
            .collect(),
    }
}

fn kr_target(amount: Decimal) -> Target {
    Target {
        kind: TargetKind::KrPerYear,
        amount,
        deadline_year: 2027,
        milestones: vec![],
    }
}

#[test]
fn distribution_key_says_by_how_much() {
    let t = kr_target(dec!(20000000));
    let e = key(KeyBasis::Percentages, &[dec!(60), dec!(35)]).validate(&t);
    assert_eq!(
        e.message_for("shares"),
        Some("Fordelingen giver 95 %, mangler 5 %.")
    );
    let e = key(KeyBasis::Percentages, &[dec!(60), dec!(42.5)]).validate(&t);
    assert_eq!(
        e.message_for("shares"),
        Some("Fordelingen giver 102,5 %, 2,5 % for meget.")
    );
    let e = key(KeyBasis::Amounts, &[dec!(12000000), dec!(7500000)]).validate(&t);
    assert_eq!(
        e.message_for("shares"),
        Some("Fordelingen giver 19.500.000 kr., mangler 500.000 kr.")
    );
    let e = key(KeyBasis::Amounts, &[dec!(12000000), dec!(8500000)]).validate(&t);
    assert_eq!(
        e.message_for("shares"),
        Some("Fordelingen giver 20.500.000 kr., 500.000 kr. for meget.")
    );
    let fte = Target {
        kind: TargetKind::Aarsvaerk,
        ..kr_target(dec!(40))
    };
    let e = key(KeyBasis::Amounts, &[dec!(38)]).validate(&fte);
    assert_eq!(
        e.message_for("shares"),
        Some("Fordelingen giver 38 årsværk, mangler 2 årsværk.")
    );
    let ok = key(KeyBasis::Percentages, &[dec!(33.3), dec!(33.3), dec!(33.4)]);
    assert!(ok.validate(&t).is_empty());
    assert_eq!(ok.share_amount(&ok.shares[2], &t), dec!(6680000));
    // Repeats and negatives.
    let mut bad = key(KeyBasis::Percentages, &[dec!(110), dec!(-10)]);
    bad.shares[1].owner = bad.shares[0].owner;
    let e = bad.validate(&t);
    assert!(e.0.iter().any(|e| e.code == "duplicate"));
    assert!(e.0.iter().any(|e| e.code == "out_of_range"));
}

#[test]
fn programme_validation() {
    let mut d = ProgrammeDraft {
        name: "  ".into(),
        first_year: Some(2027),
        last_year: Some(2024),
        targets: vec![TargetDraft {
            kind: Some(TargetKind::KrPerYear),
            amount: Some(dec!(20000000)),
            deadline_year: None,
            milestones: vec![],
        }],
        potentials: vec![PotentialId(1), PotentialId(1)],
        distribution_keys: vec![],
    };
    let e = d.validate().unwrap_err();
    assert_eq!(
        e.message_for("targets[0].deadline_year"),
        Some("Målet skal have et årstal for, hvornår det skal være nået.")
    );
    assert!(e.message_for("name").is_some());
    assert!(e.message_for("last_year").is_some());
    assert!(e.message_for("potentials[1]").is_some());
    d.name = "Program".into();
    d.first_year = Some(2024);
    d.last_year = Some(2027);
    d.potentials = vec![PotentialId(1)];
    d.targets[0].deadline_year = Some(2028);
    d.targets[0].milestones = vec![Milestone {
        year: 2023,
        amount: dec!(1),
    }];
    let e = d.validate().unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
    assert!(e.message_for("targets[0].milestones[0].year").is_some());
    d.targets[0].deadline_year = Some(2027);
    d.targets[0].milestones = vec![
        Milestone {
            year: 2026,
            amount: dec!(15000000),
        },
        Milestone {
            year: 2025,
            amount: dec!(16000000),
        },
    ];
    d.distribution_keys = vec![key(KeyBasis::Percentages, &[dec!(95)])];
    let e = d.validate().unwrap_err();
    assert_eq!(
        e.message_for("distribution_keys[0].shares"),
        Some("Fordelingen giver 95 %, mangler 5 %.")
    );
    d.distribution_keys[0].shares[0].value = dec!(100);
    let p = d.validate().unwrap();
    // Milestones sorted, falling path allowed.
    assert_eq!(p.targets[0].milestones[0].year, 2025);
    assert_eq!(p.targets[0].amount_in(2024), None);
    assert_eq!(p.targets[0].amount_in(2026), Some(dec!(15000000)));
    assert_eq!(p.targets[0].amount_in(2027), Some(dec!(20000000)));
}

fn plan() -> BenefitPlan {
    derive_plan(
        PotentialId(2),
        fixture()[1].case.as_ref().unwrap(),
        &econ(),
        MeasurementFrequency::Quarterly,
    )
}

#[test]
fn derived_plan_values_are_rounded_to_ore() {
    // 1 hour at 500,000 / 1,924 kr. is 259.8752598… kr.; 3 hours is 779.6257796… kr.
    let c = case(
        2025,
        vec![Line::certain(
            LineKind::FrigjorteTimer,
            "Timer",
            vec![dec!(1), dec!(3)],
        )],
    );
    let p = derive_plan(PotentialId(1), &c, &econ(), MeasurementFrequency::Yearly);
    let kr: Vec<Decimal> = p.benefits[0].targets.iter().map(|y| y.kr).collect();
    assert_eq!(kr, [dec!(259.88), dec!(779.63)]);
    assert!(kr.iter().all(|k| k.scale() <= 2));
}

#[test]
fn plan_derivation_from_a_case() {
    let c = fixture()[1].case.clone().unwrap();
    let before = c.clone();
    let mut p = plan();
    assert_eq!(c, before);
    assert_eq!((p.first_year, p.last_year), (2025, 2027));
    // Only the benefit line (freed hours), not the invisible work.
    assert_eq!(p.benefits.len(), 1);
    let b = &p.benefits[0];
    assert_eq!((b.line, b.kind), (0, LineKind::FrigjorteTimer));
    assert_eq!(b.targets[2].year, 2027);
    assert_eq!(b.targets[2].amount, dec!(3848));
    assert_eq!(b.targets[2].kr.round_dp(2), dec!(1000000));
    // Not complete until owner and method are set.
    let e = p.validate();
    assert!(e.message_for("benefits[0].owner").is_some());
    assert!(e.message_for("benefits[0].measurement_method").is_some());
    p.benefits[0].owner = Some(UserId(7));
    p.benefits[0].measurement_method = "Udtræk fra KMD Nexus".into();
    assert!(p.validate().is_empty());
    // Quarterly due dates.
    let due = p.due_dates();
    assert_eq!(due.len(), 12);
    assert_eq!(
        due[1],
        (
            Period::of_quarter(2025, 2).unwrap(),
            NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
        )
    );
    let yearly = measurement_due_dates(2025, 2026, MeasurementFrequency::Yearly);
    assert_eq!(
        yearly[1],
        (
            Period::of_year(2026).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        )
    );
    // Overdue: on 1 Oct 2025, Q1–Q3 2025 are due; a recorded Q2 leaves two.
    let overdue = p.overdue(
        &[actual(0, Period::of_quarter(2025, 2).unwrap())],
        NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
    );
    assert_eq!(
        overdue.iter().map(|o| o.1).collect::<Vec<_>>(),
        vec![
            Period::of_quarter(2025, 1).unwrap(),
            Period::of_quarter(2025, 3).unwrap()
        ]
    );
}

#[test]
fn a_plan_follows_an_edited_case_and_keeps_what_people_wrote() {
    let mut p = plan();
    p.benefits[0].owner = Some(UserId(7));
    p.benefits[0].kpi = "Timer sparet pr. kvartal".into();
    p.benefits[0].measurement_method = "Udtræk fra KMD Nexus".into();
    p.benefits[0].baseline = Some(dec!(12000));
    let mut c = fixture()[1].case.clone().unwrap();
    assert!(p.follows_case(&c, &econ()));
    assert_eq!(p.follow_case(&c, &econ()), p);

    // The case's line moves (a new line in front) and its hours change.
    let mut moved = c.lines[0].clone();
    moved.amounts = vec![dec!(1000), dec!(2000), dec!(4000)];
    let mut saving = moved.clone();
    saving.kind = LineKind::DirekteBesparelse;
    saving.label = "Porto".into();
    saving.amounts = vec![dec!(0), dec!(10000), dec!(10000)];
    c.lines = vec![saving, moved];
    c.lines
        .extend(fixture()[1].case.clone().unwrap().lines.into_iter().skip(1));
    assert!(!p.follows_case(&c, &econ()));
    let next = p.follow_case(&c, &econ());
    assert_eq!(next.frequency, MeasurementFrequency::Quarterly);
    assert_eq!(next.benefits.len(), 2);
    // The new line starts empty ...
    assert_eq!(next.benefits[0].label, "Porto");
    assert_eq!(next.benefits[0].owner, None);
    // ... and the moved one keeps owner, KPI, method and baseline with the new targets.
    let b = &next.benefits[1];
    assert_eq!(b.line, 1);
    assert_eq!(b.owner, Some(UserId(7)));
    assert_eq!(b.kpi, "Timer sparet pr. kvartal");
    assert_eq!(b.measurement_method, "Udtræk fra KMD Nexus");
    assert_eq!(b.baseline, Some(dec!(12000)));
    assert_eq!(b.targets[2].amount, dec!(4000));
    assert!(next.follows_case(&c, &econ()));
}

#[test]
fn actual_validation() {
    let p = plan();
    let good = ActualDraft {
        line: Some(0),
        period: Some(Period::of_quarter(2026, 3).unwrap()),
        hours: Some(dec!(400)),
        harvested: Some(dec!(100000)),
        budget_reference: "Budget 2026, ramme 3.22".into(),
        harvested_on: NaiveDate::from_ymd_opt(2026, 10, 1),
        ..Default::default()
    };
    let a = good.validate(&p).unwrap();
    assert_eq!(a.harvested, dec!(100000));
    let e = ActualDraft {
        period: Some(Period::of_year(2024).unwrap()),
        ..good.clone()
    }
    .validate(&p)
    .unwrap_err();
    assert_eq!(
        e.message_for("period"),
        Some("Perioden 2024 ligger uden for planens år (2025-2027).")
    );
    let e = ActualDraft {
        period: Some(Period::of_quarter(2028, 1).unwrap()),
        ..good.clone()
    }
    .validate(&p)
    .unwrap_err();
    assert_eq!(e.0[0].code, "outside_plan");
    let e = ActualDraft {
        harvested: Some(dec!(-1)),
        ..good.clone()
    }
    .validate(&p)
    .unwrap_err();
    assert_eq!(
        e.message_for("harvested"),
        Some("Det hjemtagne beløb kan ikke være negativt.")
    );
    let e = ActualDraft {
        harvested_on: None,
        ..good.clone()
    }
    .validate(&p)
    .unwrap_err();
    assert_eq!(
        e.message_for("harvested_on"),
        Some("Angiv datoen for hjemtagningen.")
    );
    let e = ActualDraft {
        line: Some(1),
        ..good.clone()
    }
    .validate(&p)
    .unwrap_err();
    assert_eq!(e.0[0].code, "unknown");
    // A fifth quarter is no period at all: it is refused where it enters.
    assert_eq!(
        Period::of_quarter(2026, 5).unwrap_err().message,
        "Kvartalet skal være 1-4."
    );
    let fifth = r#"{"line": 0, "period": {"quarter": [2026, 5]}}"#;
    assert!(serde_json::from_str::<ActualDraft>(fifth).is_err());
    // Nothing harvested needs neither a date nor a reference.
    let free = ActualDraft {
        harvested: None,
        harvested_on: None,
        budget_reference: String::new(),
        ..good
    };
    assert!(free.validate(&p).is_ok());
}

#[test]
fn year_actual_replaces_quarters() {
    let mut potentials = fixture();
    let mut y = actual(0, Period::of_year(2026).unwrap());
    y.kr = dec!(200000);
    potentials[0].actuals.push(y);
    let o = overview(&programme(), &potentials, &econ(), &units());
    // P1 2026: 200,000 − 50,000 drift (quarters ignored) + P2 150,000.
    assert_eq!(o.years[1].figures.realised_kr, dec!(300000));
}

mod forecast;
