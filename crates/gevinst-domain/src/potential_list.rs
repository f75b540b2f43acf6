//! The potentials list as a spreadsheet: its optional columns, each row's key figures from
//! its business case, and the totals of a filter.
//!
//! A row's figures are read off the case's [`Evaluation`], the same one the business-case
//! page shows, so the list and the page never disagree. Totals add the exact values and
//! are rounded once, when formatted.

use crate::business_case::{BusinessCase, Evaluation, LineKind};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// An optional column of the potentials list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListColumn {
    /// Nutidsværdi (NPV), kr.
    Npv,
    /// Fuld effekt, kr. per year in the final year.
    FullEffect,
    /// Hjemtagbar fuld effekt, kr.
    Hjemtagbar,
    /// Frigjorte årsværk in the final year.
    Fte,
    /// Tilbagebetalingsår.
    Payback,
    /// Investering: the investment lines over the horizon, undiscounted.
    Investment,
    /// Gevinstejer (the potential's benefit owner).
    Owner,
    /// Digital agent.
    Agent,
}

impl ListColumn {
    /// Every optional column, in the order the list shows them.
    pub const ALL: [ListColumn; 8] = [
        ListColumn::Npv,
        ListColumn::FullEffect,
        ListColumn::Hjemtagbar,
        ListColumn::Fte,
        ListColumn::Payback,
        ListColumn::Investment,
        ListColumn::Owner,
        ListColumn::Agent,
    ];

    /// The name in query strings (`cols=npv,full_effect`, `sort=npv`).
    pub fn as_str(self) -> &'static str {
        match self {
            ListColumn::Npv => "npv",
            ListColumn::FullEffect => "full_effect",
            ListColumn::Hjemtagbar => "hjemtagbar",
            ListColumn::Fte => "fte",
            ListColumn::Payback => "payback",
            ListColumn::Investment => "investment",
            ListColumn::Owner => "owner",
            ListColumn::Agent => "agent",
        }
    }

    /// Parses [`ListColumn::as_str`] (surrounding blanks ignored).
    pub fn parse(s: &str) -> Option<ListColumn> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    /// The Danish column header.
    pub fn label(self) -> &'static str {
        match self {
            ListColumn::Npv => "Nutidsværdi",
            ListColumn::FullEffect => "Fuld effekt",
            ListColumn::Hjemtagbar => "Hjemtagbar",
            ListColumn::Fte => "Årsværk",
            ListColumn::Payback => "Tilbagebetalingsår",
            ListColumn::Investment => "Investering",
            ListColumn::Owner => "Gevinstejer",
            ListColumn::Agent => "Digital agent",
        }
    }

    /// Whether the column is a figure of the business case (else a person).
    pub fn is_figure(self) -> bool {
        !matches!(self, ListColumn::Owner | ListColumn::Agent)
    }

    /// Whether the column is summed in the totals row.
    pub fn is_summed(self) -> bool {
        self.is_figure() && self != ListColumn::Payback
    }

    /// The order a click on the header starts with: largest amounts first, names and
    /// years from A and earliest.
    pub fn descending_by_default(self) -> bool {
        self.is_summed()
    }
}

/// A potential's key figures, from its business case's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaseFigures {
    /// Nutidsværdi.
    pub npv: Decimal,
    /// Fuld effekt.
    pub full_effect: Decimal,
    /// Hjemtagbar fuld effekt.
    pub hjemtagbar: Decimal,
    /// Frigjorte årsværk in the final year.
    pub fte: Decimal,
    /// Tilbagebetalingsår, if the case pays back within its horizon.
    pub payback_year: Option<i32>,
    /// Investering over the horizon, undiscounted.
    pub investment: Decimal,
}

impl CaseFigures {
    /// The figures of `case` as evaluated in `ev` (see [`crate::business_case::evaluate`]).
    pub fn new(case: &BusinessCase, ev: &Evaluation) -> CaseFigures {
        let horizon = usize::try_from(case.horizon).unwrap_or(usize::MAX);
        let investment = case
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::Investering)
            .flat_map(|l| l.amounts.iter().take(horizon))
            .sum();
        CaseFigures {
            npv: ev.npv,
            full_effect: ev.full_effect,
            hjemtagbar: ev.hjemtagbar_full_effect,
            fte: ev.fte_freed_final_year,
            payback_year: ev.payback_year,
            investment,
        }
    }

    /// The amount in a summed column (see [`ListColumn::is_summed`]).
    pub fn amount(&self, column: ListColumn) -> Option<Decimal> {
        match column {
            ListColumn::Npv => Some(self.npv),
            ListColumn::FullEffect => Some(self.full_effect),
            ListColumn::Hjemtagbar => Some(self.hjemtagbar),
            ListColumn::Fte => Some(self.fte),
            ListColumn::Investment => Some(self.investment),
            ListColumn::Payback | ListColumn::Owner | ListColumn::Agent => None,
        }
    }
}

/// The sums of the figures over the rows of a filter (all pages), exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FigureTotals {
    /// Σ NPV.
    pub npv: Decimal,
    /// Σ fuld effekt.
    pub full_effect: Decimal,
    /// Σ hjemtagbar fuld effekt.
    pub hjemtagbar: Decimal,
    /// Σ årsværk.
    pub fte: Decimal,
    /// Σ investering.
    pub investment: Decimal,
    /// Rows with a business case.
    pub cases: usize,
    /// Rows summed over (with or without a case).
    pub rows: usize,
}

impl FigureTotals {
    /// Totals of `rows` (`None`: a potential without a business case, which counts as a
    /// row but adds nothing).
    pub fn of<'a>(rows: impl IntoIterator<Item = Option<&'a CaseFigures>>) -> FigureTotals {
        let mut t = FigureTotals::default();
        for f in rows {
            t.rows += 1;
            if let Some(f) = f {
                t.cases += 1;
                t.npv += f.npv;
                t.full_effect += f.full_effect;
                t.hjemtagbar += f.hjemtagbar;
                t.fte += f.fte;
                t.investment += f.investment;
            }
        }
        t
    }

    /// The total of a summed column.
    pub fn amount(&self, column: ListColumn) -> Option<Decimal> {
        CaseFigures {
            npv: self.npv,
            full_effect: self.full_effect,
            hjemtagbar: self.hjemtagbar,
            fte: self.fte,
            payback_year: None,
            investment: self.investment,
        }
        .amount(column)
    }
}

/// Orders two rows by a figure column; rows without a value come last whatever the
/// direction, so the top of a sorted list is always figures.
pub fn compare_figures(
    column: ListColumn,
    a: Option<&CaseFigures>,
    b: Option<&CaseFigures>,
    descending: bool,
) -> Ordering {
    let key = |f: Option<&CaseFigures>| -> Option<Decimal> {
        let f = f?;
        match column {
            ListColumn::Payback => f.payback_year.map(Decimal::from),
            c => f.amount(c),
        }
    };
    compare_last_none(key(a), key(b), descending)
}

/// Compares two optional keys in the given direction, `None` last in both directions.
pub fn compare_last_none<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) if descending => b.cmp(&a),
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_case::{evaluate, Economics, Line};
    use rust_decimal_macros::dec;

    fn case() -> BusinessCase {
        BusinessCase {
            start_year: 2025,
            horizon: 3,
            discount_rate: None,
            lines: vec![
                Line::certain(
                    LineKind::Investering,
                    "Licens",
                    vec![dec!(100000), dec!(20000), dec!(0), dec!(999)],
                ),
                Line::certain(
                    LineKind::DirekteBesparelse,
                    "Porto",
                    vec![dec!(50000), dec!(80000), dec!(80000)],
                ),
            ],
            risks: vec![],
        }
    }

    #[test]
    fn figures_are_the_evaluation_and_investment_is_summed_over_the_horizon() {
        let c = case();
        let ev = evaluate(&c, &Economics::default()).unwrap();
        let f = CaseFigures::new(&c, &ev);
        assert_eq!(f.npv, ev.npv);
        assert_eq!(f.full_effect, dec!(80000));
        assert_eq!(f.hjemtagbar, ev.hjemtagbar_full_effect);
        assert_eq!(f.payback_year, ev.payback_year);
        assert_eq!(
            f.investment,
            dec!(120000),
            "the fourth year is past the horizon"
        );
    }

    #[test]
    fn totals_add_exact_values_and_count_rows_without_a_case() {
        let a = CaseFigures {
            npv: dec!(0.4),
            fte: dec!(0.25),
            ..Default::default()
        };
        let b = CaseFigures {
            npv: dec!(0.4),
            fte: dec!(0.25),
            ..Default::default()
        };
        let t = FigureTotals::of([Some(&a), None, Some(&b)]);
        // Rounded per row these would be 0 + 0; the exact sum rounds to 1.
        assert_eq!(t.npv, dec!(0.8));
        assert_eq!(t.amount(ListColumn::Fte), Some(dec!(0.50)));
        assert_eq!((t.rows, t.cases), (3, 2));
        assert_eq!(t.amount(ListColumn::Payback), None);
    }

    #[test]
    fn sorting_puts_rows_without_figures_last_both_ways() {
        let small = CaseFigures {
            npv: dec!(1),
            ..Default::default()
        };
        let big = CaseFigures {
            npv: dec!(2),
            ..Default::default()
        };
        let mut rows = vec![None, Some(&small), Some(&big)];
        rows.sort_by(|a, b| compare_figures(ListColumn::Npv, *a, *b, true));
        assert_eq!(rows, vec![Some(&big), Some(&small), None]);
        rows.sort_by(|a, b| compare_figures(ListColumn::Npv, *a, *b, false));
        assert_eq!(rows, vec![Some(&small), Some(&big), None]);
    }

    #[test]
    fn columns_round_trip() {
        for c in ListColumn::ALL {
            assert_eq!(ListColumn::parse(c.as_str()), Some(c));
        }
        assert_eq!(ListColumn::parse(" npv "), Some(ListColumn::Npv));
        assert_eq!(ListColumn::parse("title"), None);
        assert!(!ListColumn::Payback.is_summed());
        assert!(!ListColumn::Owner.is_figure());
    }
}
