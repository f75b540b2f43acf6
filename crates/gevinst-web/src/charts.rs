//! Server-rendered SVG charts for the business-case pages.
//!
//! Every function is pure: it takes plain numbers and texts and returns one `<svg>` element
//! as a string, ready to be inserted into a page unescaped. That is only safe because every
//! text that goes into the SVG (labels, titles, descriptions, ids) passes through
//! [`escape`] here; callers must never build SVG themselves.
//!
//! Accessibility: each chart has `role="img"`, a `<title>` and a `<desc>` referenced by
//! `aria-labelledby`; the page puts a data table next to it. Colours come from classes
//! styled in `app.css` (no inline `style`, which the Content-Security-Policy forbids), with
//! presentation attributes as a fallback.

use gevinst_domain::danish::{format_f64, format_kr_f64};
use std::fmt::Write;

const WIDTH: f64 = 640.0;

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// An amount in kr. as a short axis label: `"1,2 mio."`, `"350.000"`, `"-5.000"`.
pub fn compact(x: f64) -> String {
    if x.abs() >= 1e6 {
        format!("{} mio.", format_f64(x / 1e6, 1))
    } else {
        format_f64(x, 0)
    }
}

/// A linear scale from data values to pixels, over a domain widened to whole multiples of
/// a round step (1, 2, 2.5 or 5 × 10ⁿ), so the axis is labelled with round values.
#[derive(Debug, Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    step: f64,
    p0: f64,
    p1: f64,
}

/// A round step that splits `span` into about `parts` parts.
fn round_step(span: f64, parts: f64) -> f64 {
    let raw = span / parts;
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

impl Scale {
    /// A scale over `[lo, hi]` (widened when empty or degenerate, then to round ticks).
    fn new(lo: f64, hi: f64, p0: f64, p1: f64) -> Self {
        let (mut lo, mut hi) = (lo.min(hi), lo.max(hi));
        if !lo.is_finite() || !hi.is_finite() {
            lo = 0.0;
            hi = 1.0;
        }
        if hi - lo < 1e-9 {
            lo -= 1.0;
            hi += 1.0;
        }
        let step = round_step(hi - lo, 4.0);
        Scale {
            d0: (lo / step).floor() * step,
            d1: (hi / step).ceil() * step,
            step,
            p0,
            p1,
        }
    }

    fn at(&self, v: f64) -> f64 {
        let v = if v.is_finite() { v } else { 0.0 };
        self.p0 + (v - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0)
    }

    /// The round tick values from one end of the domain to the other (at most 7).
    fn ticks(&self) -> Vec<f64> {
        let n = ((self.d1 - self.d0) / self.step).round().clamp(1.0, 6.0) as u32;
        (0..=n)
            .map(|i| {
                let v = self.d0 + self.step * f64::from(i);
                // No "-0" labels from rounding.
                if v.abs() < self.step * 1e-9 {
                    0.0
                } else {
                    v
                }
            })
            .collect()
    }
}

fn open(out: &mut String, id: &str, height: f64, title: &str, desc: &str, class: &str) {
    let id = escape(id);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart {class}" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-titel {id}-beskrivelse" focusable="false"><title id="{id}-titel">{}</title><desc id="{id}-beskrivelse">{}</desc>"#,
        escape(title),
        escape(desc)
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, class: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" class="{class}" font-size="12">{}</text>"#,
        escape(content)
    );
}

fn rect(out: &mut String, x: f64, y: f64, w: f64, h: f64, class: &str, fill: &str) {
    let _ = write!(
        out,
        r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" class="{class}" fill="{fill}"/>"#,
        w.max(0.0),
        h.max(0.0)
    );
}

fn line(out: &mut String, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
    let _ = write!(
        out,
        r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" class="{class}" stroke="currentColor"/>"#
    );
}

/// Horizontal grid lines with labels on the left, for a vertical value scale.
fn y_axis(out: &mut String, s: &Scale, left: f64, right: f64) {
    for v in s.ticks() {
        let y = s.at(v);
        line(out, left, y, right, y, "grid");
        text(out, left - 6.0, y + 4.0, "end", "axis", &compact(v));
    }
}

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
    let height = 320.0;
    let (left, right, top, bottom) = (90.0, WIDTH - 20.0, 30.0, height - 40.0);
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
            height - 18.0,
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
const TORNADO_LABEL_CHARS: usize = 28;

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
    let height = top + row_h * sorted.len().max(1) as f64 + 30.0;
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
        line(&mut out, x, top - 6.0, x, height - 28.0, "grid");
        // The outermost labels are aligned inwards so they are never cut at the edge.
        let anchor = if i + 1 == ticks.len() {
            "end"
        } else {
            "middle"
        };
        text(&mut out, x, height - 12.0, anchor, "axis", &compact(*v));
    }
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
        let label: String = r.label.chars().take(TORNADO_LABEL_CHARS).collect();
        let label = if r.label.chars().count() > TORNADO_LABEL_CHARS {
            format!("{label}…")
        } else {
            label
        };
        text(&mut out, left - 8.0, y + 18.0, "end", "axis", &label);
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
    let height = 280.0;
    let (left, right, top, bottom) = (60.0, WIDTH - 20.0, 34.0, height - 40.0);
    let lo = bins.first().map(|b| b.from).unwrap_or(0.0);
    let hi = bins.last().map(|b| b.to).unwrap_or(1.0);
    let lo = markers.iter().map(|m| m.value).fold(lo, f64::min);
    let hi = markers.iter().map(|m| m.value).fold(hi, f64::max);
    let sx = Scale::new(lo, hi, left, right);
    let max_count = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let sy = Scale::new(0.0, f64::from(max_count), bottom, top);
    let mut out = String::new();
    open(&mut out, id, height, title, desc, "histogram-chart");
    for v in sx.ticks() {
        let x = sx.at(v);
        text(&mut out, x, height - 18.0, "middle", "axis", &compact(v));
    }
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
        text(&mut out, x, y, "middle", "marker-label", &m.label);
    }
    out.push_str("</svg>");
    out
}

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
    let height = 300.0;
    let (left, right, top, bottom) = (90.0, WIDTH - 20.0, 30.0, height - 40.0);
    let lo = years
        .iter()
        .map(|y| y.p10.min(y.p50).min(y.p90))
        .chain(targets.iter().map(|t| t.value))
        .chain(
            targets
                .iter()
                .flat_map(|t| t.milestones.iter().map(|m| m.1)),
        )
        .fold(0.0_f64, f64::min);
    let hi = years
        .iter()
        .map(|y| y.p10.max(y.p50).max(y.p90))
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
    let n = years.len().max(1) as f64;
    let slot = (right - left) / n;
    let x_of = |i: usize| left + slot * (i as f64 + 0.5);
    for (i, y) in years.iter().enumerate() {
        text(
            &mut out,
            x_of(i),
            height - 18.0,
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
    out.push_str("</svg>");
    out
}

/// The data behind [`fan_chart`] as a `<details>` table (year, P10, P50, P90, and the
/// targets below), for screen readers and for reading exact values.
pub fn fan_table(caption: &str, unit: &str, years: &[FanYear], targets: &[TargetLine]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<details class="chart-data"><summary>Vis tallene bag figuren</summary><table class="data"><caption>{}</caption><thead><tr><th scope="col">År</th><th scope="col" class="num">P10</th><th scope="col" class="num">P50</th><th scope="col" class="num">P90</th></tr></thead><tbody>"#,
        escape(caption)
    );
    for y in years {
        let _ = write!(
            out,
            r#"<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            y.year,
            escape(&fan_value(unit, y.p10)),
            escape(&fan_value(unit, y.p50)),
            escape(&fan_value(unit, y.p90))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn years() -> Vec<CashYear> {
        vec![
            CashYear {
                year: 2025,
                benefits: 0.0,
                costs: 100_000.0,
                cumulative: -100_000.0,
            },
            CashYear {
                year: 2026,
                benefits: 60_000.0,
                costs: 0.0,
                cumulative: -40_000.0,
            },
            CashYear {
                year: 2027,
                benefits: 60_000.0,
                costs: 0.0,
                cumulative: 20_000.0,
            },
        ]
    }

    #[test]
    fn axes_are_labelled_with_round_values() {
        let s = Scale::new(0.0, 878_293.0, 0.0, 100.0);
        assert_eq!(
            s.ticks(),
            vec![0.0, 250_000.0, 500_000.0, 750_000.0, 1_000_000.0]
        );
        let s = Scale::new(-120_000.0, 2_900_000.0, 0.0, 100.0);
        assert_eq!(s.step, 1_000_000.0);
        assert_eq!(s.ticks(), vec![-1e6, 0.0, 1e6, 2e6, 3e6]);
        // 0.45 / 4 ≈ 0.11, rounded up to a step of 0.2.
        let t = Scale::new(0.0, 0.45, 0.0, 100.0).ticks();
        assert_eq!(t.len(), 4);
        for (got, want) in t.iter().zip([0.0, 0.2, 0.4, 0.6]) {
            assert!((got - want).abs() < 1e-12, "{t:?}");
        }
        // Degenerate and non-finite domains still give a usable scale.
        assert_eq!(
            Scale::new(5.0, 5.0, 0.0, 1.0).ticks(),
            vec![4.0, 4.5, 5.0, 5.5, 6.0]
        );
        assert_eq!(
            Scale::new(f64::NAN, 1.0, 0.0, 1.0).ticks().first(),
            Some(&0.0)
        );
    }

    #[test]
    fn escape_covers_markup() {
        assert_eq!(
            escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn compact_labels_are_danish() {
        assert_eq!(compact(1_250_000.0), "1,3 mio.");
        assert_eq!(compact(-350_000.0), "-350.000");
        assert_eq!(compact(0.0), "0");
    }

    #[test]
    fn cash_flow_has_accessible_name_bars_line_and_payback() {
        let svg = cash_flow("pengestroem", &years(), Some(2027));
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="pengestroem-titel pengestroem-beskrivelse""#));
        assert!(svg.contains("<title id=\"pengestroem-titel\">Pengestrøm pr. år</title>"));
        assert!(svg.contains("tjent hjem i 2027"));
        assert_eq!(svg.matches("class=\"benefit\"").count(), 4); // 3 bars + legend
        assert_eq!(svg.matches("class=\"cost\"").count(), 4);
        assert!(svg.contains("<polyline"));
        assert!(svg.contains("class=\"payback\""));
        assert!(svg.contains("Tilbagebetalt 2027"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn cash_flow_without_payback_or_data_is_still_valid() {
        let svg = cash_flow("a", &years(), None);
        assert!(!svg.contains("class=\"payback\""));
        assert!(svg.contains("tjenes ikke hjem"));
        let empty = cash_flow("b", &[], None);
        assert!(empty.ends_with("</svg>"));
        assert!(!empty.contains("NaN"));
    }

    #[test]
    fn tornado_sorts_by_swing_and_escapes_labels() {
        let rows = vec![
            TornadoRow {
                label: "Lille".into(),
                low: 90.0,
                high: 110.0,
            },
            TornadoRow {
                label: "<script>alert(1)</script>".into(),
                low: 0.0,
                high: 300.0,
            },
        ];
        let svg = tornado("t", &rows, 100.0, 10);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        let big = svg.find("&lt;script").expect("big label");
        let small = svg.find("Lille").expect("small label");
        assert!(big < small, "largest swing first");
        assert_eq!(svg.matches("class=\"up\"").count(), 2);
        assert!(svg.contains("Grundværdien er 100 kr."));
        let one = tornado("t", &rows, 100.0, 1);
        assert!(!one.contains("Lille"));
        let long = tornado(
            "t",
            &[TornadoRow {
                label: "x".repeat(50),
                low: 0.0,
                high: 1.0,
            }],
            0.5,
            10,
        );
        assert!(long.contains(&format!("{}…", "x".repeat(TORNADO_LABEL_CHARS))));
    }

    #[test]
    fn histogram_marks_percentiles_and_negative_bins() {
        let bins = vec![
            Bin {
                from: -100.0,
                to: 0.0,
                count: 3,
            },
            Bin {
                from: 0.0,
                to: 100.0,
                count: 7,
            },
        ];
        let markers = vec![
            Marker {
                label: "P10".into(),
                value: -20.0,
            },
            Marker {
                label: "P50".into(),
                value: 30.0,
            },
            Marker {
                label: "P90".into(),
                value: 80.0,
            },
        ];
        let svg = histogram(
            "h",
            "Fordeling <af> NPV",
            "Beskrivelse & mere",
            &bins,
            &markers,
        );
        assert!(svg.contains("<title id=\"h-titel\">Fordeling &lt;af&gt; NPV</title>"));
        assert!(svg.contains("Beskrivelse &amp; mere"));
        assert_eq!(svg.matches("class=\"bin negative\"").count(), 1);
        assert_eq!(svg.matches("class=\"bin\"").count(), 1);
        for p in ["P10", "P50", "P90"] {
            assert!(svg.contains(&format!(">{p}</text>")));
        }
        assert!(svg.contains("class=\"zero\""));
        let empty = histogram("e", "t", "d", &[], &[]);
        assert!(empty.ends_with("</svg>") && !empty.contains("NaN"));
    }

    #[test]
    fn fan_chart_draws_band_median_and_targets() {
        let years = vec![
            FanYear {
                year: 2025,
                p10: 0.0,
                p50: 10_000.0,
                p90: 20_000.0,
            },
            FanYear {
                year: 2026,
                p10: 50_000.0,
                p50: 80_000.0,
                p90: 120_000.0,
            },
        ];
        let targets = vec![TargetLine {
            label: "Mål 2026: 100.000 kr. <x>".into(),
            year: 2026,
            value: 100_000.0,
            milestones: vec![(2025, 30_000.0, "Delmål 2025: 30.000 kr.".into())],
        }];
        let svg = fan_chart("prognose", "Prognose", "kr.", &years, &targets);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("class=\"fan-band\"").count(), 2); // band + legend
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("class=\"fan-point\"").count(), 2);
        assert_eq!(svg.matches("class=\"target\"").count(), 2); // line + legend
        assert!(svg.contains("Mål 2026: 100.000 kr. &lt;x&gt;"));
        // One milestone marker with its label, plus the legend's.
        assert_eq!(svg.matches("class=\"milestone\"").count(), 2);
        assert!(svg.contains("<title>Delmål 2025: 30.000 kr.</title>"));
        assert!(!svg.contains("NaN"));
        let table = fan_table("Prognose", "kr.", &years, &targets);
        assert!(table.starts_with("<details"));
        assert!(table.contains(
            "<th scope=\"row\">2026</th><td class=\"num\">50.000 kr.</td><td class=\"num\">80.000 kr.</td><td class=\"num\">120.000 kr.</td>"
        ));
        let fte = fan_table("F", "årsværk", &years[..1], &[]);
        assert!(fte.contains("10.000,00 årsværk"));
        let empty = fan_chart("e", "t", "kr.", &[], &[]);
        assert!(empty.ends_with("</svg>") && !empty.contains("NaN"));
    }
}
