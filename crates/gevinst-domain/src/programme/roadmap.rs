//! The programme roadmap (*tidslinje*): its potentials by implementation year and status,
//! for the direction.

use super::overview::ProgrammePotential;
use super::target::Programme;
use crate::ids::PotentialId;
use crate::status::Status;

/// One potential on the roadmap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadmapItem {
    /// The potential.
    pub id: PotentialId,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: Status,
    /// Its implementation year: the start year of its business case (the year of the
    /// investment), or `None` without a case.
    pub year: Option<i32>,
}

/// The programme's included potentials, ordered by implementation year (those without a
/// year last), then by status in lifecycle order, then by title.
pub fn roadmap(programme: &Programme, potentials: &[ProgrammePotential]) -> Vec<RoadmapItem> {
    let mut items: Vec<RoadmapItem> = potentials
        .iter()
        .filter(|p| programme.includes(p.id))
        .map(|p| RoadmapItem {
            id: p.id,
            title: p.title.clone(),
            status: p.status,
            year: p.case.as_ref().map(|c| c.start_year),
        })
        .collect();
    let order = |s: Status| Status::ALL.iter().position(|a| *a == s);
    items.sort_by(|a, b| {
        (a.year.is_none(), a.year, order(a.status), &a.title).cmp(&(
            b.year.is_none(),
            b.year,
            order(b.status),
            &b.title,
        ))
    });
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_case::BusinessCase;
    use crate::ids::UnitId;
    use crate::programme::ProgrammeDraft;

    fn pot(id: i64, status: Status, year: Option<i32>) -> ProgrammePotential {
        ProgrammePotential {
            id: PotentialId(id),
            title: format!("P{id}"),
            status,
            unit_id: UnitId(1),
            fagomraade_id: None,
            technology_id: None,
            case: year.map(|y| BusinessCase {
                start_year: y,
                horizon: 1,
                discount_rate: None,
                lines: vec![],
                risks: vec![],
            }),
            actuals: vec![],
        }
    }

    #[test]
    fn ordered_by_year_then_status_and_only_included() {
        let programme = ProgrammeDraft {
            name: "P".into(),
            first_year: Some(2025),
            last_year: Some(2027),
            targets: vec![],
            potentials: vec![
                PotentialId(1),
                PotentialId(2),
                PotentialId(3),
                PotentialId(4),
            ],
            distribution_keys: vec![],
        }
        .validate()
        .expect("valid");
        let pots = vec![
            pot(1, Status::IDrift, Some(2026)),
            pot(2, Status::Ide, None),
            pot(3, Status::Besluttet, Some(2026)),
            pot(4, Status::IDrift, Some(2025)),
            pot(5, Status::IDrift, Some(2024)),
        ];
        let r = roadmap(&programme, &pots);
        let ids: Vec<i64> = r.iter().map(|i| i.id.0).collect();
        assert_eq!(ids, [4, 3, 1, 2]);
        assert_eq!(r[3].year, None);
    }
}
