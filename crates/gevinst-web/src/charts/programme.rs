//! The programme page's opening chart: the target against what is decided and realised,
//! per year.

use super::{axis_titles, compact, escape, line, open, rect, text, y_axis, Scale, WIDTH};
use std::fmt::Write;

/// One programme year of the target-vs-actual chart, kr.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetYear {
    /// Calendar year.
    pub year: i32,
    /// The target (milestone, or the target from its deadline on), if the year has one.
    pub target: Option<f64>,
    /// Decided annual gain.
    pub decided: f64,
    /// Realised annual gain (the recorded actuals).
    pub realised: f64,
}

/// Bars for decided (light) and realised (dark) per year, the target as a dashed mark
/// across the year, and titles on both axes. Pair it with a data table on the page.
pub fn target_chart(id: &str, title: &str, years: &[TargetYear]) -> String {
    let height = 320.0;
    let (left, right, top, bottom) = (96.0, WIDTH - 16.0, 44.0, height - 56.0);
    let values = years
        .iter()
        .flat_map(|y| [y.decided, y.realised, y.target.unwrap_or(0.0)]);
    let lo = values.clone().fold(0.0_f64, f64::min);
    let hi = values.fold(0.0_f64, f64::max);
    let s = Scale::new(lo, hi * 1.05, bottom, top);
    let mut desc = String::from(
        "Mål, besluttet og realiseret pr. år i kr. Lyse søjler er besluttet, mørke søjler er realiseret, den stiplede streg er målet.",
    );
    for y in years {
        let _ = write!(
            desc,
            " {}: mål {}, besluttet {} kr., realiseret {} kr.",
            y.year,
            y.target
                .map_or_else(|| "intet".to_owned(), |t| format!("{} kr.", compact(t))),
            compact(y.decided),
            compact(y.realised),
        );
    }
    let mut out = String::new();
    open(&mut out, id, height, title, &desc, "target-chart");
    y_axis(&mut out, &s, left, right);
    axis_titles(
        &mut out,
        "År",
        Some("kr. pr. år"),
        (left, right, top, bottom),
        height,
    );
    let n = years.len().max(1) as f64;
    let slot = (right - left) / n;
    let bar = (slot * 0.3).min(44.0);
    let zero = s.at(0.0);
    for (i, y) in years.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        for (x, v, class, fill, what) in [
            (cx - bar, y.decided, "decided", "#9fc5e8", "Besluttet"),
            (cx, y.realised, "realised", "#0b5394", "Realiseret"),
        ] {
            let (y0, y1) = (s.at(v).min(zero), s.at(v).max(zero));
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y0:.1}" width="{bar:.1}" height="{:.1}" class="{class}" fill="{fill}"><title>{what} {}: {} kr.</title></rect>"#,
                (y1 - y0).max(0.0),
                y.year,
                escape(&compact(v))
            );
        }
        if let Some(t) = y.target {
            let ty = s.at(t);
            line(&mut out, cx - bar - 8.0, ty, cx + bar + 8.0, ty, "target");
        }
        text(
            &mut out,
            cx,
            bottom + 18.0,
            "middle",
            "axis",
            &y.year.to_string(),
        );
    }
    line(&mut out, left, zero, right, zero, "base");
    // Legend.
    rect(&mut out, left, 12.0, 12.0, 12.0, "decided", "#9fc5e8");
    text(&mut out, left + 16.0, 22.0, "start", "legend", "Besluttet");
    rect(
        &mut out,
        left + 110.0,
        12.0,
        12.0,
        12.0,
        "realised",
        "#0b5394",
    );
    text(
        &mut out,
        left + 126.0,
        22.0,
        "start",
        "legend",
        "Realiseret",
    );
    line(&mut out, left + 230.0, 18.0, left + 254.0, 18.0, "target");
    text(&mut out, left + 260.0, 22.0, "start", "legend", "Mål");
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_targets_and_axis_titles() {
        let years = vec![
            TargetYear {
                year: 2024,
                target: None,
                decided: 1_000_000.0,
                realised: -49_313.0,
            },
            TargetYear {
                year: 2025,
                target: Some(8_000_000.0),
                decided: 9_000_000.0,
                realised: 6_000_000.0,
            },
        ];
        let svg = target_chart("maal", "Mål og realiseret <x>", &years);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Mål og realiseret &lt;x&gt;"));
        assert_eq!(svg.matches("class=\"decided\"").count(), 3); // 2 bars + legend
        assert_eq!(svg.matches("class=\"realised\"").count(), 3);
        assert_eq!(svg.matches("class=\"target\"").count(), 2); // 1 year + legend
        assert!(svg.contains(">kr. pr. år</text>") && svg.contains(">År</text>"));
        assert!(svg.contains("<title>Realiseret 2025: 6,0 mio. kr.</title>"));
        assert!(!svg.contains("NaN"));
        let empty = target_chart("e", "t", &[]);
        assert!(empty.ends_with("</svg>") && !empty.contains("NaN"));
    }
}
