//! Deterministic results, exact in [`Decimal`] kr. Intermediate values keep full decimal
//! precision; every reported amount is rounded to øre (2 decimals, half away from zero).

use super::model::{BusinessCase, Economics, InvisibleCategory, Line, LineKind};
use crate::validation::FieldErrors;
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
    /// The year the investment is recovered: the first calendar year from which the
    /// cumulative undiscounted net stays ≥ 0 for the rest of the horizon; none if it ends
    /// below 0.
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

/// A calculation left `Decimal`'s range (about ±7.9·10²⁸). Validated cases and settings
/// stay far below it; settings saved before the bounds of [`super::EconomicsDraft`] existed
/// may not, and then the results cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow;

impl From<Overflow> for FieldErrors {
    /// A field error on the settings, which is where an overflow comes from.
    fn from(_: Overflow) -> FieldErrors {
        FieldErrors::single(
            "economics",
            "overflow",
            "Beregningen giver beløb, der er for store. Ret økonomiindstillingerne \
             (fx timer pr. årsværk) eller linjernes beløb.",
        )
    }
}

/// Checked arithmetic on [`Decimal`] that reports [`Overflow`] instead of panicking.
pub(crate) mod checked {
    use super::{Decimal, Overflow};

    pub(crate) fn add(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
        a.checked_add(b).ok_or(Overflow)
    }
    pub(crate) fn sub(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
        a.checked_sub(b).ok_or(Overflow)
    }
    pub(crate) fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
        a.checked_mul(b).ok_or(Overflow)
    }
    /// Division; by zero is an overflow too.
    pub(crate) fn div(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
        a.checked_div(b).ok_or(Overflow)
    }
    pub(crate) fn sum<'a>(
        values: impl IntoIterator<Item = &'a Decimal>,
    ) -> Result<Decimal, Overflow> {
        values
            .into_iter()
            .try_fold(Decimal::ZERO, |acc, v| add(acc, *v))
    }
}

/// The value in kr. of one unit of the line's amount.
pub(crate) fn unit_value(line: &Line, econ: &Economics) -> Result<Decimal, Overflow> {
    Ok(match line.kind {
        LineKind::Investering | LineKind::Drift | LineKind::DirekteBesparelse => Decimal::ONE,
        LineKind::FrigjorteTimer | LineKind::UsynligtArbejde => econ.checked_hourly_rate()?,
        LineKind::FrigjorteAarsvaerk => econ.annual_cost_per_fte,
        LineKind::Kanalomlaegning => match (line.from_channel, line.to_channel) {
            (Some(a), Some(b)) => {
                checked::sub(econ.channel_costs.cost(a), econ.channel_costs.cost(b))?
            }
            _ => Decimal::ZERO,
        },
    })
}

/// A line's yearly values in kr. (unrounded, as positive amounts; whether they are a cost
/// or a benefit follows from the kind), or [`Overflow`].
pub(crate) fn checked_line_values(line: &Line, econ: &Economics) -> Result<Vec<Decimal>, Overflow> {
    let v = unit_value(line, econ)?;
    line.amounts.iter().map(|a| checked::mul(*a, v)).collect()
}

/// A line's yearly values in kr. (unrounded, as positive amounts; whether they are a cost
/// or a benefit follows from the kind).
///
/// Values beyond `Decimal`'s range saturate at ±[`Decimal::MAX`]; only settings outside
/// the validated bounds can get there, and [`evaluate`] reports them as an error instead.
pub fn line_values(line: &Line, econ: &Economics) -> Vec<Decimal> {
    let v = unit_value(line, econ).unwrap_or(Decimal::MAX);
    line.amounts.iter().map(|a| a.saturating_mul(v)).collect()
}

/// Growth factors (1+r)^t for t = 0 … n-1; a value is discounted by dividing by them, so an
/// exact result stays exact (multiplying by a rounded reciprocal would not).
pub(crate) fn growth_factors(rate: Decimal, n: usize) -> Result<Vec<Decimal>, Overflow> {
    let base = checked::add(Decimal::ONE, rate)?;
    let mut out = Vec::with_capacity(n);
    let mut growth = Decimal::ONE;
    for _ in 0..n {
        out.push(growth);
        growth = checked::mul(growth, base)?;
    }
    Ok(out)
}

/// `value / (1+r)^t`, where `growth` holds (1+r)^t; zero beyond the horizon.
pub(crate) fn discount(value: Decimal, growth: &[Decimal], t: usize) -> Result<Decimal, Overflow> {
    match growth.get(t) {
        Some(g) => checked::div(value, *g),
        None => Ok(Decimal::ZERO),
    }
}

/// A line's discounted sum Σ_t value_t / (1+r)^t, signed: benefits +, costs −.
pub(crate) fn line_npv(
    line: &Line,
    econ: &Economics,
    growth: &[Decimal],
) -> Result<Decimal, Overflow> {
    let mut npv = Decimal::ZERO;
    for (t, v) in checked_line_values(line, econ)?.iter().enumerate() {
        npv = checked::add(npv, discount(*v, growth, t)?)?;
    }
    Ok(if line.kind.is_benefit() { npv } else { -npv })
}

/// The PERT mean of a three-point estimate: (min + 4·likely + max) / 6.
pub(crate) fn pert_mean(min: Decimal, likely: Decimal, max: Decimal) -> Result<Decimal, Overflow> {
    let four_likely = checked::mul(Decimal::from(4), likely)?;
    let total = checked::add(checked::add(min, four_likely)?, max)?;
    checked::div(total, Decimal::from(6))
}

/// The discount rate in force for a case.
pub(crate) fn rate_for(case: &BusinessCase, econ: &Economics) -> Decimal {
    case.discount_rate.unwrap_or(econ.discount_rate)
}

/// The payback year: the first year from which the cumulative net stays ≥ 0 for the rest
/// of the horizon, or none when the final cumulative net is negative.
fn payback_year(start_year: i32, cumulative: &[Decimal]) -> Option<i32> {
    let from = cumulative
        .iter()
        .rposition(|c| *c < Decimal::ZERO)
        .map_or(0, |t| t + 1);
    (from < cumulative.len()).then(|| start_year + from as i32)
}

/// Invisible work over the horizon per category, kr., exact (unrounded), in the order the
/// categories first occur; a line without a category (saved before it was required) is
/// under `None`.
///
/// These are the same exact line values whose sum [`Evaluation::invisible_work`] rounds, so
/// a breakdown by type always adds up to the key figure: never multiply hours by the
/// rounded [`Evaluation::hourly_rate`] (that was 13 kr. off on a demo case).
pub fn invisible_work_by_category(
    case: &BusinessCase,
    econ: &Economics,
) -> Vec<(Option<InvisibleCategory>, Decimal)> {
    let mut out: Vec<(Option<InvisibleCategory>, Decimal)> = Vec::new();
    for line in case
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::UsynligtArbejde)
    {
        let total = line_values(line, econ)
            .iter()
            .take(case.horizon as usize)
            .fold(Decimal::ZERO, |a, v| a.saturating_add(*v));
        match out.iter_mut().find(|(c, _)| *c == line.category) {
            Some((_, sum)) => *sum = sum.saturating_add(total),
            None => out.push((line.category, total)),
        }
    }
    out
}

/// Yearly costs, benefits and invisible work in kr. (unrounded), and the final-year
/// effects: (full effect, hjemtagbar full effect, årsværk freed).
struct Totals {
    costs: Vec<Decimal>,
    benefits: Vec<Decimal>,
    invisible: Vec<Decimal>,
    full: Decimal,
    full_hjemtag: Decimal,
    fte: Decimal,
}

fn totals(case: &BusinessCase, econ: &Economics) -> Result<Totals, Overflow> {
    use checked::{add, div, sub};
    let h = case.horizon as usize;
    let mut s = Totals {
        costs: vec![Decimal::ZERO; h],
        benefits: vec![Decimal::ZERO; h],
        invisible: vec![Decimal::ZERO; h],
        full: Decimal::ZERO,
        full_hjemtag: Decimal::ZERO,
        fte: Decimal::ZERO,
    };
    let last = h.saturating_sub(1);
    for line in &case.lines {
        let values = checked_line_values(line, econ)?;
        for (t, v) in values.iter().enumerate().take(h) {
            let side = if line.kind.is_benefit() {
                &mut s.benefits[t]
            } else {
                &mut s.costs[t]
            };
            *side = add(*side, *v)?;
            if line.kind == LineKind::UsynligtArbejde {
                s.invisible[t] = add(s.invisible[t], *v)?;
            }
        }
        let final_value = values.get(last).copied().unwrap_or_default();
        let final_amount = line.amounts.get(last).copied().unwrap_or_default();
        match line.kind {
            LineKind::Investering => {}
            LineKind::Drift | LineKind::UsynligtArbejde => {
                s.full = sub(s.full, final_value)?;
                s.full_hjemtag = sub(s.full_hjemtag, final_value)?;
            }
            _ => {
                s.full = add(s.full, final_value)?;
                if line.hjemtagbar {
                    s.full_hjemtag = add(s.full_hjemtag, final_value)?;
                }
            }
        }
        if !econ.hours_per_fte.is_zero() {
            match line.kind {
                LineKind::FrigjorteTimer => {
                    s.fte = add(s.fte, div(final_amount, econ.hours_per_fte)?)?
                }
                LineKind::UsynligtArbejde => {
                    s.fte = sub(s.fte, div(final_amount, econ.hours_per_fte)?)?
                }
                _ => {}
            }
        }
        if line.kind == LineKind::FrigjorteAarsvaerk {
            s.fte = add(s.fte, final_amount)?;
        }
    }
    Ok(s)
}

/// Computes the deterministic results. A calculation beyond `Decimal`'s range (possible
/// only with settings outside today's bounds) is a field error on `economics`, never a panic.
pub fn evaluate(case: &BusinessCase, econ: &Economics) -> Result<Evaluation, FieldErrors> {
    Ok(evaluate_checked(case, econ)?)
}

fn evaluate_checked(case: &BusinessCase, econ: &Economics) -> Result<Evaluation, Overflow> {
    use checked::{add, mul, sub};
    let h = case.horizon as usize;
    let rate = rate_for(case, econ);
    let growth = growth_factors(rate, h)?;
    let s = totals(case, econ)?;
    let mut years = Vec::with_capacity(h);
    let (mut cumulative, mut npv) = (Decimal::ZERO, Decimal::ZERO);
    let mut cumulatives = Vec::with_capacity(h);
    for t in 0..h {
        let net = sub(s.benefits[t], s.costs[t])?;
        cumulative = add(cumulative, net)?;
        cumulatives.push(cumulative);
        let discounted = discount(net, &growth, t)?;
        npv = add(npv, discounted)?;
        years.push(YearFigures {
            year: case.start_year + t as i32,
            costs: ore(s.costs[t]),
            benefits: ore(s.benefits[t]),
            invisible_work: ore(s.invisible[t]),
            net: ore(net),
            cumulative: ore(cumulative),
            discounted_net: ore(discounted),
        });
    }
    let mut risk_pool = Decimal::ZERO;
    let mut risk_pool_discounted = Decimal::ZERO;
    for r in &case.risks {
        let expected = mul(r.probability, pert_mean(r.min, r.likely, r.max)?)?;
        risk_pool = add(risk_pool, expected)?;
        risk_pool_discounted = add(
            risk_pool_discounted,
            discount(expected, &growth, r.year as usize)?,
        )?;
    }
    let gross = checked::sum(&s.benefits)?;
    let invisible_total = checked::sum(&s.invisible)?;
    let invisible_share = if gross.is_zero() {
        None
    } else {
        Some(
            checked::div(invisible_total, gross)?
                .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero),
        )
    };
    Ok(Evaluation {
        years,
        discount_rate: rate,
        hourly_rate: ore(econ.checked_hourly_rate()?),
        npv: ore(npv),
        payback_year: payback_year(case.start_year, &cumulatives),
        full_effect: ore(s.full),
        hjemtagbar_full_effect: ore(s.full_hjemtag),
        fte_freed_final_year: ore(s.fte),
        risk_pool: ore(risk_pool),
        npv_after_risk: ore(sub(npv, risk_pool_discounted)?),
        gross_benefits: ore(gross),
        invisible_work: ore(invisible_total),
        invisible_share,
    })
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
        let r = evaluate(&robot(), &econ()).unwrap();
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
        let r = evaluate(&case, &econ()).unwrap();
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
        let r = evaluate(&case, &econ()).unwrap();
        assert_eq!(r.payback_year, None);
        assert_eq!(r.invisible_share, None);
        // −1 − 1/1.035 = −1.966183…
        assert_eq!(r.npv, dec!(-1.97));
    }

    #[test]
    fn invisible_work_by_type_adds_up_to_the_key_figure() {
        // The hourly rate 500,000 / 1,924 = 259.875… is shown as 259.88; 384.8 hours at the
        // shown rate would be 100,001.82 kr., not the 100,000 kr. of the key figure.
        let mut case = robot();
        let mut other = Line::certain(
            LineKind::UsynligtArbejde,
            "Dobbeltregistrering",
            vec![dec!(0), dec!(17.3), dec!(17.3)],
        );
        other.category = Some(InvisibleCategory::Kompensation);
        case.lines.push(other);
        let e = econ();
        let r = evaluate(&case, &e).unwrap();
        let by_type = invisible_work_by_category(&case, &e);
        assert_eq!(by_type.len(), 2);
        assert_eq!(by_type[0].0, Some(InvisibleCategory::Oprydning));
        assert_eq!(ore(by_type[0].1), dec!(100000));
        let exact_sum: Decimal = by_type.iter().map(|(_, v)| *v).sum();
        assert_eq!(ore(exact_sum), r.invisible_work);
        assert_ne!(dec!(384.8) * r.hourly_rate, ore(by_type[0].1));
    }
}
