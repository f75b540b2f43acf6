//! The business-case model: settings, lines, risks, and validation of drafts.

use super::calc::{checked, unit_value, Overflow};
use super::values::{DiscountRate, Percent, StartYear};
use crate::text::{char_len, clean};
use crate::validation::FieldErrors;
use rust_decimal::prelude::*;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

/// Longest horizon in years.
pub const MAX_HORIZON: u32 = 20;
/// Largest absolute amount, in the line's unit and in kr.: 10^13.
pub const MAX_ABS_AMOUNT: Decimal = Decimal::from_parts(0x4E72_A000, 0x918, 0, false, 0);
/// Largest low or high multiplier accepted before its own range check.
const MAX_MULTIPLIER: Decimal = Decimal::TEN;
/// Largest probability accepted before its own range check.
const MAX_PROBABILITY: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
const MAX_LINES: usize = 100;
const MAX_RISKS: usize = 50;

/// A channel a citizen uses to contact the municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Self-service, integrated with the back office.
    Digital,
    /// Telephone.
    Telephone,
    /// In person (borgerservice).
    InPerson,
    /// Written: letter, e-mail, Digital Post.
    Written,
}

impl Channel {
    /// All channels.
    pub const ALL: [Channel; 4] = [
        Channel::Digital,
        Channel::Telephone,
        Channel::InPerson,
        Channel::Written,
    ];

    /// Danish label.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Digital => "Digital selvbetjening",
            Channel::Telephone => "Telefon",
            Channel::InPerson => "Personligt fremmøde",
            Channel::Written => "Skriftlig henvendelse",
        }
    }
}

/// Cost per enquiry in each channel, kr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChannelCosts {
    /// Digital, default 5 kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub digital: Decimal,
    /// Telephone, default 50 kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub telephone: Decimal,
    /// In person, default 100 kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub in_person: Decimal,
    /// Written, default 120 kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub written: Decimal,
}

impl Default for ChannelCosts {
    fn default() -> Self {
        ChannelCosts {
            digital: dec!(5),
            telephone: dec!(50),
            in_person: dec!(100),
            written: dec!(120),
        }
    }
}

impl ChannelCosts {
    /// The cost of one enquiry in a channel.
    pub fn cost(&self, c: Channel) -> Decimal {
        match c {
            Channel::Digital => self.digital,
            Channel::Telephone => self.telephone,
            Channel::InPerson => self.in_person,
            Channel::Written => self.written,
        }
    }
}

/// The tenant's economic settings that value hours, årsværk and enquiries in kr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Economics {
    /// Annual cost of one årsværk (FTE), default 500,000 kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub annual_cost_per_fte: Decimal,
    /// Working hours in one årsværk, default 1,924.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub hours_per_fte: Decimal,
    /// An hourly rate that overrides annual cost ÷ hours.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub hourly_rate_override: Option<Decimal>,
    /// Yearly discount rate, default 0.035 (the Finance Ministry's rate since 2021, years 0–35).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub discount_rate: Decimal,
    /// Channel costs per enquiry.
    pub channel_costs: ChannelCosts,
}

impl Default for Economics {
    fn default() -> Self {
        Economics {
            annual_cost_per_fte: dec!(500000),
            hours_per_fte: dec!(1924),
            hourly_rate_override: None,
            discount_rate: dec!(0.035),
            channel_costs: ChannelCosts::default(),
        }
    }
}

impl Economics {
    /// The hourly rate: the override, or annual cost ÷ hours (unrounded). A rate beyond
    /// `Decimal`'s range (only from settings outside the validated bounds) saturates at
    /// [`Decimal::MAX`].
    pub fn hourly_rate(&self) -> Decimal {
        self.checked_hourly_rate().unwrap_or(Decimal::MAX)
    }

    /// The hourly rate, or [`Overflow`] beyond `Decimal`'s range.
    pub(crate) fn checked_hourly_rate(&self) -> Result<Decimal, Overflow> {
        match self.hourly_rate_override {
            Some(rate) => Ok(rate),
            None if self.hours_per_fte.is_zero() => Ok(Decimal::ZERO),
            None => checked::div(self.annual_cost_per_fte, self.hours_per_fte),
        }
    }
}

/// Where a line's amounts come from and whether they are a cost or a benefit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// *Investering*: one-off cost, kr.
    Investering,
    /// *Drift*: running cost, kr.
    Drift,
    /// *Frigjorte timer*: hours freed per year (benefit, at the hourly rate).
    FrigjorteTimer,
    /// *Frigjorte årsværk*: FTE freed (benefit, at the annual cost per årsværk).
    FrigjorteAarsvaerk,
    /// *Direkte besparelse*: kr. saved per year (benefit).
    DirekteBesparelse,
    /// *Kanalomlægning*: enquiries per year moved between channels (benefit).
    Kanalomlaegning,
    /// *Usynligt arbejde*: hours per year of invisible work (cost, at the hourly rate).
    UsynligtArbejde,
}

impl LineKind {
    /// All kinds.
    pub const ALL: [LineKind; 7] = [
        LineKind::Investering,
        LineKind::Drift,
        LineKind::FrigjorteTimer,
        LineKind::FrigjorteAarsvaerk,
        LineKind::DirekteBesparelse,
        LineKind::Kanalomlaegning,
        LineKind::UsynligtArbejde,
    ];

    /// True for benefits, false for costs.
    pub fn is_benefit(self) -> bool {
        matches!(
            self,
            LineKind::FrigjorteTimer
                | LineKind::FrigjorteAarsvaerk
                | LineKind::DirekteBesparelse
                | LineKind::Kanalomlaegning
        )
    }

    /// Danish label.
    pub fn label(self) -> &'static str {
        match self {
            LineKind::Investering => "Investering",
            LineKind::Drift => "Drift",
            LineKind::FrigjorteTimer => "Frigjorte timer",
            LineKind::FrigjorteAarsvaerk => "Frigjorte årsværk",
            LineKind::DirekteBesparelse => "Direkte besparelse",
            LineKind::Kanalomlaegning => "Kanalomlægning",
            LineKind::UsynligtArbejde => "Usynligt arbejde",
        }
    }

    /// The unit of the line's amounts, in Danish.
    pub fn unit_label(self) -> &'static str {
        match self {
            LineKind::Investering | LineKind::Drift | LineKind::DirekteBesparelse => "kr.",
            LineKind::FrigjorteTimer | LineKind::UsynligtArbejde => "timer",
            LineKind::FrigjorteAarsvaerk => "årsværk",
            LineKind::Kanalomlaegning => "henvendelser",
        }
    }
}

/// The three categories of invisible work (usynligt arbejde).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvisibleCategory {
    /// *Oprydningsarbejde*: cleaning up errors, delays and data.
    Oprydning,
    /// *Kompensationsarbejde*: manual work to make an imperfect solution run.
    Kompensation,
    /// *Forbindelsesarbejde*: manual steps where data don't flow between systems.
    Forbindelse,
}

impl InvisibleCategory {
    /// Danish label.
    pub fn label(self) -> &'static str {
        match self {
            InvisibleCategory::Oprydning => "Oprydningsarbejde",
            InvisibleCategory::Kompensation => "Kompensationsarbejde",
            InvisibleCategory::Forbindelse => "Forbindelsesarbejde",
        }
    }
}

/// A validated line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Line {
    /// Kind.
    pub kind: LineKind,
    /// Label, e.g. "Licens til robot".
    pub label: String,
    /// Most-likely amount per year in the kind's unit; index 0 is the start year.
    #[schema(value_type = Vec<crate::json_number::DecimalSchema>)]
    pub amounts: Vec<Decimal>,
    /// Low multiplier (≤ 1).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub low: Decimal,
    /// High multiplier (≥ 1).
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub high: Decimal,
    /// For benefits: the budget can actually be reduced (hjemtagbar).
    pub hjemtagbar: bool,
    /// For kanalomlægning: the channel enquiries leave.
    pub from_channel: Option<Channel>,
    /// For kanalomlægning: the channel enquiries move to.
    pub to_channel: Option<Channel>,
    /// For usynligt arbejde: its category.
    pub category: Option<InvisibleCategory>,
}

impl Line {
    /// A line without uncertainty (low = high = 1), not hjemtagbar, for tests and examples.
    pub fn certain(kind: LineKind, label: &str, amounts: Vec<Decimal>) -> Line {
        Line {
            kind,
            label: label.to_owned(),
            amounts,
            low: Decimal::ONE,
            high: Decimal::ONE,
            hjemtagbar: false,
            from_channel: None,
            to_channel: None,
            category: None,
        }
    }
}

/// A validated risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Risk {
    /// What could happen.
    pub description: String,
    /// Probability in [0, 1].
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub probability: Decimal,
    /// Smallest impact, kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub min: Decimal,
    /// Most likely impact, kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub likely: Decimal,
    /// Largest impact, kr.
    #[schema(value_type = crate::json_number::DecimalSchema)]
    pub max: Decimal,
    /// Year index t in which it would hit (0 = start year).
    pub year: u32,
}

/// A validated business case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BusinessCase {
    /// Calendar year of t = 0.
    pub start_year: i32,
    /// Number of years, 1–20.
    pub horizon: u32,
    /// Overrides the tenant's discount rate.
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub discount_rate: Option<Decimal>,
    /// Lines.
    pub lines: Vec<Line>,
    /// Risks.
    pub risks: Vec<Risk>,
}

/// A line as sent by a client; amounts are decimal strings or JSON numbers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineDraft {
    /// Kind.
    pub kind: Option<LineKind>,
    /// Label.
    #[serde(default)]
    pub label: String,
    /// Most-likely amount per year.
    #[serde(default, deserialize_with = "crate::json_number::vec_decimal")]
    #[schema(value_type = Vec<crate::json_number::DecimalSchema>)]
    pub amounts: Vec<Decimal>,
    /// Low multiplier, default 1.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub low: Option<Decimal>,
    /// High multiplier, default 1.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub high: Option<Decimal>,
    /// Hjemtagbar (benefits only).
    #[serde(default)]
    pub hjemtagbar: bool,
    /// For kanalomlægning.
    pub from_channel: Option<Channel>,
    /// For kanalomlægning.
    pub to_channel: Option<Channel>,
    /// For usynligt arbejde.
    pub category: Option<InvisibleCategory>,
}

/// A risk as sent by a client.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskDraft {
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Probability in [0, 1].
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub probability: Option<Decimal>,
    /// Smallest impact, kr.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub min: Option<Decimal>,
    /// Most likely impact, kr.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub likely: Option<Decimal>,
    /// Largest impact, kr.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub max: Option<Decimal>,
    /// Year index.
    #[serde(default)]
    pub year: u32,
}

/// A business case as sent by a client.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessCaseDraft {
    /// Calendar year of t = 0.
    pub start_year: Option<i32>,
    /// Horizon, default 5.
    pub horizon: Option<u32>,
    /// Discount rate override, e.g. 0.035.
    #[serde(default, deserialize_with = "crate::json_number::option_decimal")]
    #[schema(value_type = Option<crate::json_number::DecimalSchema>)]
    pub discount_rate: Option<Decimal>,
    /// Lines.
    #[serde(default)]
    pub lines: Vec<LineDraft>,
    /// Risks.
    #[serde(default)]
    pub risks: Vec<RiskDraft>,
}

/// `x` without trailing zeros (`520000.50` is kept as `520000.5`, as a number rather
/// than a text) when it is at most `limit` in absolute value; otherwise reports it on
/// `field`.
pub(super) fn within_limit(
    e: &mut FieldErrors,
    field: &str,
    x: Decimal,
    limit: Decimal,
) -> Option<Decimal> {
    if x.abs() > limit {
        e.add(
            field,
            "out_of_range",
            "Værdien er for stor (højst 10.000.000.000.000).",
        );
        return None;
    }
    Some(x.normalize())
}

/// True when `amount` units worth `unit_value` kr. each are within ±10^13 kr.
fn within_kr_limit(amount: Decimal, unit_value: Decimal) -> bool {
    let limit = Decimal::from(10_000_000_000_000_i64);
    amount
        .checked_mul(unit_value)
        .is_some_and(|kr| kr.abs() <= limit)
}

impl BusinessCaseDraft {
    /// Validates the draft against the tenant's economics. All problems are reported at
    /// once, with field paths such as `lines[2].amounts[3]`.
    pub fn validate(&self, econ: &Economics) -> Result<BusinessCase, FieldErrors> {
        let mut e = FieldErrors::new();
        let start_year = self.start_year.unwrap_or(0);
        match self.start_year.map(StartYear::parse) {
            None => e.add("start_year", "required", "Angiv startåret."),
            Some(Err(err)) => e.add("start_year", err.code, err.message),
            Some(Ok(_)) => {}
        }
        let horizon = self.horizon.unwrap_or(5);
        if !(1..=MAX_HORIZON).contains(&horizon) {
            e.add("horizon", "out_of_range", "Horisonten skal være 1-20 år.");
        }
        let discount_rate = self.discount_rate.and_then(|r| {
            DiscountRate::parse(r.normalize())
                .map_err(|err| e.add("discount_rate", err.code, err.message))
                .ok()
        });
        if self.lines.len() > MAX_LINES {
            e.add("lines", "too_many", "Højst 100 linjer.");
        }
        if self.risks.len() > MAX_RISKS {
            e.add("risks", "too_many", "Højst 50 risici.");
        }
        let lines: Vec<Line> = self
            .lines
            .iter()
            .take(MAX_LINES)
            .enumerate()
            .filter_map(|(i, l)| l.validate(&mut e, &format!("lines[{i}]"), horizon, econ))
            .collect();
        let risks: Vec<Risk> = self
            .risks
            .iter()
            .take(MAX_RISKS)
            .enumerate()
            .filter_map(|(i, r)| r.validate(&mut e, &format!("risks[{i}]"), horizon))
            .collect();
        e.into_result(BusinessCase {
            start_year,
            horizon,
            discount_rate: discount_rate.map(DiscountRate::get),
            lines,
            risks,
        })
    }
}

impl LineDraft {
    fn validate(
        &self,
        e: &mut FieldErrors,
        at: &str,
        horizon: u32,
        econ: &Economics,
    ) -> Option<Line> {
        let before = e.0.len();
        let f = |name: &str| format!("{at}.{name}");
        let label = clean(&self.label, false);
        if label.is_empty() {
            e.add(&f("label"), "required", "Giv linjen en tekst.");
        } else if char_len(&label) > 120 {
            e.add(&f("label"), "too_long", "Teksten må højst være 120 tegn.");
        }
        let Some(kind) = self.kind else {
            e.add(&f("kind"), "required", "Vælg linjens type.");
            return None;
        };
        if self.amounts.len() != horizon as usize {
            e.add(
                &f("amounts"),
                "wrong_length",
                format!("Der skal være præcis {horizon} årlige beløb (ét pr. år i horisonten), ikke {}.", self.amounts.len()),
            );
        }
        // The line's own value of one unit: for a channel shift, the difference between its
        // two channels (not the dearest channel there is).
        let probe = Line {
            from_channel: self.from_channel,
            to_channel: self.to_channel,
            ..Line::certain(kind, "", Vec::new())
        };
        let unit_value = unit_value(&probe, econ).unwrap_or(Decimal::MAX);
        let mut amounts = Vec::with_capacity(self.amounts.len());
        for (t, x) in self.amounts.iter().enumerate() {
            let field = format!("{at}.amounts[{t}]");
            if let Some(d) = within_limit(e, &field, *x, MAX_ABS_AMOUNT) {
                if d.is_sign_negative() && !d.is_zero() {
                    e.add(&field, "negative", format!("Beløbet kan ikke være negativt ({}). Registrér en omkostning som en omkostningslinje.", kind.unit_label()));
                } else if !within_kr_limit(d, unit_value) {
                    e.add(
                        &field,
                        "out_of_range",
                        "Beløbet er for stort: linjens værdi må højst være 10.000.000.000.000 kr. om året.",
                    );
                }
                amounts.push(d);
            }
        }
        let low = within_limit(
            e,
            &f("low"),
            self.low.unwrap_or(Decimal::ONE),
            MAX_MULTIPLIER,
        );
        let high = within_limit(
            e,
            &f("high"),
            self.high.unwrap_or(Decimal::ONE),
            MAX_MULTIPLIER,
        );
        if let Some(l) = low {
            if l < Decimal::ZERO || l > Decimal::ONE {
                e.add(
                    &f("low"),
                    "out_of_range",
                    "Lav-faktoren skal ligge mellem 0 og 1.",
                );
            }
        }
        if let Some(h) = high {
            if h < Decimal::ONE {
                e.add(
                    &f("high"),
                    "out_of_range",
                    "Høj-faktoren skal være mindst 1.",
                );
            }
        }
        if kind == LineKind::Kanalomlaegning {
            match (self.from_channel, self.to_channel) {
                (Some(a), Some(b)) if a == b => e.add(
                    &f("to_channel"),
                    "same_channel",
                    "Vælg to forskellige kanaler.",
                ),
                (Some(_), Some(_)) => {}
                _ => e.add(
                    &f("from_channel"),
                    "required",
                    "Vælg hvilken kanal henvendelserne flyttes fra og til.",
                ),
            }
        }
        if kind == LineKind::UsynligtArbejde && self.category.is_none() {
            e.add(
                &f("category"),
                "required",
                "Vælg typen af usynligt arbejde.",
            );
        }
        if e.0.len() > before {
            return None;
        }
        Some(Line {
            kind,
            label,
            amounts,
            low: low?,
            high: high?,
            hjemtagbar: self.hjemtagbar && kind.is_benefit(),
            from_channel: (kind == LineKind::Kanalomlaegning)
                .then_some(self.from_channel)
                .flatten(),
            to_channel: (kind == LineKind::Kanalomlaegning)
                .then_some(self.to_channel)
                .flatten(),
            category: (kind == LineKind::UsynligtArbejde)
                .then_some(self.category)
                .flatten(),
        })
    }
}

impl RiskDraft {
    fn validate(&self, e: &mut FieldErrors, at: &str, horizon: u32) -> Option<Risk> {
        let before = e.0.len();
        let f = |name: &str| format!("{at}.{name}");
        let description = clean(&self.description, false);
        if description.is_empty() {
            e.add(&f("description"), "required", "Beskriv risikoen.");
        } else if char_len(&description) > 500 {
            e.add(
                &f("description"),
                "too_long",
                "Beskrivelsen må højst være 500 tegn.",
            );
        }
        let mut num = |name: &str, v: Option<Decimal>, limit: Decimal| match v {
            None => {
                e.add(&f(name), "required", "Feltet skal udfyldes.");
                None
            }
            Some(x) => within_limit(e, &f(name), x, limit),
        };
        let p = num("probability", self.probability, MAX_PROBABILITY);
        let min = num("min", self.min, MAX_ABS_AMOUNT);
        let likely = num("likely", self.likely, MAX_ABS_AMOUNT);
        let max = num("max", self.max, MAX_ABS_AMOUNT);
        if let Some(p) = p {
            if Percent::from_fraction(p).is_err() {
                e.add(
                    &f("probability"),
                    "out_of_range",
                    "Sandsynligheden skal ligge mellem 0 og 1.",
                );
            }
        }
        if let (Some(a), Some(m), Some(b)) = (min, likely, max) {
            if a < Decimal::ZERO {
                e.add(&f("min"), "negative", "Konsekvensen kan ikke være negativ.");
            }
            if !(a <= m && m <= b) {
                e.add(
                    &f("likely"),
                    "order",
                    "Konsekvensen skal opfylde min ≤ mest sandsynlig ≤ maks.",
                );
            }
        }
        if self.year >= horizon {
            e.add(
                &f("year"),
                "out_of_range",
                format!(
                    "Året skal ligge i horisonten (0-{}).",
                    horizon.saturating_sub(1)
                ),
            );
        }
        if e.0.len() > before {
            return None;
        }
        Some(Risk {
            description,
            probability: p?,
            min: min?,
            likely: likely?,
            max: max?,
            year: self.year,
        })
    }
}
