//! The business-case form as text: reading it from the posted fields, the no-JavaScript
//! actions (add/remove a line or risk, fill a line from a phase-in), and turning it into a
//! [`BusinessCaseDraft`] with Danish numbers.
//!
//! Field names are indexed: `start_year`, `horizon`, `discount_rate` (in %), and per line
//! `line_kind_I`, `line_label_I`, `line_amount_I_T`, `line_low_I`, `line_high_I`,
//! `line_hjemtagbar_I`, `line_from_I`, `line_to_I`, `line_category_I`, `line_full_I`,
//! `line_phase_I`; per risk `risk_description_J`, `risk_probability_J` (in %), `risk_min_J`,
//! `risk_likely_J`, `risk_max_J`, `risk_year_J` (year index). The names are also the ids
//! of the inputs, so error links can point at them.

use gevinst_domain::business_case::{
    BusinessCase, BusinessCaseDraft, Channel, Decimal, InvisibleCategory, LineDraft, LineKind,
    RiskDraft, MAX_HORIZON,
};
use gevinst_domain::danish::{format_amount_input, format_input, parse_kr, parse_number, to_f64};
use gevinst_domain::FieldErrors;
use std::collections::HashMap;

/// Most lines the form accepts (as the domain).
pub(crate) const MAX_LINES: usize = 100;
/// Most risks the form accepts (as the domain).
pub(crate) const MAX_RISKS: usize = 50;
/// Columns shown when the horizon cannot be read.
const DEFAULT_HORIZON: usize = 5;

/// One line as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LineForm {
    pub kind: String,
    pub label: String,
    pub amounts: Vec<String>,
    pub low: String,
    pub high: String,
    pub hjemtagbar: bool,
    pub from: String,
    pub to: String,
    pub category: String,
    /// Phase-in helper: the full yearly value.
    pub full: String,
    /// Phase-in helper: percentages per year, e.g. `25, 75, 100`.
    pub phase: String,
}

/// One risk as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RiskForm {
    pub description: String,
    /// In %.
    pub probability: String,
    pub min: String,
    pub likely: String,
    pub max: String,
    /// Year index as text.
    pub year: String,
}

/// The whole form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CaseForm {
    pub start_year: String,
    pub horizon: String,
    /// Override in %, empty for the tenant's rate.
    pub discount_rate: String,
    pub lines: Vec<LineForm>,
    pub risks: Vec<RiskForm>,
}

/// What the user asked for with the button they pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Validate and save.
    Save,
    /// Show the form again (e.g. after changing the horizon).
    Refresh,
    AddLine,
    RemoveLine(usize),
    AddRisk,
    RemoveRisk(usize),
    /// Fill line N's years from its full value and phase-in.
    Fill(usize),
}

impl Action {
    /// Reads the `action` field; anything unknown only re-renders, never saves.
    pub fn parse(s: &str) -> Action {
        let index = |rest: &str| rest.trim().parse::<usize>().ok();
        match s.trim() {
            "save" => Action::Save,
            "add_line" => Action::AddLine,
            "add_risk" => Action::AddRisk,
            other => {
                if let Some(i) = other.strip_prefix("remove_line:").and_then(index) {
                    Action::RemoveLine(i)
                } else if let Some(i) = other.strip_prefix("remove_risk:").and_then(index) {
                    Action::RemoveRisk(i)
                } else if let Some(i) = other.strip_prefix("fill:").and_then(index) {
                    Action::Fill(i)
                } else {
                    Action::Refresh
                }
            }
        }
    }
}

/// The form key of a line kind.
pub(crate) fn kind_key(k: LineKind) -> &'static str {
    match k {
        LineKind::Investering => "investering",
        LineKind::Drift => "drift",
        LineKind::FrigjorteTimer => "frigjorte_timer",
        LineKind::FrigjorteAarsvaerk => "frigjorte_aarsvaerk",
        LineKind::DirekteBesparelse => "direkte_besparelse",
        LineKind::Kanalomlaegning => "kanalomlaegning",
        LineKind::UsynligtArbejde => "usynligt_arbejde",
    }
}

/// The form key of a channel.
pub(crate) fn channel_key(c: Channel) -> &'static str {
    match c {
        Channel::Digital => "digital",
        Channel::Telephone => "telephone",
        Channel::InPerson => "in_person",
        Channel::Written => "written",
    }
}

/// The form key of an invisible-work category.
pub(crate) fn category_key(c: InvisibleCategory) -> &'static str {
    match c {
        InvisibleCategory::Oprydning => "oprydning",
        InvisibleCategory::Kompensation => "kompensation",
        InvisibleCategory::Forbindelse => "forbindelse",
    }
}

/// All invisible-work categories.
pub(crate) const CATEGORIES: [InvisibleCategory; 3] = [
    InvisibleCategory::Oprydning,
    InvisibleCategory::Kompensation,
    InvisibleCategory::Forbindelse,
];

/// The line kind a form value names.
pub(crate) fn parse_kind(s: &str) -> Option<LineKind> {
    LineKind::ALL.into_iter().find(|k| kind_key(*k) == s.trim())
}

fn parse_channel(s: &str) -> Option<Channel> {
    Channel::ALL
        .into_iter()
        .find(|c| channel_key(*c) == s.trim())
}

fn parse_category(s: &str) -> Option<InvisibleCategory> {
    CATEGORIES
        .into_iter()
        .find(|c| category_key(*c) == s.trim())
}

/// `"3,5"` for a factor or a percentage, as typed back into an input.
fn input(d: Decimal) -> String {
    format_input(d)
}

/// `"1.234.567,50"` for an amount, as typed back into an input (øre stay two digits).
fn amount_input(d: Decimal) -> String {
    format_amount_input(d)
}

impl LineForm {
    /// A new, empty line with `columns` years.
    pub fn blank(columns: usize) -> Self {
        LineForm {
            kind: kind_key(LineKind::Investering).to_owned(),
            amounts: vec![String::new(); columns],
            low: "1".to_owned(),
            high: "1".to_owned(),
            ..LineForm::default()
        }
    }
}

impl RiskForm {
    fn blank() -> Self {
        RiskForm {
            year: "0".to_owned(),
            ..RiskForm::default()
        }
    }
}

impl CaseForm {
    /// An empty form starting in `start_year`, with one line.
    pub fn blank(start_year: i32) -> Self {
        CaseForm {
            start_year: start_year.to_string(),
            horizon: DEFAULT_HORIZON.to_string(),
            discount_rate: String::new(),
            lines: vec![LineForm::blank(DEFAULT_HORIZON)],
            risks: Vec::new(),
        }
    }

    /// The form showing a stored case.
    pub fn from_case(case: &BusinessCase) -> Self {
        CaseForm {
            start_year: case.start_year.to_string(),
            horizon: case.horizon.to_string(),
            discount_rate: case
                .discount_rate
                .map(|r| input(r * Decimal::ONE_HUNDRED))
                .unwrap_or_default(),
            lines: case
                .lines
                .iter()
                .map(|l| LineForm {
                    kind: kind_key(l.kind).to_owned(),
                    label: l.label.clone(),
                    amounts: l.amounts.iter().map(|a| amount_input(*a)).collect(),
                    low: input(l.low),
                    high: input(l.high),
                    hjemtagbar: l.hjemtagbar,
                    from: l
                        .from_channel
                        .map(channel_key)
                        .unwrap_or_default()
                        .to_owned(),
                    to: l.to_channel.map(channel_key).unwrap_or_default().to_owned(),
                    category: l.category.map(category_key).unwrap_or_default().to_owned(),
                    full: String::new(),
                    phase: String::new(),
                })
                .collect(),
            risks: case
                .risks
                .iter()
                .map(|r| RiskForm {
                    description: r.description.clone(),
                    probability: input(r.probability * Decimal::ONE_HUNDRED),
                    min: amount_input(r.min),
                    likely: amount_input(r.likely),
                    max: amount_input(r.max),
                    year: r.year.to_string(),
                })
                .collect(),
        }
    }

    /// Reads the posted fields (the last value of a repeated name wins). The number of
    /// year columns follows the horizon field when it is a number in 1–20.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut map: HashMap<&str, &str> = HashMap::new();
        let (mut n_lines, mut n_risks, mut present_cols) = (0usize, 0usize, 0usize);
        for (k, v) in pairs {
            map.insert(k.as_str(), v.as_str());
            let parts: Vec<&str> = k.split('_').collect();
            let idx = |p: Option<&&str>| p.and_then(|s| s.parse::<usize>().ok());
            match parts.first() {
                Some(&"line") => {
                    if let Some(i) = idx(parts.get(2)).filter(|i| *i < MAX_LINES) {
                        n_lines = n_lines.max(i + 1);
                    }
                    if parts.get(1) == Some(&"amount") {
                        if let Some(t) = idx(parts.get(3)).filter(|t| *t < MAX_HORIZON as usize) {
                            present_cols = present_cols.max(t + 1);
                        }
                    }
                }
                Some(&"risk") => {
                    if let Some(j) = idx(parts.get(2)).filter(|j| *j < MAX_RISKS) {
                        n_risks = n_risks.max(j + 1);
                    }
                }
                _ => {}
            }
        }
        let get = |name: &str| map.get(name).map(|v| (*v).to_owned()).unwrap_or_default();
        let horizon = get("horizon");
        let columns = columns_for(&horizon, present_cols);
        let lines = (0..n_lines)
            .map(|i| LineForm {
                kind: get(&format!("line_kind_{i}")),
                label: get(&format!("line_label_{i}")),
                amounts: (0..columns)
                    .map(|t| get(&format!("line_amount_{i}_{t}")))
                    .collect(),
                low: get(&format!("line_low_{i}")),
                high: get(&format!("line_high_{i}")),
                hjemtagbar: !get(&format!("line_hjemtagbar_{i}")).is_empty(),
                from: get(&format!("line_from_{i}")),
                to: get(&format!("line_to_{i}")),
                category: get(&format!("line_category_{i}")),
                full: get(&format!("line_full_{i}")),
                phase: get(&format!("line_phase_{i}")),
            })
            .collect();
        let risks = (0..n_risks)
            .map(|j| RiskForm {
                description: get(&format!("risk_description_{j}")),
                probability: get(&format!("risk_probability_{j}")),
                min: get(&format!("risk_min_{j}")),
                likely: get(&format!("risk_likely_{j}")),
                max: get(&format!("risk_max_{j}")),
                year: get(&format!("risk_year_{j}")),
            })
            .collect();
        CaseForm {
            start_year: get("start_year"),
            horizon,
            discount_rate: get("discount_rate"),
            lines,
            risks,
        }
    }

    /// The number of year columns: the horizon when it is valid, otherwise the columns of
    /// the first line (or 5).
    pub fn columns(&self) -> usize {
        let present = self.lines.first().map(|l| l.amounts.len()).unwrap_or(0);
        columns_for(&self.horizon, present)
    }

    /// The calendar year of each column (from year 2000 when the start year is unreadable).
    pub fn years(&self) -> Vec<i32> {
        let start = self.start_year.trim().parse::<i32>().unwrap_or(2000);
        (0..self.columns())
            .map(|t| start.saturating_add(t as i32))
            .collect()
    }

    /// Gives every line exactly [`columns`](Self::columns) amounts (cutting or adding empty
    /// years), so a changed horizon re-sizes the table.
    pub fn resize(&mut self) {
        let n = self.columns();
        for l in &mut self.lines {
            l.amounts.resize(n, String::new());
        }
    }

    /// Applies a re-render action. Returns field errors for a fill that cannot be done
    /// (the form is left unchanged then). [`Action::Save`] and [`Action::Refresh`] only
    /// re-size.
    pub fn apply(&mut self, action: Action) -> FieldErrors {
        self.resize();
        let mut e = FieldErrors::new();
        match action {
            Action::Save | Action::Refresh => {}
            Action::AddLine => {
                if self.lines.len() >= MAX_LINES {
                    e.add("lines", "too_many", "Der kan højst være 100 linjer.");
                } else {
                    self.lines.push(LineForm::blank(self.columns()));
                }
            }
            Action::RemoveLine(i) => {
                if i < self.lines.len() {
                    self.lines.remove(i);
                }
            }
            Action::AddRisk => {
                if self.risks.len() >= MAX_RISKS {
                    e.add("risks", "too_many", "Der kan højst være 50 risici.");
                } else {
                    self.risks.push(RiskForm::blank());
                }
            }
            Action::RemoveRisk(j) => {
                if j < self.risks.len() {
                    self.risks.remove(j);
                }
            }
            Action::Fill(i) => {
                if let Some(line) = self.lines.get_mut(i) {
                    match fill(&line.full, &line.phase, line.amounts.len()) {
                        Ok(values) => line.amounts = values,
                        Err((field, message)) => {
                            e.add(&format!("line_{field}_{i}"), "invalid", message)
                        }
                    }
                }
            }
        }
        e
    }

    /// The draft for the domain, and errors for texts that are not numbers (keyed by input
    /// id). An empty year counts as 0; an empty low/high as 1; an empty discount rate as
    /// the tenant's.
    pub fn to_draft(&self) -> (BusinessCaseDraft, FieldErrors) {
        let mut e = FieldErrors::new();
        let start_year = match self.start_year.trim() {
            "" => None,
            s => match s.parse::<i32>() {
                Ok(y) => Some(y),
                Err(_) => {
                    e.add(
                        "start_year",
                        "invalid",
                        "Startåret skal være et årstal, fx 2025.",
                    );
                    None
                }
            },
        };
        let columns = self.columns();
        let horizon = match self.horizon.trim().parse::<u32>() {
            Ok(h) => Some(h),
            Err(_) => {
                e.add(
                    "horizon",
                    "invalid",
                    "Horisonten skal være et helt antal år (1-20).",
                );
                Some(columns as u32)
            }
        };
        let discount_rate = pct(&mut e, "discount_rate", &self.discount_rate);
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| LineDraft {
                kind: parse_kind(&l.kind),
                label: l.label.clone(),
                amounts: l
                    .amounts
                    .iter()
                    .enumerate()
                    .map(|(t, a)| {
                        amount(&mut e, &format!("line_amount_{i}_{t}"), a).unwrap_or_default()
                    })
                    .collect(),
                low: num(&mut e, &format!("line_low_{i}"), &l.low),
                high: num(&mut e, &format!("line_high_{i}"), &l.high),
                hjemtagbar: l.hjemtagbar,
                from_channel: parse_channel(&l.from),
                to_channel: parse_channel(&l.to),
                category: parse_category(&l.category),
            })
            .collect();
        let risks = self
            .risks
            .iter()
            .enumerate()
            .map(|(j, r)| RiskDraft {
                description: r.description.clone(),
                probability: pct(&mut e, &format!("risk_probability_{j}"), &r.probability),
                min: amount(&mut e, &format!("risk_min_{j}"), &r.min),
                likely: amount(&mut e, &format!("risk_likely_{j}"), &r.likely),
                max: amount(&mut e, &format!("risk_max_{j}"), &r.max),
                year: r.year.trim().parse::<u32>().unwrap_or(0),
            })
            .collect();
        let draft = BusinessCaseDraft {
            start_year,
            horizon,
            discount_rate,
            lines,
            risks,
        };
        (draft, e)
    }
}

/// A number typed in an input: `None` when empty; a text that is not a number adds a
/// Danish error for the input `id`.
fn num(e: &mut FieldErrors, id: &str, text: &str) -> Option<Decimal> {
    number(e, id, text)
}

/// A percentage typed in an input, as a fraction (`"3,5"` → 0.035, exactly).
fn pct(e: &mut FieldErrors, id: &str, text: &str) -> Option<Decimal> {
    number(e, id, text).map(|d| d / Decimal::ONE_HUNDRED)
}

fn number(e: &mut FieldErrors, id: &str, text: &str) -> Option<Decimal> {
    if text.trim().is_empty() {
        return None;
    }
    match parse_number(text) {
        Ok(d) => Some(d),
        Err(err) => {
            e.add(id, "not_a_number", err.to_string());
            None
        }
    }
}

/// An amount typed in an input, read as the importer reads a spreadsheet cell
/// ([`parse_kr`]): `"1.234.567,50"`, `"1,5 mio."`, `"250 t.kr."`, `"kr. 250.000"`. `None`
/// when empty; a text that is not an amount adds a Danish error for the input `id`.
fn amount(e: &mut FieldErrors, id: &str, text: &str) -> Option<Decimal> {
    if text.trim().is_empty() {
        return None;
    }
    match parse_kr(text) {
        Ok(a) => Some(a.value),
        Err(err) => {
            e.add(
                id,
                "not_a_number",
                format!("{err} Beløb kan også skrives som 1,5 mio., 250 t.kr. eller kr. 250.000."),
            );
            None
        }
    }
}

fn columns_for(horizon: &str, present: usize) -> usize {
    match horizon.trim().parse::<usize>() {
        Ok(h) if (1..=MAX_HORIZON as usize).contains(&h) => h,
        _ if present > 0 => present,
        _ => DEFAULT_HORIZON,
    }
}

/// Reads a phase-in such as `"25, 75, 100"`, `"25 % 75 % 100 %"` or `"25;75;100"` into
/// percentages. Separators are whitespace, `;` and a comma followed by a space; a token
/// that is not a number as a whole (`"25,75,100"`) is split on its commas. So `"12,5, 50"`
/// is 12.5 % then 50 %.
pub(crate) fn parse_phase(text: &str) -> Result<Vec<Decimal>, String> {
    let cleaned = text.replace(['%', ';'], " ");
    let mut out = Vec::new();
    for token in cleaned.split_whitespace() {
        let token = token.trim_end_matches(',');
        if token.is_empty() {
            continue;
        }
        match parse_number(token) {
            Ok(d) => out.push(d),
            Err(_) => {
                for part in token.split(',') {
                    let d = parse_number(part).map_err(|_| {
                        format!("«{token}» kan ikke læses. Skriv procenter adskilt af komma, fx 25, 75, 100.")
                    })?;
                    out.push(d);
                }
            }
        }
    }
    if out.is_empty() {
        return Err("Skriv indfasningen i procent pr. år, fx 25, 75, 100.".to_owned());
    }
    if out
        .iter()
        .any(|p| p.is_sign_negative() || *p > Decimal::from(1000))
    {
        return Err("Procenterne skal ligge mellem 0 og 1.000.".to_owned());
    }
    Ok(out)
}

/// The yearly amounts of a phase-in: year t gets `full × p_t / 100`, where years beyond
/// the listed percentages take the last one. Errors name the field (`full` or `phase`).
pub(crate) fn fill(
    full: &str,
    phase: &str,
    columns: usize,
) -> Result<Vec<String>, (&'static str, String)> {
    let full = match parse_kr(full) {
        Ok(a) => a.value,
        Err(err) => {
            return Err((
                "full",
                format!("Fuld årlig værdi: {err} Udfyld den for at fordele over årene."),
            ))
        }
    };
    let pcts = parse_phase(phase).map_err(|m| ("phase", m))?;
    let last = pcts.last().copied().unwrap_or(Decimal::ONE_HUNDRED);
    Ok((0..columns)
        .map(|t| {
            let p = pcts.get(t).copied().unwrap_or(last);
            amount_input((full * p / Decimal::ONE_HUNDRED).round_dp(2))
        })
        .collect())
}

/// The input id a domain error path points at: `lines[2].amounts[3]` →
/// `line_amount_2_3`, `risks[0].probability` → `risk_probability_0`. Paths without an
/// input (`lines`, `risks`) are returned as they are.
pub(crate) fn field_id(path: &str) -> String {
    let index = |s: &str| -> Option<(usize, String)> {
        let (n, rest) = s.split_once(']')?;
        Some((n.parse().ok()?, rest.trim_start_matches('.').to_owned()))
    };
    if let Some((i, rest)) = path.strip_prefix("lines[").and_then(index) {
        let name = match rest.as_str() {
            "kind" | "label" | "low" | "high" | "category" => rest.clone(),
            "from_channel" => "from".to_owned(),
            "to_channel" => "to".to_owned(),
            "amounts" => return format!("line_amount_{i}_0"),
            r => match r.strip_prefix("amounts[").and_then(|x| x.strip_suffix(']')) {
                Some(t) => return format!("line_amount_{i}_{t}"),
                None => return "lines".to_owned(),
            },
        };
        return format!("line_{name}_{i}");
    }
    if let Some((j, rest)) = path.strip_prefix("risks[").and_then(index) {
        return format!("risk_{rest}_{j}");
    }
    path.to_owned()
}

/// Domain errors keyed by input id, with the range messages of percentage fields in %
/// (the domain speaks of fractions, the form of percent); other errors keep their message.
pub(crate) fn adapt_errors(domain: FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::new();
    for err in domain.0 {
        let id = field_id(&err.field);
        let message = if id == "discount_rate" && err.code == "out_of_range" {
            "Diskonteringsrenten skal ligge mellem 0 og 25 %.".to_owned()
        } else if id.starts_with("risk_probability_") && err.code == "out_of_range" {
            "Sandsynligheden skal ligge mellem 0 og 100 %.".to_owned()
        } else {
            err.message
        };
        out.add(&id, &err.code, message);
    }
    out
}

/// A decimal as `f64`, for charts.
pub(crate) fn f(d: Decimal) -> f64 {
    to_f64(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn actions() {
        assert_eq!(Action::parse("save"), Action::Save);
        assert_eq!(Action::parse("remove_line:2"), Action::RemoveLine(2));
        assert_eq!(Action::parse("remove_risk:0"), Action::RemoveRisk(0));
        assert_eq!(Action::parse("fill:3"), Action::Fill(3));
        assert_eq!(Action::parse("add_line"), Action::AddLine);
        assert_eq!(Action::parse("fill:x"), Action::Refresh);
        assert_eq!(Action::parse(""), Action::Refresh);
    }

    #[test]
    fn indexed_fields_are_read_and_sized_by_the_horizon() {
        let form = CaseForm::from_pairs(&pairs(&[
            ("_csrf", "x"),
            ("start_year", "2025"),
            ("horizon", "3"),
            ("line_kind_0", "investering"),
            ("line_label_0", "Licens"),
            ("line_amount_0_0", "1.234.567,50"),
            ("line_amount_0_4", "9"),
            ("line_kind_1", "frigjorte_timer"),
            ("line_hjemtagbar_1", "on"),
            ("risk_description_0", "Forsinkelse"),
            ("risk_probability_0", "20"),
            ("line_kind_999", "drift"),
        ]));
        assert_eq!(form.lines.len(), 2);
        assert_eq!(form.lines[0].amounts, vec!["1.234.567,50", "", ""]);
        assert!(form.lines[1].hjemtagbar && !form.lines[0].hjemtagbar);
        assert_eq!(form.risks.len(), 1);
        assert_eq!(form.years(), vec![2025, 2026, 2027]);
        let (draft, errors) = form.to_draft();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            draft.lines[0].amounts,
            vec![Decimal::new(12_345_675, 1), Decimal::ZERO, Decimal::ZERO]
        );
        assert_eq!(draft.lines[1].kind, Some(LineKind::FrigjorteTimer));
        assert_eq!(draft.risks[0].probability, Some(Decimal::new(2, 1)));
    }

    #[test]
    fn numbers_that_do_not_parse_are_field_errors() {
        let mut form = CaseForm::blank(2025);
        form.lines[0].amounts[2] = "mange".into();
        form.lines[0].low = "0,8x".into();
        form.discount_rate = "3,5".into();
        let (draft, errors) = form.to_draft();
        assert!(errors
            .message_for("line_amount_0_2")
            .is_some_and(|m| m.contains("ikke et tal")));
        assert!(errors.message_for("line_low_0").is_some());
        assert_eq!(draft.discount_rate, Some(Decimal::new(35, 3)));
    }

    #[test]
    fn actions_add_remove_and_resize() {
        let mut form = CaseForm::blank(2025);
        form.apply(Action::AddLine);
        form.apply(Action::AddRisk);
        assert_eq!((form.lines.len(), form.risks.len()), (2, 1));
        form.lines[1].label = "Anden".into();
        form.apply(Action::RemoveLine(0));
        assert_eq!(form.lines[0].label, "Anden");
        form.horizon = "7".into();
        form.apply(Action::Refresh);
        assert_eq!(form.lines[0].amounts.len(), 7);
        form.horizon = "2".into();
        form.apply(Action::Refresh);
        assert_eq!(form.lines[0].amounts.len(), 2);
    }

    #[test]
    fn phase_in_fills_later_years_with_the_last_percentage() {
        assert_eq!(
            fill("400.000", "25, 75, 100", 5).unwrap(),
            vec!["100.000", "300.000", "400.000", "400.000", "400.000"]
        );
        assert_eq!(
            fill("1000", "12,5, 50", 3).unwrap(),
            vec!["125", "500", "500"]
        );
        assert_eq!(
            fill("1000", "25,75,100", 3).unwrap(),
            vec!["250", "750", "1.000"]
        );
        assert_eq!(fill("1000", "25 % 100 %", 2).unwrap(), vec!["250", "1.000"]);
        assert_eq!(fill("", "25", 2).unwrap_err().0, "full");
        assert_eq!(fill("1000", "", 2).unwrap_err().0, "phase");
        assert_eq!(fill("1000", "abc", 2).unwrap_err().0, "phase");
    }

    #[test]
    fn domain_paths_become_input_ids() {
        assert_eq!(field_id("lines[2].amounts[3]"), "line_amount_2_3");
        assert_eq!(field_id("lines[2].amounts"), "line_amount_2_0");
        assert_eq!(field_id("lines[0].low"), "line_low_0");
        assert_eq!(field_id("lines[0].from_channel"), "line_from_0");
        assert_eq!(field_id("risks[1].probability"), "risk_probability_1");
        assert_eq!(field_id("horizon"), "horizon");
        assert_eq!(field_id("lines"), "lines");
        let adapted = adapt_errors(FieldErrors::single(
            "risks[0].probability",
            "out_of_range",
            "0 og 1",
        ));
        assert_eq!(
            adapted.message_for("risk_probability_0"),
            Some("Sandsynligheden skal ligge mellem 0 og 100 %.")
        );
    }

    #[test]
    fn only_range_errors_of_the_discount_rate_speak_of_percent() {
        let mut domain = FieldErrors::single("discount_rate", "out_of_range", "0 og 0,25");
        domain.add(
            "start_year",
            "out_of_range",
            "Startåret skal ligge mellem 2000 og 2100.",
        );
        let adapted = adapt_errors(domain);
        assert_eq!(
            adapted.message_for("discount_rate"),
            Some("Diskonteringsrenten skal ligge mellem 0 og 25 %.")
        );
        let other = adapt_errors(FieldErrors::single(
            "discount_rate",
            "invalid",
            "Skriv et tal.",
        ));
        assert_eq!(other.message_for("discount_rate"), Some("Skriv et tal."));
    }

    #[test]
    fn a_stored_case_round_trips_through_the_form() {
        use gevinst_domain::business_case::{Economics, Line};
        let case = BusinessCase {
            start_year: 2025,
            horizon: 2,
            discount_rate: Some(Decimal::new(35, 3)),
            lines: vec![Line::certain(
                LineKind::Investering,
                "Licens",
                vec![Decimal::new(123456750, 2), Decimal::ZERO],
            )],
            risks: vec![],
        };
        let form = CaseForm::from_case(&case);
        assert_eq!(form.discount_rate, "3,5");
        assert_eq!(form.lines[0].amounts[0], "1.234.567,50");
        let (draft, errors) = form.to_draft();
        assert!(errors.is_empty());
        assert_eq!(draft.validate(&Economics::default()), Ok(case));
    }
}
