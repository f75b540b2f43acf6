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

use gevinst_domain::danish::format_f64;
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

/// Axis titles: `x_title` centred under the plot, `y_title` (if any) turned on the left
/// edge, so every axis says what it measures.
fn axis_titles(
    out: &mut String,
    x_title: &str,
    y_title: Option<&str>,
    plot: (f64, f64, f64, f64),
    height: f64,
) {
    let (left, right, top, bottom) = plot;
    text(
        out,
        (left + right) / 2.0,
        height - 6.0,
        "middle",
        "axis-title",
        x_title,
    );
    if let Some(y_title) = y_title {
        let mid = (top + bottom) / 2.0;
        let _ = write!(
            out,
            r#"<text x="14" y="{mid:.1}" text-anchor="middle" class="axis-title" font-size="12" transform="rotate(-90 14 {mid:.1})">{}</text>"#,
            escape(y_title)
        );
    }
}

/// Horizontal grid lines with labels on the left, for a vertical value scale.
fn y_axis(out: &mut String, s: &Scale, left: f64, right: f64) {
    for v in s.ticks() {
        let y = s.at(v);
        line(out, left, y, right, y, "grid");
        text(out, left - 6.0, y + 4.0, "end", "axis", &compact(v));
    }
}

mod business_case;
mod forecast;
mod programme;

pub use business_case::{cash_flow, histogram, tornado, Bin, CashYear, Marker, TornadoRow};
pub use forecast::{fan_chart, fan_table, FanYear, TargetLine};
pub use programme::{target_chart, TargetYear};

#[cfg(test)]
mod tests {
    use super::business_case::TORNADO_LABEL_CHARS;
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
                actual: Some(10_000.0),
            },
            FanYear {
                year: 2026,
                p10: 50_000.0,
                p50: 80_000.0,
                p90: 120_000.0,
                actual: None,
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
            "<th scope=\"row\">2026</th><td class=\"num\">50.000 kr.</td><td class=\"num\">80.000 kr.</td><td class=\"num\">120.000 kr.</td><td class=\"num\">–</td>"
        ));
        // The actuals are their own series: one point (2025) plus the legend's.
        assert_eq!(svg.matches("class=\"fan-actual-point\"").count(), 2);
        assert!(svg.contains("<title>Realiseret 2025: 10.000 kr.</title>"));
        assert!(table.contains("<td class=\"num\">10.000 kr.</td></tr>"));
        let fte = fan_table("F", "årsværk", &years[..1], &[]);
        assert!(fte.contains("10.000,00 årsværk"));
        let empty = fan_chart("e", "t", "kr.", &[], &[]);
        assert!(empty.ends_with("</svg>") && !empty.contains("NaN"));
    }
}
