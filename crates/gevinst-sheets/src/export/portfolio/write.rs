//! Writing the portfolio: the four sheets of the workbook, and the CSV (the Potentialer
//! sheet, then the Business cases and Risici sheets in sections).

use super::*;
use gevinst_domain::business_case::{line_values, BusinessCase, Evaluation, LineKind};
use gevinst_domain::danish::format_sheet_datetime as csv_datetime;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

fn case_settings(case: Option<&BusinessCase>) -> (Option<i32>, Option<u32>, Option<Decimal>) {
    match case {
        Some(c) => (Some(c.start_year), Some(c.horizon), c.discount_rate),
        None => (None, None, None),
    }
}

fn write_potentials(sheet: &mut Worksheet, f: &Formats, p: &Portfolio) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[0])?;
    let columns: Vec<(&str, f64)> = POTENTIAL_HEADERS
        .iter()
        .copied()
        .zip(POTENTIAL_WIDTHS)
        .collect();
    header_row(sheet, f, &columns, row_index(p.rows.len())?)?;
    for (i, r) in p.rows.iter().enumerate() {
        let pot = &r.potential;
        let mut c = Cells {
            sheet: &mut *sheet,
            row: row_index(i + 1)?,
        };
        c.number(0, pot.id.0 as f64, &f.integer)?;
        c.text(1, &pot.title)?;
        c.text(2, &pot.description)?;
        c.text(3, pot.status.label())?;
        c.text(4, r.unit_name())?;
        c.text(5, &r.unit_path.join(" › "))?;
        c.opt_text(6, r.fagomraade.as_deref())?;
        c.opt_text(7, r.technology.as_deref())?;
        c.text(8, pot.source.label())?;
        for (col, person) in [
            (9, &r.benefit_owner),
            (11, &r.digital_agent),
            (13, &r.submitted_by),
        ] {
            if let Some(person) = person {
                c.text(col, &person.name)?;
                c.text(col + 1, &person.email)?;
            }
        }
        c.text(15, &pot.tags.join("; "))?;
        c.datetime(16, pot.created_at, &f.datetime)?;
        c.datetime(17, pot.updated_at, &f.datetime)?;
        c.number(18, pot.version as f64, &f.integer)?;
        let (start, horizon, rate) = case_settings(r.case.as_ref());
        if let Some(s) = start {
            c.number(19, f64::from(s), &f.integer)?;
        }
        if let Some(h) = horizon {
            c.number(20, f64::from(h), &f.integer)?;
        }
        c.opt_decimal(21, rate, &f.percent)?;
        c.opt_text(22, pot.contact_name.as_deref())?;
    }
    Ok(())
}

fn unit_format(kind: LineKind, f: &Formats) -> &Format {
    match kind {
        LineKind::Investering | LineKind::Drift | LineKind::DirekteBesparelse => &f.kr,
        _ => &f.decimal,
    }
}

fn write_lines(sheet: &mut Worksheet, f: &Formats, p: &Portfolio) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[1])?;
    let total: usize = p
        .rows
        .iter()
        .filter_map(|r| r.case.as_ref())
        .flat_map(|c| c.lines.iter().map(|l| l.amounts.len()))
        .sum();
    let columns: Vec<(&str, f64)> = LINE_HEADERS.iter().copied().zip(LINE_WIDTHS).collect();
    header_row(sheet, f, &columns, row_index(total)?)?;
    let mut row = 0usize;
    for r in &p.rows {
        let Some(case) = &r.case else { continue };
        for (n, line) in case.lines.iter().enumerate() {
            let values = line_values(line, &p.economics);
            for (t, amount) in line.amounts.iter().enumerate() {
                row += 1;
                let mut c = Cells {
                    sheet: &mut *sheet,
                    row: row_index(row)?,
                };
                c.number(0, r.potential.id.0 as f64, &f.integer)?;
                c.text(1, &r.potential.title)?;
                c.number(2, (n + 1) as f64, &f.integer)?;
                c.text(3, line.kind.label())?;
                c.text(4, &line.label)?;
                c.text(5, if line.hjemtagbar { "Ja" } else { "Nej" })?;
                c.opt_text(6, line.from_channel.map(|ch| ch.label()))?;
                c.opt_text(7, line.to_channel.map(|ch| ch.label()))?;
                c.opt_text(8, line.category.map(|k| k.label()))?;
                c.number(9, f64::from(case.start_year) + t as f64, &f.integer)?;
                c.decimal(10, *amount, unit_format(line.kind, f))?;
                c.text(11, line.kind.unit_label())?;
                c.text(12, &amount.normalize().to_string())?;
                c.opt_decimal(13, values.get(t).copied(), &f.kr)?;
                c.decimal(14, line.low, &f.decimal)?;
                c.decimal(15, line.high, &f.decimal)?;
                c.number(16, f64::from(case.start_year), &f.integer)?;
                c.number(17, f64::from(case.horizon), &f.integer)?;
                c.opt_decimal(18, case.discount_rate, &f.percent)?;
            }
        }
    }
    Ok(())
}

fn write_risks(sheet: &mut Worksheet, f: &Formats, p: &Portfolio) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[2])?;
    let total: usize = p
        .rows
        .iter()
        .filter_map(|r| r.case.as_ref())
        .map(|c| c.risks.len())
        .sum();
    let columns: Vec<(&str, f64)> = RISK_HEADERS.iter().copied().zip(RISK_WIDTHS).collect();
    header_row(sheet, f, &columns, row_index(total)?)?;
    let mut row = 0usize;
    for r in &p.rows {
        let Some(case) = &r.case else { continue };
        for (n, risk) in case.risks.iter().enumerate() {
            row += 1;
            let mut c = Cells {
                sheet: &mut *sheet,
                row: row_index(row)?,
            };
            c.number(0, r.potential.id.0 as f64, &f.integer)?;
            c.text(1, &r.potential.title)?;
            c.number(2, (n + 1) as f64, &f.integer)?;
            c.text(3, &risk.description)?;
            c.decimal(4, risk.probability, &f.percent)?;
            c.decimal(5, risk.min, &f.kr)?;
            c.decimal(6, risk.likely, &f.kr)?;
            c.decimal(7, risk.max, &f.kr)?;
            c.number(
                8,
                f64::from(case.start_year) + f64::from(risk.year),
                &f.integer,
            )?;
            c.number(9, f64::from(risk.year), &f.integer)?;
        }
    }
    Ok(())
}

fn write_key_figures(sheet: &mut Worksheet, f: &Formats, p: &Portfolio) -> Result<(), XlsxError> {
    sheet.set_name(SHEETS[3])?;
    let simulated = p.rows.iter().any(|r| r.npv_percentiles.is_some());
    let mut columns: Vec<(&str, f64)> = KEY_FIGURE_HEADERS
        .iter()
        .copied()
        .zip(KEY_FIGURE_WIDTHS)
        .collect();
    if simulated {
        columns.extend(SIMULATION_HEADERS.iter().map(|h| (*h, 16.0)));
    }
    let evaluated: Vec<(&PortfolioRow, &Evaluation)> = p
        .rows
        .iter()
        .filter_map(|r| r.evaluation.as_ref().map(|e| (r, e)))
        .collect();
    header_row(sheet, f, &columns, row_index(evaluated.len())?)?;
    for (i, (r, e)) in evaluated.into_iter().enumerate() {
        let mut c = Cells {
            sheet: &mut *sheet,
            row: row_index(i + 1)?,
        };
        c.number(0, r.potential.id.0 as f64, &f.integer)?;
        c.text(1, &r.potential.title)?;
        c.text(2, r.potential.status.label())?;
        c.text(3, r.unit_name())?;
        c.decimal(4, e.npv, &f.kr)?;
        c.decimal(5, e.npv_after_risk, &f.kr)?;
        if let Some(y) = e.payback_year {
            c.number(6, f64::from(y), &f.integer)?;
        }
        c.decimal(7, e.full_effect, &f.kr)?;
        c.decimal(8, e.hjemtagbar_full_effect, &f.kr)?;
        c.decimal(9, e.fte_freed_final_year, &f.decimal)?;
        c.decimal(10, e.risk_pool, &f.kr)?;
        c.decimal(11, e.gross_benefits, &f.kr)?;
        c.decimal(12, e.invisible_work, &f.kr)?;
        c.opt_decimal(13, e.invisible_share, &f.percent)?;
        c.decimal(14, e.discount_rate, &f.percent)?;
        if let Some(s) = r.npv_percentiles {
            c.number(15, s.p10, &f.kr)?;
            c.number(16, s.p50, &f.kr)?;
            c.number(17, s.p90, &f.kr)?;
        }
    }
    Ok(())
}

/// Writes the portfolio as an .xlsx workbook (see the module documentation for the
/// layout) and returns its bytes.
pub fn workbook(p: &Portfolio) -> Result<Vec<u8>, ExportError> {
    let formats = Formats::default();
    let mut wb = Workbook::new();
    write_potentials(wb.add_worksheet(), &formats, p)?;
    write_lines(wb.add_worksheet(), &formats, p)?;
    write_risks(wb.add_worksheet(), &formats, p)?;
    write_key_figures(wb.add_worksheet(), &formats, p)?;
    Ok(wb.save_to_buffer()?)
}

/// A decimal as CSV text: all significant decimals, `,` as decimal mark, no grouping.
pub(super) fn csv_decimal(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

/// Text that a spreadsheet would read as a formula gets a leading `'`.
pub(super) fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The Potentialer sheet as CSV rows (header first), before quoting.
pub fn csv_rows(p: &Portfolio) -> Vec<Vec<String>> {
    let mut out = Vec::with_capacity(p.rows.len() + 1);
    out.push(POTENTIAL_HEADERS.iter().map(|h| (*h).to_owned()).collect());
    let person = |x: &Option<Person>| match x {
        Some(p) => (csv_text(&p.name), csv_text(&p.email)),
        None => (String::new(), String::new()),
    };
    for r in &p.rows {
        let pot = &r.potential;
        let (owner, owner_mail) = person(&r.benefit_owner);
        let (agent, agent_mail) = person(&r.digital_agent);
        let (by, by_mail) = person(&r.submitted_by);
        let (start, horizon, rate) = case_settings(r.case.as_ref());
        out.push(vec![
            pot.id.0.to_string(),
            csv_text(&pot.title),
            csv_text(&pot.description),
            pot.status.label().to_owned(),
            csv_text(r.unit_name()),
            csv_text(&r.unit_path.join(" › ")),
            csv_text(r.fagomraade.as_deref().unwrap_or_default()),
            csv_text(r.technology.as_deref().unwrap_or_default()),
            pot.source.label().to_owned(),
            owner,
            owner_mail,
            agent,
            agent_mail,
            by,
            by_mail,
            csv_text(&pot.tags.join("; ")),
            csv_datetime(pot.created_at),
            csv_datetime(pot.updated_at),
            pot.version.to_string(),
            start.map(|s| s.to_string()).unwrap_or_default(),
            horizon.map(|h| h.to_string()).unwrap_or_default(),
            rate.map(csv_decimal).unwrap_or_default(),
            csv_text(pot.contact_name.as_deref().unwrap_or_default()),
        ]);
    }
    out
}

/// The Business cases sheet as CSV rows (header first), before quoting: the same columns
/// as the sheet, decimals as [`csv_decimal`] writes them.
pub fn csv_line_rows(p: &Portfolio) -> Vec<Vec<String>> {
    let mut out = vec![LINE_HEADERS.iter().map(|h| (*h).to_owned()).collect()];
    let opt = |l: Option<&str>| l.unwrap_or_default().to_owned();
    for r in &p.rows {
        let Some(case) = &r.case else { continue };
        let (start, horizon, rate) = case_settings(Some(case));
        for (n, line) in case.lines.iter().enumerate() {
            let values = line_values(line, &p.economics);
            for (t, amount) in line.amounts.iter().enumerate() {
                out.push(vec![
                    r.potential.id.0.to_string(),
                    csv_text(&r.potential.title),
                    (n + 1).to_string(),
                    line.kind.label().to_owned(),
                    csv_text(&line.label),
                    if line.hjemtagbar { "Ja" } else { "Nej" }.to_owned(),
                    opt(line.from_channel.map(|c| c.label())),
                    opt(line.to_channel.map(|c| c.label())),
                    opt(line.category.map(|k| k.label())),
                    (i64::from(case.start_year) + t as i64).to_string(),
                    csv_decimal(*amount),
                    line.kind.unit_label().to_owned(),
                    amount.normalize().to_string(),
                    values.get(t).copied().map(csv_decimal).unwrap_or_default(),
                    csv_decimal(line.low),
                    csv_decimal(line.high),
                    start.map(|s| s.to_string()).unwrap_or_default(),
                    horizon.map(|h| h.to_string()).unwrap_or_default(),
                    rate.map(csv_decimal).unwrap_or_default(),
                ]);
            }
        }
    }
    out
}

/// The Risici sheet as CSV rows (header first), before quoting.
pub fn csv_risk_rows(p: &Portfolio) -> Vec<Vec<String>> {
    let mut out = vec![RISK_HEADERS.iter().map(|h| (*h).to_owned()).collect()];
    for r in &p.rows {
        let Some(case) = &r.case else { continue };
        for (n, risk) in case.risks.iter().enumerate() {
            out.push(vec![
                r.potential.id.0.to_string(),
                csv_text(&r.potential.title),
                (n + 1).to_string(),
                csv_text(&risk.description),
                csv_decimal(risk.probability),
                csv_decimal(risk.min),
                csv_decimal(risk.likely),
                csv_decimal(risk.max),
                (i64::from(case.start_year) + i64::from(risk.year)).to_string(),
                risk.year.to_string(),
            ]);
        }
    }
    out
}

/// Appends `rows` as `;`-separated CSV records with CRLF line ends.
fn csv_records(buf: &mut Vec<u8>, rows: &[Vec<String>]) -> Result<(), ExportError> {
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .terminator(::csv::Terminator::CRLF)
        .from_writer(buf);
    for row in rows {
        w.write_record(row)
            .map_err(|e| ExportError::Csv(e.to_string()))?;
    }
    w.flush().map_err(|e| ExportError::Csv(e.to_string()))
}

/// Writes the portfolio as CSV (see the module documentation) and returns its bytes,
/// starting with the UTF-8 byte-order mark: the Potentialer sheet, then, when there are
/// business-case lines or risks, a section for each of the Business cases and Risici
/// sheets after an empty line and a line with the sheet's name ([`CSV_SECTIONS`]).
pub fn csv(p: &Portfolio) -> Result<Vec<u8>, ExportError> {
    let mut buf = Vec::from(&b"\xEF\xBB\xBF"[..]);
    csv_records(&mut buf, &csv_rows(p))?;
    for (title, rows) in CSV_SECTIONS
        .iter()
        .zip([csv_line_rows(p), csv_risk_rows(p)])
    {
        if rows.len() > 1 {
            buf.extend_from_slice(b"\r\n");
            csv_records(&mut buf, &[vec![(*title).to_owned()]])?;
            csv_records(&mut buf, &rows)?;
        }
    }
    Ok(buf)
}
