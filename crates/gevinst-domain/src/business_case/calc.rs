//! Deterministic results, exact in [`Decimal`] kr. Intermediate values keep full decimal
//! precision; every reported amount is rounded to øre (2 decimals, half away from zero).

use super::model::{BusinessCase, Economics, Line, LineKind};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// One year's figures, kr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct YearFigures {
    /// Calendar year.
    pub year: i32,
    /// Costs (investering, drift, usynligt arbejde).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub costs: Decimal,
    /// Benefits.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub benefits: Decimal,
    /// Of the costs: invisible work.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub invisible_work: Decimal,
    /// Net cash flow: benefits − costs.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub net: Decimal,
    /// Cumulative undiscounted net.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub cumulative: Decimal,
    /// Net discounted to the start year.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub discounted_net: Decimal,
}

/// The deterministic results of a business case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Evaluation {
    /// Per year.
    pub years: Vec<YearFigures>,
    /// The discount rate used.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub discount_rate: Decimal,
    /// The hourly rate used (kr., rounded to øre for display).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub hourly_rate: Decimal,
    /// Net present value (nutidsværdi): Σ CF_t / (1+r)^t.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub npv: Decimal,
    /// First calendar year whose cumulative undiscounted net is ≥ 0.
    pub payback_year: Option<i32>,
    /// Net of all recurring lines (all but investering) in the final year.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub full_effect: Decimal,
    /// Hjemtagbare benefits − drift − usynligt arbejde in the final year.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub hjemtagbar_full_effect: Decimal,
    /// Årsværk freed in the final year: freed hours ÷ hours per årsværk + freed årsværk
    /// − invisible hours ÷ hours per årsværk (2 decimals).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub fte_freed_final_year: Decimal,
    /// Risk pool: Σ p × (min + 4·likely + max) / 6, undiscounted.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub risk_pool: Decimal,
    /// NPV after deducting the risk pool, each risk discounted from its year.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub npv_after_risk: Decimal,
    /// Gross benefits over the horizon (undiscounted).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub gross_benefits: Decimal,
    /// Invisible work over the horizon (undiscounted).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub invisible_work: Decimal,
    /// Invisible work as a share of gross benefits (0.25 = 25 %), when there are benefits.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub invisible_share: Option<Decimal>,
}

/// Rounds to øre.
pub(crate) fn ore(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The value in kr. of one unit of the line's amount.
fn unit_value(line: &Line, econ: &Economics) -> Decimal {
    match line.kind {
        LineKind::Investering | LineKind::Drift | LineKind::DirekteBesparelse => Decimal::ONE,
        LineKind::FrigjorteTimer | LineKind::UsynligtArbejde => econ.hourly_rate(),
        LineKind::FrigjorteAarsvaerk => econ.annual_cost_per_fte,
        LineKind::Kanalomlaegning => match (line.from_channel, line.to_channel) {
            (Some(a), Some(b)) => econ.channel_costs.cost(a) - econ.channel_costs.cost(b),
            _ => Decimal::ZERO,
        },
    }
}

/// A line's yearly values in kr. (unrounded, as positive amounts; whether they are a cost
/// or a benefit follows from the kind).
pub fn line_values(line: &Line, econ: &Economics) -> Vec<Decimal> {
    let v = unit_value(line, econ);
    line.amounts.iter().map(|a| *a * v).collect()
}

/// Discount factors 1 / (1+r)^t for t = 0 … n-1.
pub(crate) fn discount_factors(rate: Decimal, n: usize) -> Vec<Decimal> {
    let base = Decimal::ONE + rate;
    let mut out = Vec::with_capacity(n);
    let mut growth = Decimal::ONE;
    for _ in 0..n {
        out.push(Decimal::ONE / growth);
        growth *= base;
    }
    out
}

/// The PERT mean of a three-point estimate: (min + 4·likely + max) / 6.
pub(crate) fn pert_mean(min: Decimal, likely: Decimal, max: Decimal) -> Decimal {
    (min + Decimal::from(4) * likely + max) / Decimal::from(6)
}

/// The discount rate in force for a case.
pub(crate) fn rate_for(case: &BusinessCase, econ: &Economics) -> Decimal {
    case.discount_rate.unwrap_or(econ.discount_rate)
}

/// Computes the deterministic results.
pub fn evaluate(case: &BusinessCase, econ: &Economics) -> Evaluation {
    let h = case.horizon as usize;
    let rate = rate_for(case, econ);
    let df = discount_factors(rate, h);
    let mut costs = vec![Decimal::ZERO; h];
    let mut benefits = vec![Decimal::ZERO; h];
    let mut invisible = vec![Decimal::ZERO; h];
    let last = h.saturating_sub(1);
    let (mut full, mut full_hjemtag, mut fte) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for line in &case.lines {
        let values = line_values(line, econ);
        for (t, v) in values.iter().enumerate().take(h) {
            if line.kind.is_benefit() {
                benefits[t] += *v;
            } else {
                costs[t] += *v;
            }
            if line.kind == LineKind::UsynligtArbejde {
                invisible[t] += *v;
            }
        }
        let final_value = values.get(last).copied().unwrap_or_default();
        let final_amount = line.amounts.get(last).copied().unwrap_or_default();
        match line.kind {
            LineKind::Investering => {}
            LineKind::Drift | LineKind::UsynligtArbejde => {
                full -= final_value;
                full_hjemtag -= final_value;
            }
            _ => {
                full += final_value;
                if line.hjemtagbar {
                    full_hjemtag += final_value;
                }
            }
        }
        if !econ.hours_per_fte.is_zero() {
            match line.kind {
                LineKind::FrigjorteTimer => fte += final_amount / econ.hours_per_fte,
                LineKind::UsynligtArbejde => fte -= final_amount / econ.hours_per_fte,
                _ => {}
            }
        }
        if line.kind == LineKind::FrigjorteAarsvaerk {
            fte += final_amount;
        }
    }
    let mut years = Vec::with_capacity(h);
    let (mut cumulative, mut npv) = (Decimal::ZERO, Decimal::ZERO);
    let mut payback_year = None;
    for t in 0..h {
        let net = benefits[t] - costs[t];
        cumulative += net;
        let discounted = net * df[t];
        npv += discounted;
        let year = case.start_year + t as i32;
        if payback_year.is_none() && cumulative >= Decimal::ZERO {
            payback_year = Some(year);
        }
        years.push(YearFigures {
            year,
            costs: ore(costs[t]),
            benefits: ore(benefits[t]),
            invisible_work: ore(invisible[t]),
            net: ore(net),
            cumulative: ore(cumulative),
            discounted_net: ore(discounted),
        });
    }
    let mut risk_pool = Decimal::ZERO;
    let mut risk_pool_discounted = Decimal::ZERO;
    for r in &case.risks {
        let expected = r.probability * pert_mean(r.min, r.likely, r.max);
        risk_pool += expected;
        risk_pool_discounted += expected * df.get(r.year as usize).copied().unwrap_or_default();
    }
    let gross: Decimal = benefits.iter().sum();
    let invisible_total: Decimal = invisible.iter().sum();
    Evaluation {
        years,
        discount_rate: rate,
        hourly_rate: ore(econ.hourly_rate()),
        npv: ore(npv),
        payback_year,
        full_effect: ore(full),
        hjemtagbar_full_effect: ore(full_hjemtag),
        fte_freed_final_year: ore(fte),
        risk_pool: ore(risk_pool),
        npv_after_risk: ore(npv - risk_pool_discounted),
        gross_benefits: ore(gross),
        invisible_work: ore(invisible_total),
        invisible_share: (!gross.is_zero()).then(|| (invisible_total / gross).round_dp(4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_case::model::{Channel, InvisibleCategory, Risk};
    use rust_decimal_macros::dec;

    fn econ() -> Economics {
        Economics::default()
    }

    /// A robot: 200,000 kr. investment, 40,000 kr./yr licence, 1,924 freed hours a year
    /// from year 1 (hjemtagbar), and 192.4 hours of invisible work (oprydning).
    fn robot() -> BusinessCase {
        let mut hours = Line::certain(
            LineKind::FrigjorteTimer,
            "Frigjort sagsbehandling",
            vec![dec!(0), dec!(1924), dec!(1924)],
        );
        hours.hjemtagbar = true;
        let mut invisible = Line::certain(
            LineKind::UsynligtArbejde,
            "Fejlretning",
            vec![dec!(0), dec!(192.4), dec!(192.4)],
        );
        invisible.category = Some(InvisibleCategory::Oprydning);
        BusinessCase {
            start_year: 2025,
            horizon: 3,
            discount_rate: Some(dec!(0.10)),
            lines: vec![
                Line::certain(
                    LineKind::Investering,
                    "Udvikling",
                    vec![dec!(200000), dec!(0), dec!(0)],
                ),
                Line::certain(
                    LineKind::Drift,
                    "Licens",
                    vec![dec!(0), dec!(40000), dec!(40000)],
                ),
                hours,
                invisible,
            ],
            risks: vec![Risk {
                description: "Forsinket integration".into(),
                probability: dec!(0.5),
                min: dec!(10000),
                likely: dec!(40000),
                max: dec!(100000),
                year: 1,
            }],
        }
    }

    #[test]
    fn hand_computed_robot() {
        // Hourly rate 500,000 / 1,924; 1,924 hours are worth exactly 500,000 kr.,
        // 192.4 hours exactly 50,000 kr.
        // CF: t0 = -200,000; t1 = t2 = 500,000 - 40,000 - 50,000 = 410,000.
        // NPV at 10 %: -200,000 + 410,000/1.1 + 410,000/1.21 = 511,570.247933… → 511,570.25.
        let r = evaluate(&robot(), &econ());
        assert_eq!(r.years[0].net, dec!(-200000));
        assert_eq!(r.years[1].net, dec!(410000));
        assert_eq!(r.years[1].invisible_work, dec!(50000));
        assert_eq!(r.npv, dec!(511570.25));
        assert_eq!(r.payback_year, Some(2026));
        assert_eq!(r.full_effect, dec!(410000));
        assert_eq!(r.hjemtagbar_full_effect, dec!(410000));
        // 1,924/1,924 − 192.4/1,924 = 0.9 årsværk.
        assert_eq!(r.fte_freed_final_year, dec!(0.90));
        // Risk pool: 0.5 × (10,000 + 160,000 + 100,000)/6 = 22,500; discounted from t1: 20,454.5454…
        assert_eq!(r.risk_pool, dec!(22500));
        assert_eq!(r.npv_after_risk, dec!(491115.70));
        // Invisible 100,000 of gross 1,000,000.
        assert_eq!(r.invisible_share, Some(dec!(0.1)));
        assert_eq!(r.hourly_rate, dec!(259.88));
    }

    #[test]
    fn channel_shift_and_non_hjemtagbar() {
        let mut shift = Line::certain(LineKind::Kanalomlaegning, "Flytning", vec![dec!(10000)]);
        shift.from_channel = Some(Channel::Telephone);
        shift.to_channel = Some(Channel::Digital);
        let fte = Line::certain(
            LineKind::FrigjorteAarsvaerk,
            "Tid til kvalitet",
            vec![dec!(2.5)],
        );
        let case = BusinessCase {
            start_year: 2024,
            horizon: 1,
            discount_rate: None,
            lines: vec![shift, fte],
            risks: vec![],
        };
        let r = evaluate(&case, &econ());
        // 10,000 × (50 − 5) = 450,000; 2.5 × 500,000 = 1,250,000; neither hjemtagbar.
        assert_eq!(r.npv, dec!(1700000));
        assert_eq!(r.full_effect, dec!(1700000));
        assert_eq!(r.hjemtagbar_full_effect, dec!(0));
        assert_eq!(r.fte_freed_final_year, dec!(2.5));
        assert_eq!(r.payback_year, Some(2024));
        assert_eq!(r.invisible_share, Some(dec!(0)));
    }

    #[test]
    fn no_payback_and_no_benefits() {
        let case = BusinessCase {
            start_year: 2024,
            horizon: 2,
            discount_rate: None,
            lines: vec![Line::certain(
                LineKind::Drift,
                "Licens",
                vec![dec!(1), dec!(1)],
            )],
            risks: vec![],
        };
        let r = evaluate(&case, &econ());
        assert_eq!(r.payback_year, None);
        assert_eq!(r.invisible_share, None);
        // −1 − 1/1.035 = −1.966183…
        assert_eq!(r.npv, dec!(-1.97));
    }
}
