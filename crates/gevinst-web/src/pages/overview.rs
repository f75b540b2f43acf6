//! The counts of the front page ("Oversigt", see [`super::front`]): how many potentials
//! there are by status, fagområde, organisation and technology.
//!
//! Each count is a row in a real table; the bar beside it is an inline SVG that repeats the
//! number visually and is hidden from screen readers (the number is the text alternative).
//! The page's Content-Security-Policy forbids inline `style` attributes, so bar widths are
//! SVG geometry, not CSS.

use gevinst_app::potentials::{PotentialCounts, TenantLists};
use gevinst_domain::danish;
use gevinst_domain::{Status, UnitId, UnitTree};
use std::collections::BTreeMap;

/// One row of a count table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BarRow {
    /// What is counted.
    pub(crate) label: String,
    /// Link to the filtered list, when there is a filter for it.
    pub(crate) href: Option<String>,
    /// The count, formatted.
    pub(crate) count: String,
    /// Share of all potentials, e.g. "12 %".
    pub(crate) share: String,
    /// Bar length, 0–100 (relative to the largest row of the table).
    pub(crate) bar: u64,
    /// Indentation level (units only).
    pub(crate) depth: usize,
    /// Status key for the badge class (status rows only).
    pub(crate) status_key: &'static str,
}

/// A headline figure.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    pub(crate) label: &'static str,
    pub(crate) value: String,
    pub(crate) href: String,
}

/// The count tables (rendered by `_overview_counts.html`).
pub(crate) struct CountTables {
    pub total: u64,
    pub figures: Vec<Figure>,
    pub by_status: Vec<BarRow>,
    pub by_forvaltning: Vec<BarRow>,
    pub by_unit: Vec<BarRow>,
    pub by_fagomraade: Vec<BarRow>,
    pub by_technology: Vec<BarRow>,
}

fn share(n: u64, total: u64) -> String {
    if total == 0 {
        return "0 %".to_owned();
    }
    let pct = (n as f64) * 100.0 / (total as f64);
    if pct > 0.0 && pct < 1.0 {
        "under 1 %".to_owned()
    } else {
        format!("{} %", pct.round() as u64)
    }
}

/// Rows with bars scaled so the largest count is a full bar.
fn rows(items: Vec<(String, Option<String>, u64, usize, &'static str)>, total: u64) -> Vec<BarRow> {
    let max = items.iter().map(|i| i.2).max().unwrap_or(0).max(1);
    items
        .into_iter()
        .map(|(label, href, n, depth, status_key)| BarRow {
            label,
            href,
            count: danish::format_count(n),
            share: share(n, total),
            bar: n * 100 / max,
            depth: depth.min(6),
            status_key,
        })
        .collect()
}

/// Counts per unit including everything below it, in tree order; units with nothing
/// below them are left out.
fn unit_rollup(tree: &UnitTree, by_unit: &[(UnitId, u64)]) -> Vec<(usize, UnitId, String, u64)> {
    let own: BTreeMap<UnitId, u64> = by_unit.iter().copied().collect();
    tree.flatten()
        .into_iter()
        .map(|(depth, u)| {
            let sum: u64 = tree.subtree(u.id).iter().filter_map(|id| own.get(id)).sum();
            (depth, u.id, u.name.clone(), sum)
        })
        .filter(|(_, _, _, n)| *n > 0)
        .collect()
}

fn build(counts: &PotentialCounts, lists: &TenantLists) -> (Vec<Figure>, [Vec<BarRow>; 5]) {
    let total = counts.total;
    let by: BTreeMap<Status, u64> = counts.by_status.iter().copied().collect();
    let count = |s: &[Status]| {
        s.iter()
            .map(|s| by.get(s).copied().unwrap_or(0))
            .sum::<u64>()
    };
    let n = |v: u64| danish::format_count(v);
    use Status::*;
    let figures = vec![
        Figure {
            label: "Potentialer i alt",
            value: n(total),
            href: "/potentialer".into(),
        },
        Figure {
            label: "Under vurdering og forberedelse",
            value: n(count(&[Ide, Vurderet, BusinessCase])),
            href: "/potentialer?status=ide%2Cvurderet%2Cbusiness_case".into(),
        },
        Figure {
            label: "Besluttet eller i gang",
            value: n(count(&[Besluttet, IImplementering, IDrift])),
            href: "/potentialer?status=besluttet%2Ci_implementering%2Ci_drift".into(),
        },
        Figure {
            label: "Gevinst realiseret",
            value: n(count(&[GevinstRealiseret])),
            href: "/potentialer?status=gevinst_realiseret".into(),
        },
    ];
    let by_status = rows(
        Status::ALL
            .iter()
            .map(|s| {
                let c = by.get(s).copied().unwrap_or(0);
                (
                    s.label().to_owned(),
                    Some(format!("/potentialer?status={}", s.as_str())),
                    c,
                    0,
                    s.as_str(),
                )
            })
            .collect(),
        total,
    );
    let rollup = unit_rollup(&lists.units, &counts.by_unit);
    let by_forvaltning = rows(
        rollup
            .iter()
            .filter(|r| r.0 == 0)
            .map(|(_, id, name, c)| {
                (
                    name.clone(),
                    Some(format!("/potentialer?unit={id}")),
                    *c,
                    0,
                    "",
                )
            })
            .collect(),
        total,
    );
    let by_unit = rows(
        rollup
            .into_iter()
            .map(|(d, id, name, c)| (name, Some(format!("/potentialer?unit={id}")), c, d, ""))
            .collect(),
        total,
    );
    let catalogue =
        |items: &[(Option<i64>, u64)], names: &[gevinst_domain::CatalogueItem], param: &str| {
            let mut out: Vec<(String, Option<String>, u64, usize, &'static str)> = names
                .iter()
                .filter_map(|item| {
                    let c = items
                        .iter()
                        .find(|(id, _)| *id == Some(item.id))
                        .map(|(_, c)| *c)
                        .unwrap_or(0);
                    (c > 0 || item.active).then(|| {
                        (
                            item.name.clone(),
                            Some(format!("/potentialer?{param}={}", item.id)),
                            c,
                            0,
                            "",
                        )
                    })
                })
                .collect();
            let none: u64 = items
                .iter()
                .filter(|(id, _)| id.is_none())
                .map(|(_, c)| *c)
                .sum();
            if none > 0 {
                out.push(("Ikke angivet".to_owned(), None, none, 0, ""));
            }
            rows(out, total)
        };
    let fag: Vec<(Option<i64>, u64)> = counts
        .by_fagomraade
        .iter()
        .map(|(id, c)| (id.map(|i| i.0), *c))
        .collect();
    let tech: Vec<(Option<i64>, u64)> = counts
        .by_technology
        .iter()
        .map(|(id, c)| (id.map(|i| i.0), *c))
        .collect();
    let by_fagomraade = catalogue(&fag, &lists.fagomraader, "fagomraade");
    let by_technology = catalogue(&tech, &lists.technologies, "technology");
    (
        figures,
        [
            by_status,
            by_forvaltning,
            by_unit,
            by_fagomraade,
            by_technology,
        ],
    )
}

/// The count tables for the tenant's counts.
pub(crate) fn count_tables(counts: &PotentialCounts, lists: &TenantLists) -> CountTables {
    let (figures, [by_status, by_forvaltning, by_unit, by_fagomraade, by_technology]) =
        build(counts, lists);
    CountTables {
        total: counts.total,
        figures,
        by_status,
        by_forvaltning,
        by_unit,
        by_fagomraade,
        by_technology,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_domain::Unit;

    fn unit(id: i64, parent: Option<i64>, name: &str) -> Unit {
        Unit {
            id: UnitId(id),
            parent_id: parent.map(UnitId),
            name: name.into(),
            active: true,
        }
    }

    #[test]
    fn units_roll_up_to_their_forvaltning() {
        let tree = UnitTree::new(vec![
            unit(1, None, "Social"),
            unit(2, Some(1), "Hjemmepleje"),
            unit(3, Some(2), "Nord"),
            unit(4, None, "Teknik"),
        ]);
        let r = unit_rollup(&tree, &[(UnitId(1), 1), (UnitId(3), 4)]);
        let got: Vec<(usize, i64, u64)> = r.iter().map(|(d, id, _, n)| (*d, id.0, *n)).collect();
        assert_eq!(got, vec![(0, 1, 5), (1, 2, 4), (2, 3, 4)]);
    }

    #[test]
    fn bars_scale_to_the_largest_row() {
        let r = rows(
            vec![
                ("a".into(), None, 10, 0, ""),
                ("b".into(), None, 5, 0, ""),
                ("c".into(), None, 0, 0, ""),
            ],
            20,
        );
        assert_eq!(
            r.iter().map(|r| r.bar).collect::<Vec<_>>(),
            vec![100, 50, 0]
        );
        assert_eq!(r[0].share, "50 %");
        assert_eq!(share(1, 1000), "under 1 %");
        assert_eq!(share(0, 0), "0 %");
    }
}
