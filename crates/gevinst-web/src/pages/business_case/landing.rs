//! Where the editor page lands after a button: the line or risk just touched, or the
//! error summary, never the top of the page.
//!
//! Without JavaScript, each button carries its landing place as the fragment of its
//! `formaction` (`…/business-case#linje-3`): the browser keeps that fragment for the page
//! the POST returns, and a redirect without a fragment inherits it. "Gem" aims at the error
//! summary (`#bc-fejl`), which is only there when the save failed; a successful save
//! redirects to the first line (or risk) that changed, with its own fragment.

use gevinst_domain::business_case::BusinessCase;

/// The id of the error summary.
pub(crate) const ERRORS: &str = "bc-fejl";
/// The id of the settings fieldset (start year, horizon, discount rate).
pub(crate) const SETTINGS: &str = "bc-forudsaetninger";
/// The id of the "saved" message, where a save that changed no line or risk lands.
pub(crate) const SAVED: &str = "bc-gemt";
/// The heading of the lines, where removing the only line lands.
const LINES: &str = "linjer";
/// The heading of the risks, where removing the only risk lands.
const RISKS: &str = "risici";

/// The id of line `n` (1-based).
pub(crate) fn line(n: usize) -> String {
    format!("linje-{n}")
}

/// The id of risk `n` (1-based).
pub(crate) fn risk(n: usize) -> String {
    format!("risiko-{n}")
}

/// Where removing item `n` (1-based) of `len` lands: the item that slides into its place,
/// else the one before, else the section's heading.
fn after_remove(n: usize, len: usize, id: fn(usize) -> String, heading: &str) -> String {
    if n < len {
        id(n)
    } else if n > 1 {
        id(n - 1)
    } else {
        heading.to_owned()
    }
}

/// Where removing line `n` of `len` lands.
pub(crate) fn after_line_removed(n: usize, len: usize) -> String {
    after_remove(n, len, line, LINES)
}

/// Where removing risk `n` of `len` lands.
pub(crate) fn after_risk_removed(n: usize, len: usize) -> String {
    after_remove(n, len, risk, RISKS)
}

/// Where a successful save lands: the first line that differs from the stored case (a new
/// line counts), else the first such risk, else the "saved" message.
pub(crate) fn after_save(before: Option<&BusinessCase>, after: &BusinessCase) -> String {
    fn first_change<T: PartialEq>(old: &[T], new: &[T]) -> Option<usize> {
        (0..new.len()).find(|i| old.get(*i) != new.get(*i))
    }
    let (old_lines, old_risks) = before
        .map(|c| (c.lines.as_slice(), c.risks.as_slice()))
        .unwrap_or((&[], &[]));
    if let Some(i) = first_change(old_lines, &after.lines) {
        return line(i + 1);
    }
    if let Some(j) = first_change(old_risks, &after.risks) {
        return risk(j + 1);
    }
    SAVED.to_owned()
}

/// The landing place named in the query of the page a save redirects to
/// (`besked=gemt&linje=3`), as an id: only ids of this module are accepted.
pub(crate) fn from_query(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let n = v.parse::<usize>().ok().filter(|n| *n >= 1)?;
        match k {
            "linje" => Some(line(n)),
            "risiko" => Some(risk(n)),
            _ => None,
        }
    })
}

/// The query part naming a landing place from [`after_save`] (`&linje=3`), empty for the
/// "saved" message.
pub(crate) fn to_query(target: &str) -> String {
    if let Some(n) = target.strip_prefix("linje-") {
        format!("&linje={n}")
    } else if let Some(n) = target.strip_prefix("risiko-") {
        format!("&risiko={n}")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_domain::business_case::{Decimal, Line, LineKind};

    #[test]
    fn removing_lands_on_the_neighbour() {
        assert_eq!(after_line_removed(2, 3), "linje-2");
        assert_eq!(after_line_removed(3, 3), "linje-2");
        assert_eq!(after_line_removed(1, 1), "linjer");
        assert_eq!(after_risk_removed(1, 1), "risici");
    }

    #[test]
    fn a_save_lands_on_the_first_changed_line() {
        let l = |label: &str| Line::certain(LineKind::Drift, label, vec![Decimal::ONE]);
        let case = |lines: Vec<Line>| BusinessCase {
            start_year: 2025,
            horizon: 1,
            discount_rate: None,
            lines,
            risks: vec![],
        };
        let old = case(vec![l("a"), l("b")]);
        assert_eq!(
            after_save(Some(&old), &case(vec![l("a"), l("c")])),
            "linje-2"
        );
        assert_eq!(
            after_save(Some(&old), &case(vec![l("a"), l("b"), l("d")])),
            "linje-3"
        );
        assert_eq!(after_save(None, &old), "linje-1");
        assert_eq!(after_save(Some(&old), &old), "bc-gemt");
        assert_eq!(to_query("linje-2"), "&linje=2");
        assert_eq!(from_query("besked=gemt&linje=2"), Some("linje-2".into()));
        assert_eq!(from_query("besked=gemt&linje=x"), None);
        assert_eq!(to_query("bc-gemt"), "");
    }
}
