//! A harvest (*hjemtaget*) above what is realised for the same benefit and period.
//!
//! It is allowed (a budget may be lowered by more than has been measured, e.g. a savings
//! demand decided ahead of the measurement), but it is usually a typing error, so the
//! measurement form and the API warn before saving ([`harvest_above_realised`]). (The
//! programme page explains a year that harvested more than it realised.)

use super::approval::ApprovalState;
use super::plan::Actual;
use crate::business_case::Economics;
use crate::danish::format_kr;
use rust_decimal::Decimal;

/// What a harvest exceeds: the sums for one benefit and period, with the new actual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HarvestAboveRealised {
    /// Realised value in kr. ([`Actual::gain_kr`]) of the benefit and period.
    pub realised: Decimal,
    /// Harvested kr. of the benefit and period.
    pub harvested: Decimal,
}

impl HarvestAboveRealised {
    /// The warning in Danish, e.g. "Hjemtaget (78.000 kr.) er større end realiseret
    /// (-49.313 kr.) for denne gevinst og periode."
    pub fn message(&self) -> String {
        format!(
            "Hjemtaget ({}) er større end realiseret ({}) for denne gevinst og periode.",
            format_kr(self.harvested),
            format_kr(self.realised)
        )
    }
}

/// Whether recording `next` beside `others` (the benefit's current actuals; those of
/// other benefits, periods or rejected ones are ignored) makes the harvested sum of its
/// benefit and period exceed the realised value. Only a harvest can trigger it: an
/// actual that harvests nothing never warns.
pub fn harvest_above_realised(
    next: &Actual,
    others: &[Actual],
    econ: &Economics,
) -> Option<HarvestAboveRealised> {
    if next.harvested <= Decimal::ZERO {
        return None;
    }
    let same = others
        .iter()
        .filter(|a| a.line == next.line && a.period == next.period)
        .filter(|a| a.approval != ApprovalState::Rejected)
        .chain(std::iter::once(next));
    let (realised, harvested) = same.fold((Decimal::ZERO, Decimal::ZERO), |(r, h), a| {
        (r + a.gain_kr(econ), h + a.harvested)
    });
    (harvested > realised).then_some(HarvestAboveRealised {
        realised,
        harvested,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programme::Period;

    fn actual(line: usize, year: i32, kr: &str, harvested: &str) -> Actual {
        Actual {
            line,
            period: Period::of_year(year).expect("year"),
            hours: Decimal::ZERO,
            kr: kr.parse().expect("kr"),
            fte: Decimal::ZERO,
            invisible_hours: Decimal::ZERO,
            harvested: harvested.parse().expect("harvested"),
            budget_reference: "Budget".into(),
            harvested_on: None,
            note: String::new(),
            approval: ApprovalState::default(),
            approval_reasons: vec![],
        }
    }

    #[test]
    fn warns_only_when_the_period_harvests_more_than_it_realises() {
        let econ = Economics::default();
        // Hjemmeplejen 2024: realised −49.313 kr., harvested 78.000 kr.
        let w =
            harvest_above_realised(&actual(1, 2024, "-49313", "78000"), &[], &econ).expect("warns");
        assert_eq!(w.realised, Decimal::from(-49313));
        assert_eq!(w.harvested, Decimal::from(78000));
        assert_eq!(
            w.message(),
            "Hjemtaget (78.000 kr.) er større end realiseret (-49.313 kr.) for denne gevinst og periode."
        );
        // Equal, less, or nothing harvested: no warning.
        assert!(harvest_above_realised(&actual(1, 2024, "78000", "78000"), &[], &econ).is_none());
        assert!(harvest_above_realised(&actual(1, 2024, "100", "50"), &[], &econ).is_none());
        assert!(harvest_above_realised(&actual(1, 2024, "-5", "0"), &[], &econ).is_none());
        // An earlier actual of the same benefit and period counts; others do not.
        let earlier = [
            actual(1, 2024, "60000", "0"),
            actual(2, 2024, "-90000", "0"),
            actual(1, 2025, "-90000", "0"),
        ];
        assert!(
            harvest_above_realised(&actual(1, 2024, "20000", "78000"), &earlier, &econ).is_none()
        );
        let mut rejected = actual(1, 2024, "60000", "0");
        rejected.approval = ApprovalState::Rejected;
        assert!(
            harvest_above_realised(&actual(1, 2024, "20000", "78000"), &[rejected], &econ)
                .is_some()
        );
    }
}
