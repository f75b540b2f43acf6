//! The sheets of the programme workbook: overview, targets, breakdowns, gaps, plans,
//! actuals and forecast.

use super::*;
use gevinst_domain::danish::format_chance;
use gevinst_domain::glossary::TERMS;
use gevinst_domain::programme::{BreakdownRow, Forecast, Programme, ProgrammeOverview, TargetKind};
use gevinst_domain::PotentialId;
use rust_decimal::RoundingStrategy;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub(super) fn write_overview(
    sheet: &mut Worksheet,
    f: &Formats,
    programme: &Programme,
    ov: &ProgrammeOverview,
) -> Result<(), XlsxError> {
    sheet.set_name("Oversigt")?;
    let columns = [
        ("År", 8.0),
        ("Mål (kr.)", 15.0),
        ("Planlagt (kr.)", 15.0),
        ("Besluttet (kr.)", 15.0),
        ("Realiseret (kr.)", 15.0),
        ("Hjemtaget (kr.)", 15.0),
        ("Ikke hjemtaget (kr.)", 15.0),
        ("Afvigelse mål − realiseret (kr.)", 18.0),
        ("Afvigelse mål − besluttet (kr.)", 18.0),
        ("Mål (årsværk)", 12.0),
        ("Planlagt (årsværk)", 12.0),
        ("Besluttet (årsværk)", 12.0),
        ("Realiseret (årsværk)", 12.0),
        ("Afvigelse mål − realiseret (årsværk)", 16.0),
        ("Afvigelse mål − besluttet (årsværk)", 16.0),
    ];
    header_row(sheet, f, &columns, row_index(ov.years.len())?)?;
    let first = |kind: TargetKind| programme.targets.iter().position(|t| t.kind == kind);
    let (kr_target, fte_target) = (first(TargetKind::KrPerYear), first(TargetKind::Aarsvaerk));
    for (i, y) in ov.years.iter().enumerate() {
        let target =
            |idx: Option<usize>| idx.and_then(|t| y.targets.iter().find(|x| x.target == t));
        let kr = target(kr_target);
        let fte = target(fte_target);
        let fig = &y.figures;
        let mut r = Row::new(sheet, row_index(i + 1)?);
        r.number(f64::from(y.year), &f.integer)?
            .opt_decimal(kr.and_then(|t| t.amount), &f.kr)?
            .decimal(fig.planned_kr, &f.kr)?
            .decimal(fig.decided_kr, &f.kr)?
            .decimal(fig.realised_kr, &f.kr)?
            .decimal(fig.harvested_kr, &f.kr)?
            .decimal(fig.not_harvested_kr, &f.kr)?
            .opt_decimal(kr.and_then(|t| t.gap_realised), &f.kr)?
            .opt_decimal(kr.and_then(|t| t.gap_decided), &f.kr)?
            .opt_decimal(fte.and_then(|t| t.amount), &f.decimal)?
            .decimal(fig.planned_fte, &f.decimal)?
            .decimal(fig.decided_fte, &f.decimal)?
            .decimal(fig.realised_fte, &f.decimal)?
            .opt_decimal(fte.and_then(|t| t.gap_realised), &f.decimal)?
            .opt_decimal(fte.and_then(|t| t.gap_decided), &f.decimal)?;
    }
    Ok(())
}

pub(super) fn write_targets(
    sheet: &mut Worksheet,
    f: &Formats,
    programme: &Programme,
    ov: &ProgrammeOverview,
) -> Result<(), XlsxError> {
    sheet.set_name("Mål")?;
    let columns = [
        ("Mål nr.", 8.0),
        ("Enhed", 12.0),
        ("Frist", 8.0),
        ("År", 8.0),
        ("Mål", 15.0),
        ("Afvigelse mål − realiseret", 18.0),
        ("Afvigelse mål − besluttet", 18.0),
    ];
    let mut rows = 0usize;
    for y in &ov.years {
        for t in &y.targets {
            let Some(target) = programme.targets.get(t.target) else {
                continue;
            };
            rows += 1;
            let fmt = target_format(t.kind, f);
            let mut r = Row::new(sheet, row_index(rows)?);
            r.number((t.target + 1) as f64, &f.integer)?
                .text(kind_label(t.kind), &f.text)?
                .number(f64::from(target.deadline_year), &f.integer)?
                .number(f64::from(y.year), &f.integer)?
                .opt_decimal(t.amount, fmt)?
                .opt_decimal(t.gap_realised, fmt)?
                .opt_decimal(t.gap_decided, fmt)?;
        }
    }
    header_row(sheet, f, &columns, row_index(rows)?)?;
    Ok(())
}

pub(super) fn write_breakdown(
    sheet: &mut Worksheet,
    f: &Formats,
    name: &str,
    what: &str,
    rows: &[BreakdownRow],
    names: &Names,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let columns = [
        (what, 28.0),
        ("År", 8.0),
        ("Planlagt (kr.)", 15.0),
        ("Besluttet (kr.)", 15.0),
        ("Realiseret (kr.)", 15.0),
        ("Hjemtaget (kr.)", 15.0),
        ("Planlagt (årsværk)", 12.0),
        ("Besluttet (årsværk)", 12.0),
        ("Realiseret (årsværk)", 12.0),
    ];
    let mut n = 0usize;
    for row in rows {
        let label = names.key(row.key);
        for (year, fig) in &row.years {
            n += 1;
            let mut r = Row::new(sheet, row_index(n)?);
            r.text(&label, &f.text)?
                .number(f64::from(*year), &f.integer)?
                .decimal(fig.planned_kr, &f.kr)?
                .decimal(fig.decided_kr, &f.kr)?
                .decimal(fig.realised_kr, &f.kr)?
                .decimal(fig.harvested_kr, &f.kr)?
                .decimal(fig.planned_fte, &f.decimal)?
                .decimal(fig.decided_fte, &f.decimal)?
                .decimal(fig.realised_fte, &f.decimal)?;
        }
    }
    header_row(sheet, f, &columns, row_index(n)?)?;
    Ok(())
}

/// The notes recorded on a potential's actuals in a year, joined by " · ": the
/// explanations of a deviation.
pub fn explanations(plans: &[PotentialPlan], potential: PotentialId, year: i32) -> String {
    plans
        .iter()
        .filter(|p| p.potential == potential)
        .flat_map(|p| p.actuals.iter())
        .filter(|a| a.period.year() == year && !a.note.trim().is_empty())
        .map(|a| a.note.trim().to_owned())
        .collect::<Vec<_>>()
        .join(" · ")
}

pub(super) fn write_gaps(
    sheet: &mut Worksheet,
    f: &Formats,
    ov: &ProgrammeOverview,
    plans: &[PotentialPlan],
) -> Result<(), XlsxError> {
    sheet.set_name("Største afvigelser")?;
    let columns = [
        ("Potentiale", 32.0),
        ("År", 8.0),
        ("Planlagt (kr.)", 15.0),
        ("Realiseret (kr.)", 15.0),
        ("Afvigelse (kr.)", 15.0),
        ("Forklaring", 50.0),
    ];
    header_row(sheet, f, &columns, row_index(ov.largest_gaps.len())?)?;
    for (i, g) in ov.largest_gaps.iter().enumerate() {
        let mut r = Row::new(sheet, row_index(i + 1)?);
        r.text(&g.title, &f.text)?
            .number(f64::from(g.year), &f.integer)?
            .decimal(g.planned_kr, &f.kr)?
            .decimal(g.realised_kr, &f.kr)?
            .decimal(g.gap_kr, &f.kr)?
            .text(&explanations(plans, g.potential, g.year), &f.text)?;
    }
    Ok(())
}

pub(super) fn write_plans(
    sheet: &mut Worksheet,
    f: &Formats,
    plans: &[PotentialPlan],
    names: &Names,
) -> Result<(), XlsxError> {
    sheet.set_name("Gevinstplaner")?;
    let columns = [
        ("Potentiale", 30.0),
        ("Gevinst", 24.0),
        ("Art", 20.0),
        ("Hjemtagbar", 10.0),
        ("Ejer", 20.0),
        ("KPI", 24.0),
        ("Målemetode", 30.0),
        ("Baseline", 12.0),
        ("Baseline-note", 24.0),
        ("År", 8.0),
        ("Mål (mængde)", 14.0),
        ("Enhed", 12.0),
        ("Mål (kr.)", 15.0),
    ];
    let mut n = 0usize;
    for p in plans {
        let Some(plan) = &p.plan else { continue };
        for b in &plan.benefits {
            let owner = b
                .owner
                .and_then(|u| names.users.get(&u).cloned())
                .unwrap_or_default();
            for t in &b.targets {
                n += 1;
                let amount_format = if b.kind.unit_label() == "kr." {
                    &f.kr
                } else {
                    &f.decimal
                };
                let mut r = Row::new(sheet, row_index(n)?);
                r.text(&p.title, &f.text)?
                    .text(&b.label, &f.text)?
                    .text(b.kind.label(), &f.text)?
                    .text(if b.hjemtagbar { "Ja" } else { "Nej" }, &f.text)?
                    .text(&owner, &f.text)?
                    .text(&b.kpi, &f.text)?
                    .text(&b.measurement_method, &f.text)?
                    .opt_decimal(b.baseline, &f.decimal)?
                    .text(&b.baseline_note, &f.text)?
                    .number(f64::from(t.year), &f.integer)?
                    .decimal(t.amount, amount_format)?
                    .text(b.kind.unit_label(), &f.text)?
                    .decimal(
                        t.kr.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
                        &f.kr,
                    )?;
            }
        }
    }
    header_row(sheet, f, &columns, row_index(n)?)?;
    Ok(())
}

pub(super) fn write_actuals(
    sheet: &mut Worksheet,
    f: &Formats,
    plans: &[PotentialPlan],
) -> Result<(), XlsxError> {
    sheet.set_name("Målinger")?;
    let columns = [
        ("Potentiale", 30.0),
        ("Gevinst", 24.0),
        ("Periode", 16.0),
        ("Timer", 10.0),
        ("Kr.", 14.0),
        ("Årsværk", 10.0),
        ("Usynligt arbejde (timer)", 12.0),
        ("Hjemtaget (kr.)", 14.0),
        ("Budgetreference", 24.0),
        ("Dato", 12.0),
        ("Note", 40.0),
        ("Godkendelse", 22.0),
    ];
    let mut n = 0usize;
    for p in plans {
        for a in &p.actuals {
            n += 1;
            let mut r = Row::new(sheet, row_index(n)?);
            r.text(&p.title, &f.text)?
                .text(&p.benefit_label(a.line), &f.text)?
                .text(&a.period.label(), &f.text)?
                .decimal(a.hours, &f.decimal)?
                .decimal(a.kr, &f.kr)?
                .decimal(a.fte, &f.decimal)?
                .decimal(a.invisible_hours, &f.decimal)?
                .decimal(a.harvested, &f.kr)?
                .text(&a.budget_reference, &f.text)?
                .date(a.harvested_on, &f.date)?
                .text(&a.note, &f.text)?
                .text(a.approval.label(), &f.text)?;
        }
    }
    header_row(sheet, f, &columns, row_index(n)?)?;
    Ok(())
}

pub(super) fn write_forecast(
    sheet: &mut Worksheet,
    f: &Formats,
    forecast: &Forecast,
) -> Result<(), XlsxError> {
    sheet.set_name("Prognose")?;
    let columns = [
        ("År", 8.0),
        ("P10 (kr.)", 15.0),
        ("P50 (kr.)", 15.0),
        ("P90 (kr.)", 15.0),
        ("Middel (kr.)", 15.0),
        ("P10 (årsværk)", 12.0),
        ("P50 (årsværk)", 12.0),
        ("P90 (årsværk)", 12.0),
        ("Middel (årsværk)", 12.0),
    ];
    header_row(sheet, f, &columns, row_index(forecast.years.len())?)?;
    for (i, y) in forecast.years.iter().enumerate() {
        let mut r = Row::new(sheet, row_index(i + 1)?);
        r.number(f64::from(y.year), &f.integer)?
            .number(y.gain_kr.p10.round(), &f.kr)?
            .number(y.gain_kr.p50.round(), &f.kr)?
            .number(y.gain_kr.p90.round(), &f.kr)?
            .number(y.gain_kr.mean.round(), &f.kr)?
            .number(y.fte.p10, &f.decimal)?
            .number(y.fte.p50, &f.decimal)?
            .number(y.fte.p90, &f.decimal)?
            .number(y.fte.mean, &f.decimal)?;
    }
    let start = row_index(forecast.years.len() + 2)?;
    let mut h = Row::new(sheet, start);
    for title in ["Mål nr.", "Enhed", "Frist", "Mål", "Sandsynlighed", "Art"] {
        h.text(title, &f.header)?;
    }
    // Each target, followed by its milestones (delmål) in year order.
    let mut row = start;
    for t in &forecast.targets {
        let fmt = target_format(t.kind, f);
        let lines = std::iter::once((t.deadline_year, t.amount, t.probability, "Mål")).chain(
            t.milestones
                .iter()
                .map(|m| (m.year, m.amount, m.probability, "Delmål")),
        );
        for (year, amount, probability, art) in lines {
            row += 1;
            let mut r = Row::new(sheet, row);
            r.number((t.target + 1) as f64, &f.integer)?
                .text(kind_label(t.kind), &f.text)?
                .number(f64::from(year), &f.integer)?
                .decimal(amount, fmt)?
                .text(&format_chance(probability), &f.text)?
                .text(art, &f.text)?;
        }
    }
    Ok(())
}

/// The glossary: every word the figures use with its one definition (the same as the
/// programme page's, the report's and the glossary page's).
pub(super) fn write_glossary(sheet: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Ordliste")?;
    header_row(
        sheet,
        f,
        &[("Ord", 26.0), ("Betydning", 100.0)],
        row_index(TERMS.len())?,
    )?;
    for (i, t) in TERMS.iter().enumerate() {
        let mut r = Row::new(sheet, row_index(i + 1)?);
        r.text(t.word, &f.text)?.text(t.definition, &f.text)?;
    }
    Ok(())
}
