//! The demo potentials: titles, descriptions, statuses and references, drawn from the
//! templates in [`crate::texts`].

use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::format_decimal;
use gevinst_domain::{Source, Status};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};

use crate::cases::add_business_cases;
use crate::organisation::{
    organisation, ADM, ADMIN, AGENT, ANDET, CHATBOT, INTEGRATION, LEDER, PORTEFOLJELEDER, PROCES,
    SELVBETJENING, SENSOR, SOC, TALE, USERS, VELFAERD, VIDEO,
};
use crate::texts::{
    capitalise, catalogue_sentence, sentence_count, AREAS, CAVEATS, IDEA, TITLE_PATTERNS, TODAY,
};
use crate::{DemoData, DemoPotential, DemoUnit, DemoUser};

/// `(status, weight)`: a funnel with many early ideas and fewer late ones.
const STATUS_WEIGHTS: [(Status, u32); 9] = [
    (Status::Ide, 30),
    (Status::Vurderet, 22),
    (Status::BusinessCase, 11),
    (Status::Besluttet, 7),
    (Status::IImplementering, 8),
    (Status::IDrift, 6),
    (Status::GevinstRealiseret, 4),
    (Status::Afvist, 7),
    (Status::Parkeret, 5),
];

const SOURCE_WEIGHTS: [(Source, u32); 5] = [
    (Source::Workshop, 45),
    (Source::DigitalAgent, 20),
    (Source::EmployeeProposal, 20),
    (Source::Catalogue, 10),
    (Source::Other, 5),
];

fn pick_weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.gen_range(0..total);
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

pub(crate) fn choose<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

/// One candidate idea: an area, a technology, an object and a title pattern.
struct Candidate {
    area: usize,
    technology: usize,
    object: &'static str,
    pattern: usize,
}

fn candidates(rng: &mut ChaCha8Rng, count: usize) -> Vec<Candidate> {
    let mut all: Vec<(usize, usize, &'static str)> = Vec::new();
    for (a, area) in AREAS.iter().enumerate() {
        for (tech, objects) in area.ideas {
            for o in objects.iter() {
                all.push((a, *tech, o));
            }
        }
    }
    // Every idea once, then again with another wording, and so on, each round shuffled.
    let mut out = Vec::with_capacity(count);
    let first_pattern: Vec<usize> = all
        .iter()
        .map(|(_, t, _)| rng.gen_range(0..TITLE_PATTERNS[*t].len()))
        .collect();
    let mut round = 0;
    while out.len() < count && round < 3 {
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.shuffle(rng);
        for i in order {
            if out.len() == count {
                break;
            }
            let (area, technology, object) = all[i];
            let pattern = (first_pattern[i] + round) % TITLE_PATTERNS[technology].len();
            out.push(Candidate {
                area,
                technology,
                object,
                pattern,
            });
        }
        round += 1;
    }
    out
}

/// Generates the demo data from `seed` with `count` potentials (at most about 550, the
/// number of distinct titles the templates give). Pure and deterministic.
pub fn generate(seed: u64, count: usize) -> DemoData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let units = organisation();
    let index: BTreeMap<&str, usize> = units.iter().enumerate().map(|(i, u)| (u.name, i)).collect();
    let users = demo_users(&index);
    let agent_scope = scope(&units, &users[AGENT]);
    let leder_scope = scope(&units, &users[LEDER]);

    // Within an area, units take turns so that every unit gets potentials.
    let mut area_turn: Vec<usize> = AREAS
        .iter()
        .map(|a| rng.gen_range(0..a.units.len()))
        .collect();

    let mut potentials = Vec::with_capacity(count);
    for c in candidates(&mut rng, count) {
        let area = &AREAS[c.area];
        let unit_name = area.units[area_turn[c.area] % area.units.len()];
        area_turn[c.area] += 1;
        let unit = index.get(unit_name).copied().unwrap_or(0);
        let title = capitalise(&TITLE_PATTERNS[c.technology][c.pattern].replace("{}", c.object));

        let status = pick_weighted(&mut rng, &STATUS_WEIGHTS);
        let source = pick_weighted(&mut rng, &SOURCE_WEIGHTS);
        let description = description(&mut rng, &c, unit_name, source);

        let in_agent = agent_scope.contains(&unit);
        let in_leder = leder_scope.contains(&unit);
        let submitted_by = match source {
            Source::Workshop | Source::Catalogue => Some(PORTEFOLJELEDER),
            Source::DigitalAgent if in_agent => Some(AGENT),
            Source::Other if rng.gen_bool(0.3) => Some(ADMIN),
            _ => None,
        };
        let benefit_owner = (in_leder && status != Status::Ide).then_some(LEDER);
        let digital_agent = in_agent.then_some(AGENT);
        let tags = tags(&mut rng, &c, area.fagomraade, source, status);

        potentials.push(DemoPotential {
            title,
            description,
            unit,
            fagomraade: area.fagomraade,
            technology: c.technology,
            source,
            status,
            submitted_by,
            benefit_owner,
            digital_agent,
            tags,
            business_case: None,
        });
    }
    add_business_cases(seed, &mut potentials);
    DemoData {
        units,
        users,
        potentials,
    }
}

/// The demo users of [`USERS`], with their units as indexes.
fn demo_users(index: &BTreeMap<&str, usize>) -> Vec<DemoUser> {
    USERS
        .iter()
        .map(|(email, name, role, unit_names)| DemoUser {
            email,
            name,
            role: *role,
            units: unit_names
                .iter()
                .filter_map(|n| index.get(n).copied())
                .collect(),
        })
        .collect()
}

/// The units a user has rights in: their own and every unit below.
fn scope(units: &[DemoUnit], user: &DemoUser) -> BTreeSet<usize> {
    let mut set: BTreeSet<usize> = user.units.iter().copied().collect();
    for (i, u) in units.iter().enumerate() {
        let mut p = u.parent;
        while let Some(pi) = p {
            if user.units.contains(&pi) {
                set.insert(i);
                break;
            }
            p = units[pi].parent;
        }
    }
    set
}

/// A potential's description: what happens today, the idea, and an estimate or a remark,
/// at most four sentences.
fn description(rng: &mut ChaCha8Rng, c: &Candidate, unit_name: &str, source: Source) -> String {
    let n: u32 = match c.technology {
        CHATBOT => rng.gen_range(4..40) * 10,
        VIDEO | VELFAERD | SENSOR | TALE => rng.gen_range(2..30) * 5,
        _ => rng.gen_range(3..250) * 20,
    };
    let minutes = match c.technology {
        CHATBOT | SELVBETJENING => rng.gen_range(3..15),
        _ => rng.gen_range(2..12) * 5,
    };
    let steps = rng.gen_range(6..14);
    let removable = rng.gen_range(2..steps / 2 + 1);
    let fill = |s: &str| {
        s.replace("{obj}", c.object)
            .replace("{unit}", unit_name)
            .replace("{n}", &format_decimal(Decimal::from(n), 0))
            .replace("{min}", &minutes.to_string())
            .replace("{k}", &removable.to_string())
            .replace("{m}", &steps.to_string())
    };
    let mut sentences = vec![
        fill(choose(rng, TODAY[c.technology])),
        fill(choose(rng, IDEA[c.technology])),
    ];
    if c.technology != ANDET && sentence_count(&sentences.join(" ")) < 4 {
        sentences.push(estimate(rng));
    }
    let extra = match source {
        Source::Catalogue => Some(catalogue_sentence(c.technology)),
        Source::Workshop if rng.gen_bool(0.3) => {
            Some("Idéen kom frem på en workshop med medarbejderne.")
        }
        _ if rng.gen_bool(0.25) => Some(choose(rng, CAVEATS)),
        _ => None,
    };
    if let Some(extra) = extra {
        if sentence_count(&sentences.join(" ")) < 4 {
            sentences.push(extra.to_owned());
        }
    }
    sentences.join(" ")
}

/// A sentence with a first estimate of the gain, in hours, årsværk or kr.
fn estimate(rng: &mut ChaCha8Rng) -> String {
    let hours: u32 = rng.gen_range(4..160) * 25;
    let fte = f64::from(hours) / 1628.0;
    let kr = hours * 380;
    match rng.gen_range(0..3) {
        0 => format!(
            "Det forventede potentiale er ca. {} timer om året, svarende til {} årsværk.",
            format_decimal(Decimal::from(hours), 0),
            format!("{fte:.1}").replace('.', ",")
        ),
        1 => format!(
            "Gevinsten er foreløbigt anslået til ca. {} kr. om året.",
            format_decimal(Decimal::from(kr), 0)
        ),
        _ => format!(
            "Den frigjorte tid anslås til ca. {} timer om året.",
            format_decimal(Decimal::from(hours), 0)
        ),
    }
}

/// A potential's tags, from its source, technology, fagområde and status.
fn tags(
    rng: &mut ChaCha8Rng,
    c: &Candidate,
    fagomraade: usize,
    source: Source,
    status: Status,
) -> Vec<String> {
    let mut tags = Vec::new();
    if source == Source::Workshop && rng.gen_bool(0.8) {
        tags.push("Workshop 2023".to_owned());
    }
    if matches!(c.technology, CHATBOT | SELVBETJENING) && rng.gen_bool(0.5) {
        tags.push("Kanalomlægning".to_owned());
    }
    if fagomraade == SOC && matches!(c.technology, VELFAERD | SENSOR | VIDEO) && rng.gen_bool(0.4) {
        tags.push("Velfærdsteknologi".to_owned());
    }
    if matches!(c.technology, INTEGRATION | PROCES) && rng.gen_bool(0.25) {
        tags.push("Usynligt arbejde".to_owned());
    }
    if source == Source::Catalogue {
        tags.push("Casekatalog".to_owned());
    }
    if source == Source::EmployeeProposal && rng.gen_bool(0.2) {
        tags.push("MED-forslag".to_owned());
    }
    if matches!(
        status,
        Status::Besluttet | Status::IImplementering | Status::IDrift
    ) && rng.gen_bool(0.5)
    {
        tags.push("Budget 2024".to_owned());
    }
    if rng.gen_bool(0.15) {
        tags.push("Kvik-gevinst".to_owned());
    }
    if fagomraade == ADM && rng.gen_bool(0.3) {
        tags.push("Tværgående".to_owned());
    }
    tags
}
