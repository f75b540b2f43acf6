//! Steering signals for the front page: a traffic light per distribution-key share, and
//! the programme years a porteføljeleder steers by (this year and each deadline).
//!
//! The figures themselves come from [`super::overview`]; this module only judges them, so
//! the front page and the programme page show the same numbers.

use super::overview::{ProgrammeOverview, ProgrammeYear, ShareReport};
use super::target::Programme;
use rust_decimal::Decimal;

/// A traffic light for one owner's share of a target (*fordelingsnøgle*), judged in the
/// target's deadline year. This is the one rule for every light gevinst shows: the front
/// page, the programme page and the glossary ([`crate::glossary::TRAFIKLYS`]) all use it.
///
/// **The rule.** Green when the owner's *decided* potentials cover its share; yellow when
/// they do not, but its whole *plan* (every potential in the programme except the rejected
/// and parked ones) does; red when not even the plan covers it. A share of zero (or less)
/// is always green.
///
/// **Why this rule, and not "decided ≥ 80 % of the share".** Each colour tells a
/// porteføljeleder what to do on Monday: yellow means "get the planned cases decided",
/// red means "the plan has a hole: find new potentials". A fixed 80 % threshold says
/// neither, shows a forvaltning whose plan cannot reach its share as yellow, and is a
/// number nobody decided. The rule needs no setting and reads the same two figures the
/// tables show next to it (besluttet and planlagt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Light {
    /// The owner's decided potentials cover its share.
    Green,
    /// Only with the potentials not yet decided does the plan cover the share.
    Yellow,
    /// Not even the whole plan covers the share.
    Red,
}

impl Light {
    /// Every light, worst last (the order of the legend).
    pub const ALL: [Light; 3] = [Light::Green, Light::Yellow, Light::Red];

    /// The light for a share; see [`Light`] for the rule.
    pub fn of(share: &ShareReport) -> Light {
        Light::judge(share.share, share.planned, share.decided)
    }

    /// The light for a `share` against the `planned` and `decided` contributions (in the
    /// target's unit, kr. or årsværk); see [`Light`] for the rule.
    pub fn judge(share: Decimal, planned: Decimal, decided: Decimal) -> Light {
        if decided >= share {
            Light::Green
        } else if planned >= share {
            Light::Yellow
        } else {
            Light::Red
        }
    }

    /// The Danish word shown with the colour (the colour is never the only signal).
    pub fn label(self) -> &'static str {
        match self {
            Light::Green => "Grøn: dækket af besluttede",
            Light::Yellow => "Gul: kun dækket, hvis de planlagte besluttes",
            Light::Red => "Rød: ikke dækket af planen",
        }
    }

    /// A stable key for the style class (`green`, `yellow`, `red`).
    pub fn key(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }
}

/// The year to report as "this year": `today_year` clamped into the programme's period.
pub fn steering_year(programme: &Programme, today_year: i32) -> i32 {
    today_year.clamp(programme.first_year, programme.last_year)
}

/// The overview's figures for `year`, if the year is in the programme's period.
pub fn year_of(overview: &ProgrammeOverview, year: i32) -> Option<&ProgrammeYear> {
    overview.years.iter().find(|y| y.year == year)
}

/// The years the front page reports: this year (clamped into the period) and then every
/// target's deadline year, each once, in order.
pub fn steering_years(programme: &Programme, today_year: i32) -> Vec<i32> {
    let mut years = vec![steering_year(programme, today_year)];
    for t in &programme.targets {
        let y = t
            .deadline_year
            .clamp(programme.first_year, programme.last_year);
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable();
    years
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programme::{ShareOwner, Target, TargetKind};
    use crate::UnitId;

    fn share(share: i64, planned: i64, decided: i64) -> ShareReport {
        ShareReport {
            key: 0,
            target: 0,
            owner: ShareOwner::Unit(UnitId(1)),
            share: Decimal::from(share),
            planned: Decimal::from(planned),
            decided: Decimal::from(decided),
            realised: Decimal::ZERO,
            gap_decided: Decimal::from(share - decided),
        }
    }

    #[test]
    fn a_share_is_green_when_decided_covers_it_yellow_when_only_planned_does() {
        assert_eq!(Light::of(&share(100, 150, 100)), Light::Green);
        assert_eq!(Light::of(&share(100, 100, 99)), Light::Yellow);
        assert_eq!(Light::of(&share(100, 99, 50)), Light::Red);
        assert_eq!(Light::of(&share(0, 0, 0)), Light::Green);
        // 80 % decided is no longer a colour of its own: the plan decides.
        assert_eq!(Light::of(&share(100, 80, 80)), Light::Red);
        assert_eq!(Light::of(&share(100, 120, 20)), Light::Yellow);
        for l in [Light::Green, Light::Yellow, Light::Red] {
            assert!(l.label().contains(':'), "a word goes with the colour");
            // The glossary's definition explains every word the lights use.
            let word = l.label().split(':').next().unwrap_or_default();
            assert!(
                crate::glossary::TRAFIKLYS.definition.contains(word),
                "{word}"
            );
        }
    }

    #[test]
    fn steering_years_are_this_year_and_the_deadlines_within_the_period() {
        let target = |deadline_year| Target {
            kind: TargetKind::KrPerYear,
            amount: Decimal::ONE,
            deadline_year,
            milestones: vec![],
        };
        let p = Programme {
            name: "P".into(),
            first_year: 2024,
            last_year: 2027,
            targets: vec![target(2027), target(2027), target(2026)],
            potentials: vec![],
            distribution_keys: vec![],
        };
        assert_eq!(steering_years(&p, 2026), [2026, 2027]);
        assert_eq!(steering_years(&p, 2020), [2024, 2026, 2027]);
        assert_eq!(steering_years(&p, 2030), [2026, 2027]);
        assert_eq!(steering_year(&p, 2030), 2027);
    }
}
