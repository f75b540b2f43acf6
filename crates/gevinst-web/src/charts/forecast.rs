//! The programme forecast's fan chart and its data table.

use super::{axis_titles, compact, escape, line, open, rect, text, Scale, WIDTH};
use gevinst_domain::danish::{format_f64, format_kr_f64};
use std::fmt::Write;

/// One year of a fan chart: the 10th, 50th and 90th percentile of a simulated value.
#[derive(Debug, Clone, PartialEq)]
pub struct FanYear {
    /// Calendar year.
    pub year: i32,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// The recorded actuals (*Realiseret*) of a closed year, or of the current year so
    /// far; drawn as their own series.
    pub actual: Option<f64>,
}

/// A horizontal target line in a fan chart, drawn from its deadline year onwards (or over
/// the whole chart when the deadline is before the first year).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetLine {
    /// Label drawn at the line, e.g. `"Mål 2027: 100.000 kr."`.
    pub label: String,
    /// Deadline year.
    pub year: i32,
    /// The target amount.
    pub value: f64,
    /// The target's milestones (*delmål*): (year, amount, label such as
    /// `"Delmål 2025: 8.000.000 kr."`), drawn as markers in their years.
    pub milestones: Vec<(i32, f64, String)>,
}

/// Formats a fan chart value: kr. values compact, others with two decimals.
fn fan_value(unit: &str, v: f64) -> String {
    if unit == "kr." {
        format_kr_f64(v)
    } else {
        format!("{} {unit}", format_f64(v, 2))
    }
}

/// A fan chart of a forecast over the years: the band from P10 to P90, the P50 line and
/// one labelled horizontal line per target. `unit` is `"kr."` (axis labels compact) or
/// another unit such as `"årsværk"` (two decimals). Pair it with [`fan_table`].
pub fn fan_chart(
    id: &str,
    title: &str,
    unit: &str,
    years: &[FanYear],
    targets: &[TargetLine],
) -> String {
    let height = 316.0;
    let (left, right, top, bottom) = (90.0, WIDTH - 20.0, 30.0, height - 56.0);
    let lo = years
        .iter()
        .map(|y| y.p10.min(y.p50).min(y.p90).min(y.actual.unwrap_or(0.0)))
        .chain(targets.iter().map(|t| t.value))
        .chain(
            targets
                .iter()
                .flat_map(|t| t.milestones.iter().map(|m| m.1)),
        )
        .fold(0.0_f64, f64::min);
    let hi = years
        .iter()
        .map(|y| y.p10.max(y.p50).max(y.p90).max(y.actual.unwrap_or(0.0)))
        .chain(targets.iter().map(|t| t.value))
        .chain(
            targets
                .iter()
                .flat_map(|t| t.milestones.iter().map(|m| m.1)),
        )
        .fold(0.0_f64, f64::max);
    let s = Scale::new(lo, hi * 1.05, bottom, top);
    let span = match (years.first(), years.last()) {
        (Some(a), Some(b)) if a.year != b.year => format!("{}-{}", a.year, b.year),
        (Some(a), _) => a.year.to_string(),
        _ => String::new(),
    };
    let mut desc = format!(
        "Prognose pr. år {span}: det farvede bånd går fra P10 til P90 (80 % af udfaldene ligger i båndet), linjen er P50 (medianen)."
    );
    let measured: Vec<(usize, f64)> = years
        .iter()
        .enumerate()
        .filter_map(|(i, y)| y.actual.map(|a| (i, a)))
        .collect();
    if !measured.is_empty() {
        desc.push_str(" De sorte firkanter er de registrerede målinger (Realiseret).");
    }
    for t in targets {
        let _ = write!(desc, " {}.", t.label);
        for (_, _, label) in &t.milestones {
            let _ = write!(desc, " {label}.");
        }
    }
    let mut out = String::new();
    open(&mut out, id, height, title, &desc, "fan-chart");
    for v in s.ticks() {
        let y = s.at(v);
        line(&mut out, left, y, right, y, "grid");
        let label = if unit == "kr." {
            compact(v)
        } else {
            format_f64(v, 2)
        };
        text(&mut out, left - 6.0, y + 4.0, "end", "axis", &label);
    }
    let y_title = if unit == "kr." { "kr. pr. år" } else { unit };
    axis_titles(
        &mut out,
        "År",
        Some(y_title),
        (left, right, top, bottom),
        height,
    );
    let n = years.len().max(1) as f64;
    let slot = (right - left) / n;
    let x_of = |i: usize| left + slot * (i as f64 + 0.5);
    for (i, y) in years.iter().enumerate() {
        text(
            &mut out,
            x_of(i),
            bottom + 18.0,
            "middle",
            "axis",
            &y.year.to_string(),
        );
    }
    if !years.is_empty() {
        let mut band: Vec<String> = years
            .iter()
            .enumerate()
            .map(|(i, y)| format!("{:.1},{:.1}", x_of(i), s.at(y.p90)))
            .collect();
        band.extend(
            years
                .iter()
                .enumerate()
                .rev()
                .map(|(i, y)| format!("{:.1},{:.1}", x_of(i), s.at(y.p10))),
        );
        let _ = write!(
            out,
            r##"<polygon points="{}" class="fan-band" fill="#9fc5e8" stroke="none"/>"##,
            band.join(" ")
        );
        let median: Vec<String> = years
            .iter()
            .enumerate()
            .map(|(i, y)| format!("{:.1},{:.1}", x_of(i), s.at(y.p50)))
            .collect();
        let _ = write!(
            out,
            r##"<polyline points="{}" class="fan-median" fill="none" stroke="#0b5394" stroke-width="2.5"/>"##,
            median.join(" ")
        );
        for (i, y) in years.iter().enumerate() {
            let _ = write!(
                out,
                r##"<circle cx="{:.1}" cy="{:.1}" r="3" class="fan-point" fill="#0b5394"/>"##,
                x_of(i),
                s.at(y.p50)
            );
        }
    }
    // The actuals: their own series, black squares joined by a dashed line.
    if measured.len() > 1 {
        let points: Vec<String> = measured
            .iter()
            .map(|(i, a)| format!("{:.1},{:.1}", x_of(*i), s.at(*a)))
            .collect();
        let _ = write!(
            out,
            r##"<polyline points="{}" class="fan-actual" fill="none" stroke="#000" stroke-width="2" stroke-dasharray="5 3"/>"##,
            points.join(" ")
        );
    }
    for (i, a) in &measured {
        let _ = write!(
            out,
            r##"<rect x="{:.1}" y="{:.1}" width="9" height="9" class="fan-actual-point" fill="#000"><title>Realiseret {}: {}</title></rect>"##,
            x_of(*i) - 4.5,
            s.at(*a) - 4.5,
            years[*i].year,
            escape(&fan_value(unit, *a))
        );
    }
    for (k, t) in targets.iter().enumerate() {
        let start = years
            .iter()
            .position(|y| y.year >= t.year)
            .map(|i| (x_of(i) - slot / 2.0).max(left))
            .unwrap_or(left);
        let y = s.at(t.value);
        line(&mut out, start, y, right, y, "target");
        let ly = if k % 2 == 0 { y - 6.0 } else { y + 14.0 };
        text(&mut out, right, ly, "end", "target-label", &t.label);
        // Milestones: a diamond in their year, on the year's axis position.
        for (year, value, label) in &t.milestones {
            let Some(i) = years.iter().position(|y| y.year == *year) else {
                continue;
            };
            let (cx, cy) = (x_of(i), s.at(*value));
            let _ = write!(
                out,
                r##"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" class="milestone" fill="#b45f06"><title>{}</title></polygon>"##,
                cx,
                cy - 6.0,
                cx + 6.0,
                cy,
                cx,
                cy + 6.0,
                cx - 6.0,
                cy,
                escape(label)
            );
        }
    }
    // Legend.
    rect(&mut out, left, 8.0, 12.0, 12.0, "fan-band", "#9fc5e8");
    text(&mut out, left + 16.0, 18.0, "start", "legend", "P10-P90");
    line(
        &mut out,
        left + 90.0,
        14.0,
        left + 110.0,
        14.0,
        "fan-median",
    );
    text(
        &mut out,
        left + 116.0,
        18.0,
        "start",
        "legend",
        "P50 (median)",
    );
    line(&mut out, left + 230.0, 14.0, left + 250.0, 14.0, "target");
    text(&mut out, left + 256.0, 18.0, "start", "legend", "Mål");
    if targets.iter().any(|t| !t.milestones.is_empty()) {
        let _ = write!(
            out,
            r##"<polygon points="{a:.1},8.0 {b:.1},14.0 {a:.1},20.0 {c:.1},14.0" class="milestone" fill="#b45f06"/>"##,
            a = left + 300.0,
            b = left + 306.0,
            c = left + 294.0
        );
        text(&mut out, left + 312.0, 18.0, "start", "legend", "Delmål");
    }
    if !measured.is_empty() {
        rect(
            &mut out,
            left + 370.0,
            9.5,
            9.0,
            9.0,
            "fan-actual-point",
            "#000",
        );
        text(
            &mut out,
            left + 384.0,
            18.0,
            "start",
            "legend",
            "Realiseret",
        );
    }
    out.push_str("</svg>");
    out
}

/// The data behind [`fan_chart`] as a `<details>` table (year, P10, P50, P90, and the
/// targets below), for screen readers and for reading exact values.
pub fn fan_table(caption: &str, unit: &str, years: &[FanYear], targets: &[TargetLine]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<details class="chart-data"><summary>Vis tallene bag figuren</summary><table class="data"><caption>{}</caption><thead><tr><th scope="col">År</th><th scope="col" class="num">P10</th><th scope="col" class="num">P50</th><th scope="col" class="num">P90</th><th scope="col" class="num">Realiseret</th></tr></thead><tbody>"#,
        escape(caption)
    );
    for y in years {
        let _ = write!(
            out,
            r#"<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            y.year,
            escape(&fan_value(unit, y.p10)),
            escape(&fan_value(unit, y.p50)),
            escape(&fan_value(unit, y.p90)),
            escape(
                &y.actual
                    .map_or_else(|| "–".to_owned(), |a| fan_value(unit, a))
            )
        );
    }
    out.push_str("</tbody></table>");
    if !targets.is_empty() {
        out.push_str("<ul class=\"fan-targets\">");
        for t in targets {
            let _ = write!(out, "<li>{}</li>", escape(&t.label));
            for (_, _, label) in &t.milestones {
                let _ = write!(out, "<li>{}</li>", escape(label));
            }
        }
        out.push_str("</ul>");
    }
    out.push_str("</details>");
    out
}
