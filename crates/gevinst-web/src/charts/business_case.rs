//! The business-case charts: the cash flow by year, the tornado of swings and the
//! histogram of simulated outcomes.

use super::{axis_titles, compact, escape, line, open, rect, text, y_axis, Scale, WIDTH};
use gevinst_domain::danish::{format_f64, format_kr_f64};
use std::fmt::Write;

/// One year of a cash flow, kr.
#[derive(Debug, Clone, PartialEq)]
pub struct CashYear {
    /// Calendar year.
    pub year: i32,
    /// Benefits (positive).
    pub benefits: f64,
    /// Costs (positive; drawn downwards).
    pub costs: f64,
    /// Cumulative undiscounted net at the end of the year.
    pub cumulative: f64,
}

/// The cash flow per year: benefits as bars up, costs as bars down, the cumulative net as
/// a line, and a marker where the cumulative net first reaches zero (the payback year).
pub fn cash_flow(id: &str, years: &[CashYear], payback_year: Option<i32>) -> String {
    let height = 336.0;
    let (left, right, top, bottom) = (90.0, WIDTH - 20.0, 30.0, height - 56.0);
    let lo = years
        .iter()
        .map(|y| (-y.costs).min(y.cumulative))
        .fold(0.0_f64, f64::min);
    let hi = years
        .iter()
        .map(|y| y.benefits.max(y.cumulative))
        .fold(0.0_f64, f64::max);
    let s = Scale::new(lo, hi, bottom, top);
    let desc = match payback_year {
        Some(y) => format!(
            "Gevinster (op) og omkostninger (ned) pr. år {}, med den akkumulerede nettoværdi som linje. Investeringen er tjent hjem i {y}.",
            span(years)
        ),
        None => format!(
            "Gevinster (op) og omkostninger (ned) pr. år {}, med den akkumulerede nettoværdi som linje. Investeringen tjenes ikke hjem inden for horisonten.",
            span(years)
        ),
    };
    let mut out = String::new();
    open(
        &mut out,
        id,
        height,
        "Pengestrøm pr. år",
        &desc,
        "cash-chart",
    );
    y_axis(&mut out, &s, left, right);
    axis_titles(
        &mut out,
        "År",
        Some("Kr."),
        (left, right, top, bottom),
        height,
    );
    let n = years.len().max(1) as f64;
    let slot = (right - left) / n;
    let bar = (slot * 0.35).min(40.0);
    let zero = s.at(0.0);
    let mut points = Vec::with_capacity(years.len());
    for (i, y) in years.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        let top_b = s.at(y.benefits);
        rect(
            &mut out,
            cx - bar,
            top_b,
            bar,
            zero - top_b,
            "benefit",
            "#1e6b34",
        );
        let bot_c = s.at(-y.costs);
        rect(&mut out, cx, zero, bar, bot_c - zero, "cost", "#b00020");
        text(
            &mut out,
            cx,
            bottom + 22.0,
            "middle",
            "axis",
            &y.year.to_string(),
        );
        points.push((cx, s.at(y.cumulative)));
    }
    line(&mut out, left, zero, right, zero, "zero");
    if !points.is_empty() {
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            out,
            r##"<polyline points="{}" class="cumulative" fill="none" stroke="#0b5394" stroke-width="2.5"/>"##,
            pts.join(" ")
        );
        for (x, y) in &points {
            let _ = write!(
                out,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" class="cumulative-point" fill="#0b5394"/>"##
            );
        }
    }
    if let Some(py) = payback_year {
        if let Some(i) = years.iter().position(|y| y.year == py) {
            let (x, y) = points[i];
            let _ = write!(
                out,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="7" class="payback" fill="none" stroke="#8a5a00" stroke-width="3"/>"##
            );
            let anchor = if i + 1 == years.len() && years.len() > 1 {
                "end"
            } else {
                "start"
            };
            let dx = if anchor == "end" { -10.0 } else { 10.0 };
            text(
                &mut out,
                x + dx,
                (y - 10.0).max(14.0),
                anchor,
                "payback-label",
                &format!("Tilbagebetalt {py}"),
            );
        }
    }
    // Legend.
    rect(&mut out, left, 8.0, 12.0, 12.0, "benefit", "#1e6b34");
    text(&mut out, left + 16.0, 18.0, "start", "legend", "Gevinster");
    rect(&mut out, left + 100.0, 8.0, 12.0, 12.0, "cost", "#b00020");
    text(
        &mut out,
        left + 116.0,
        18.0,
        "start",
        "legend",
        "Omkostninger",
    );
    line(
        &mut out,
        left + 230.0,
        14.0,
        left + 250.0,
        14.0,
        "cumulative",
    );
    text(
        &mut out,
        left + 256.0,
        18.0,
        "start",
        "legend",
        "Akkumuleret netto",
    );
    out.push_str("</svg>");
    out
}

fn span(years: &[CashYear]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a.year != b.year => format!("{}-{}", a.year, b.year),
        (Some(a), _) => a.year.to_string(),
        _ => String::new(),
    }
}

/// One bar of the tornado: the NPV with one input at its low and at its high.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoRow {
    /// The line's label or the risk's description.
    pub label: String,
    /// NPV with the input at its low, kr.
    pub low: f64,
    /// NPV with the input at its high, kr.
    pub high: f64,
}

/// Longest label drawn in the tornado (the table next to it has the full text).
pub(super) const TORNADO_LABEL_CHARS: usize = 28;

/// The tornado: one horizontal bar per input from the NPV at its low to the NPV at its
/// high, around a vertical line at the base NPV, largest swing at the top. At most `max`
/// bars are drawn.
pub fn tornado(id: &str, rows: &[TornadoRow], base: f64, max: usize) -> String {
    let mut sorted: Vec<&TornadoRow> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        let sa = (a.high - a.low).abs();
        let sb = (b.high - b.low).abs();
        sb.partial_cmp(&sa).unwrap_or(std::cmp::Ordering::Equal)
    });
    sorted.truncate(max);
    let row_h = 28.0;
    let (top, left, right) = (30.0, 210.0, WIDTH - 20.0);
    let height = top + row_h * sorted.len().max(1) as f64 + 46.0;
    let lo = sorted
        .iter()
        .map(|r| r.low.min(r.high))
        .fold(base, f64::min);
    let hi = sorted
        .iter()
        .map(|r| r.low.max(r.high))
        .fold(base, f64::max);
    let s = Scale::new(lo, hi, left, right);
    let desc = format!(
        "Nutidsværdien, når hver linje eller risiko sættes til sin lave og sin høje værdi, og alt andet er uændret. Grundværdien er {}. De {} input med størst udsving vises, størst øverst.",
        format_kr_f64(base),
        sorted.len()
    );
    let mut out = String::new();
    open(
        &mut out,
        id,
        height,
        "Følsomhed (tornado)",
        &desc,
        "tornado-chart",
    );
    let ticks = s.ticks();
    for (i, v) in ticks.iter().enumerate() {
        let x = s.at(*v);
        line(&mut out, x, top - 6.0, x, height - 44.0, "grid");
        // The outermost labels are aligned inwards so they are never cut at the edge.
        let anchor = if i + 1 == ticks.len() {
            "end"
        } else {
            "middle"
        };
        text(&mut out, x, height - 28.0, anchor, "axis", &compact(*v));
    }
    axis_titles(
        &mut out,
        "Nutidsværdi i kr.",
        None,
        (left, right, top, height - 44.0),
        height,
    );
    if sorted.is_empty() {
        text(
            &mut out,
            WIDTH / 2.0,
            top + 18.0,
            "middle",
            "axis",
            "Ingen input at vise",
        );
    }
    for (i, r) in sorted.iter().enumerate() {
        let y = top + row_h * i as f64;
        if r.label.chars().count() > TORNADO_LABEL_CHARS {
            // Abbreviated, with the full text as the label's tooltip and accessible name.
            let short: String = r.label.chars().take(TORNADO_LABEL_CHARS).collect();
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="axis" font-size="12"><title>{}</title>{}…</text>"#,
                left - 8.0,
                y + 18.0,
                escape(&r.label),
                escape(&short)
            );
        } else {
            text(&mut out, left - 8.0, y + 18.0, "end", "axis", &r.label);
        }
        let (a, b) = (s.at(r.low.min(r.high)), s.at(r.low.max(r.high)));
        let x_base = s.at(base);
        // The part below the base NPV and the part above it get their own colour.
        rect(
            &mut out,
            a,
            y + 5.0,
            x_base - a,
            row_h - 10.0,
            "down",
            "#b00020",
        );
        rect(
            &mut out,
            x_base,
            y + 5.0,
            b - x_base,
            row_h - 10.0,
            "up",
            "#1e6b34",
        );
    }
    let xb = s.at(base);
    line(&mut out, xb, top - 10.0, xb, height - 28.0, "base");
    text(&mut out, xb, top - 14.0, "middle", "legend", "Grundværdi");
    out.push_str("</svg>");
    out
}

/// One histogram bar: the number of outcomes in `[from, to)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    /// Lower edge, kr.
    pub from: f64,
    /// Upper edge, kr.
    pub to: f64,
    /// Number of outcomes.
    pub count: u32,
}

/// A vertical marker line in a histogram, e.g. P50.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Short label drawn at the top, e.g. `P10`.
    pub label: String,
    /// Position, kr.
    pub value: f64,
}

/// A histogram of simulated outcomes with marker lines (P10, P50, P90) and, when the range
/// includes it, a line at zero. Bars below zero get the class `negative`.
pub fn histogram(id: &str, title: &str, desc: &str, bins: &[Bin], markers: &[Marker]) -> String {
    let height = 296.0;
    let (left, right, top, bottom) = (70.0, WIDTH - 20.0, 34.0, height - 56.0);
    let lo = bins.first().map(|b| b.from).unwrap_or(0.0);
    let hi = bins.last().map(|b| b.to).unwrap_or(1.0);
    let lo = markers.iter().map(|m| m.value).fold(lo, f64::min);
    let hi = markers.iter().map(|m| m.value).fold(hi, f64::max);
    let sx = Scale::new(lo, hi, left, right);
    let max_count = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let sy = Scale::new(0.0, f64::from(max_count), bottom, top);
    let mut out = String::new();
    open(&mut out, id, height, title, desc, "histogram-chart");
    let ticks = sx.ticks();
    for (i, v) in ticks.iter().enumerate() {
        let x = sx.at(*v);
        // The outermost labels are aligned inwards so they are never cut at the edge.
        let anchor = if i + 1 == ticks.len() && ticks.len() > 1 {
            "end"
        } else if i == 0 && ticks.len() > 1 {
            "start"
        } else {
            "middle"
        };
        text(&mut out, x, bottom + 18.0, anchor, "axis", &compact(*v));
    }
    axis_titles(
        &mut out,
        "Udfald i kr.",
        Some("Antal udfald"),
        (left, right, top, bottom),
        height,
    );
    for v in [0.0, f64::from(max_count)] {
        let y = sy.at(v);
        line(&mut out, left, y, right, y, "grid");
        text(
            &mut out,
            left - 6.0,
            y + 4.0,
            "end",
            "axis",
            &format_f64(v, 0),
        );
    }
    for b in bins {
        let (x0, x1) = (sx.at(b.from), sx.at(b.to));
        let y = sy.at(f64::from(b.count));
        let negative = b.to <= 0.0;
        let (class, fill) = if negative {
            ("bin negative", "#b00020")
        } else {
            ("bin", "#0b5394")
        };
        rect(
            &mut out,
            x0 + 0.5,
            y,
            x1 - x0 - 1.0,
            bottom - y,
            class,
            fill,
        );
    }
    if lo < 0.0 && hi > 0.0 {
        let x = sx.at(0.0);
        line(&mut out, x, top, x, bottom, "zero");
    }
    for (i, m) in markers.iter().enumerate() {
        let x = sx.at(m.value);
        line(&mut out, x, top - 4.0, x, bottom, "marker");
        // Stagger labels so neighbouring markers do not overlap.
        let y = 14.0 + 12.0 * (i % 2) as f64;
        // Kept clear of the edges so no label is cut.
        let lx = x.clamp(left + 20.0, right - 20.0);
        text(&mut out, lx, y, "middle", "marker-label", &m.label);
    }
    out.push_str("</svg>");
    out
}
