//! `/admin/oekonomi`: the tenant's economic settings that value business cases: the
//! annual cost and hours of an årsværk, an optional hourly rate, the discount rate (shown
//! and typed in %) and the cost per enquiry in each channel.
//!
//! Numbers are typed the Danish way ("500.000", "3,5") and parsed here by
//! [`parse_danish`]; the use cases [`gevinst_app::business_cases::economics`] and
//! [`gevinst_app::business_cases::set_economics`] validate and save them with the version
//! the admin read, so a concurrent change is a 409 that keeps what was typed.

use super::form::parse_version;
use super::{admin_data, admin_notice, read_form, FormErrors};
use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, FormRejection};
use gevinst_app::business_cases::EconomicsSettings;
use gevinst_app::AppError;
use gevinst_domain::business_case::{ChannelCostsDraft, Decimal, Economics, EconomicsDraft};
use gevinst_domain::danish::{format_decimal, parse_number};
use gevinst_domain::FieldErrors;
use serde::Deserialize;

/// Prefix of the inputs' ids (as in `admin_economics.html`); an error on field `f` links
/// to `#oek-f`.
const ID_PREFIX: &str = "oek-";

/// The form as posted. Every value is the raw text the admin typed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct EconomicsForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    annual_cost_per_fte: String,
    #[serde(default)]
    hours_per_fte: String,
    #[serde(default)]
    hourly_rate_override: String,
    #[serde(default)]
    discount_rate: String,
    #[serde(default)]
    channel_digital: String,
    #[serde(default)]
    channel_telephone: String,
    #[serde(default)]
    channel_in_person: String,
    #[serde(default)]
    channel_written: String,
}

impl EconomicsForm {
    /// The form pre-filled with the stored settings, in Danish notation.
    fn from_settings(s: &EconomicsSettings) -> Self {
        let e = &s.economics;
        let c = &e.channel_costs;
        EconomicsForm {
            version: s.version.to_string(),
            annual_cost_per_fte: danish(e.annual_cost_per_fte),
            hours_per_fte: danish(e.hours_per_fte),
            hourly_rate_override: e.hourly_rate_override.map(danish).unwrap_or_default(),
            discount_rate: danish(e.discount_rate * Decimal::from(100)),
            channel_digital: danish(c.digital),
            channel_telephone: danish(c.telephone),
            channel_in_person: danish(c.in_person),
            channel_written: danish(c.written),
        }
    }

    /// The draft for the use case, and the fields that could not be read as numbers.
    /// The discount rate is typed in % and sent as a fraction (3,5 → 0.035, exactly).
    fn to_draft(&self) -> (EconomicsDraft, FieldErrors) {
        let mut errors = FieldErrors::new();
        let mut num = |field: &str, raw: &str| match parse_danish(raw) {
            Ok(v) => v,
            Err(message) => {
                errors.add(field, "not_a_number", message);
                None
            }
        };
        let annual_cost_per_fte = num("annual_cost_per_fte", &self.annual_cost_per_fte);
        let hours_per_fte = num("hours_per_fte", &self.hours_per_fte);
        let hourly_rate_override = num("hourly_rate_override", &self.hourly_rate_override);
        let discount_rate =
            num("discount_rate", &self.discount_rate).map(|p| p / Decimal::from(100));
        let digital = num("channel_costs.digital", &self.channel_digital);
        let telephone = num("channel_costs.telephone", &self.channel_telephone);
        let in_person = num("channel_costs.in_person", &self.channel_in_person);
        let written = num("channel_costs.written", &self.channel_written);
        let draft = EconomicsDraft {
            annual_cost_per_fte,
            hours_per_fte,
            hourly_rate_override,
            discount_rate,
            channel_costs: ChannelCostsDraft {
                digital,
                telephone,
                in_person,
                written,
            },
        };
        (draft, errors)
    }
}

/// Reads a number typed the Danish way with [`parse_number`] ("500.000", "1.924", "3,5";
/// an English "3.5" too), after dropping a trailing "kr." or "%". Empty text is
/// `Ok(None)`; unreadable text is the Danish message why.
pub(crate) fn parse_danish(raw: &str) -> Result<Option<Decimal>, String> {
    let mut s = raw.trim();
    for suffix in ["kr.", "kr", "%"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.trim_end();
            break;
        }
    }
    if s.is_empty() {
        return Ok(None);
    }
    parse_number(s).map(Some).map_err(|e| e.to_string())
}

/// A decimal in Danish notation with the decimals it needs: "500.000", "3,5", "259,88".
pub(crate) fn danish(d: Decimal) -> String {
    let d = d.normalize();
    format_decimal(d, d.scale())
}

/// One number input.
struct NumberField {
    /// Form name.
    name: &'static str,
    /// Field path in the use case's errors, and the input's id after [`ID_PREFIX`].
    field: &'static str,
    label: &'static str,
    /// The unit after the input, e.g. "kr." or "%".
    unit: &'static str,
    hint: String,
    value: String,
    required: bool,
}

/// A fieldset of inputs.
struct Group {
    legend: &'static str,
    fields: Vec<NumberField>,
}

#[derive(Template)]
#[template(path = "admin_economics.html")]
struct EconomicsPage {
    layout: Layout,
    notice: Option<&'static str>,
    version: String,
    conflict: bool,
    errors: FormErrors,
    groups: Vec<Group>,
    /// The hourly rate in force for the stored settings, e.g. "259,88".
    hourly_rate: String,
    /// Whether the stored settings are still the defaults (never saved).
    defaults: bool,
}

fn build(
    who: &PageUser,
    stored: &EconomicsSettings,
    form: &EconomicsForm,
    errors: &FieldErrors,
    conflict: bool,
) -> EconomicsPage {
    let d = Economics::default();
    let e = &stored.economics;
    let computed = if e.hours_per_fte.is_zero() {
        Decimal::ZERO
    } else {
        (e.annual_cost_per_fte / e.hours_per_fte).round_dp(2)
    };
    let field = |name, field, label, unit, hint: String, value: &str, required| NumberField {
        name,
        field,
        label,
        unit,
        hint,
        value: value.to_owned(),
        required,
    };
    let default_hint = |v: Decimal, unit: &str| format!("Standard: {} {unit}", danish(v));
    let groups = vec![
        Group {
            legend: "Årsværk og timer",
            fields: vec![
                field(
                    "annual_cost_per_fte",
                    "annual_cost_per_fte",
                    "Årsværkspris",
                    "kr.",
                    format!(
                        "Hvad et årsværk koster om året, inkl. pension og overhead. {}.",
                        default_hint(d.annual_cost_per_fte, "kr.")
                    ),
                    &form.annual_cost_per_fte,
                    true,
                ),
                field(
                    "hours_per_fte",
                    "hours_per_fte",
                    "Timer pr. årsværk",
                    "timer",
                    format!(
                        "Effektive arbejdstimer i et årsværk. {}.",
                        default_hint(d.hours_per_fte, "timer")
                    ),
                    &form.hours_per_fte,
                    true,
                ),
                field(
                    "hourly_rate_override",
                    "hourly_rate_override",
                    "Timepris (valgfri)",
                    "kr.",
                    format!(
                        "Lad feltet stå tomt for at beregne timeprisen som årsværkspris ÷ timer: {} kr. med de gemte tal.",
                        danish(computed)
                    ),
                    &form.hourly_rate_override,
                    false,
                ),
            ],
        },
        Group {
            legend: "Diskontering",
            fields: vec![field(
                "discount_rate",
                "discount_rate",
                "Diskonteringsrente",
                "% om året",
                "Bruges til nutidsværdien. Finansministeriets rente er 3,5 % for år 0-35 (siden 2021). Skriv fx 3,5.".to_owned(),
                &form.discount_rate,
                true,
            )],
        },
        Group {
            legend: "Pris pr. henvendelse i hver kanal",
            fields: vec![
                field(
                    "channel_digital",
                    "channel_costs.digital",
                    "Digital selvbetjening",
                    "kr.",
                    format!("{}.", default_hint(d.channel_costs.digital, "kr.")),
                    &form.channel_digital,
                    true,
                ),
                field(
                    "channel_telephone",
                    "channel_costs.telephone",
                    "Telefon",
                    "kr.",
                    format!("{}.", default_hint(d.channel_costs.telephone, "kr.")),
                    &form.channel_telephone,
                    true,
                ),
                field(
                    "channel_in_person",
                    "channel_costs.in_person",
                    "Personligt fremmøde",
                    "kr.",
                    format!("{}.", default_hint(d.channel_costs.in_person, "kr.")),
                    &form.channel_in_person,
                    true,
                ),
                field(
                    "channel_written",
                    "channel_costs.written",
                    "Skriftlig henvendelse",
                    "kr.",
                    format!("{}.", default_hint(d.channel_costs.written, "kr.")),
                    &form.channel_written,
                    true,
                ),
            ],
        },
    ];
    EconomicsPage {
        layout: Layout::new(who, "Økonomi til business cases", "admin"),
        notice: None,
        version: form.version.clone(),
        conflict,
        errors: FormErrors::from_fields(errors, ID_PREFIX),
        groups,
        hourly_rate: danish(stored.hourly_rate),
        defaults: stored.version == 0,
    }
}

/// The page as the admin's rates are stored.
pub(crate) async fn page(
    State(state): State<AppState>,
    who: PageUser,
    query: RawQuery,
) -> Result<Response, PageError> {
    admin_data(&state, &who.principal).await?;
    let stored = state.app.business_cases().economics(&who.principal).await?;
    let form = EconomicsForm::from_settings(&stored);
    let mut page = build(&who, &stored, &form, &FieldErrors::new(), false);
    page.notice = admin_notice(&query);
    Ok(Page(page).into_response())
}

/// Rewords the domain's messages for how the form shows the discount rate (in %).
fn for_form(mut errors: FieldErrors) -> FieldErrors {
    for e in &mut errors.0 {
        if e.field == "discount_rate" && e.code == "out_of_range" {
            e.message = "Diskonteringsrenten skal være mellem 0 og 25 %.".to_owned();
        }
    }
    errors
}

/// Saves the settings; on errors or a conflict the page comes back with what was typed.
pub(crate) async fn save(
    State(state): State<AppState>,
    who: PageUser,
    form: Result<Form<EconomicsForm>, FormRejection>,
) -> Result<Response, PageError> {
    admin_data(&state, &who.principal).await?;
    let form = read_form(form)?;
    let (draft, mut unreadable) = form.to_draft();
    let result = if unreadable.is_empty() {
        state
            .app
            .business_cases()
            .set_economics(&who.principal, parse_version(&form.version), &draft)
            .await
    } else {
        // Report the unreadable fields together with every other problem in the form.
        if let Err(more) = draft.validate() {
            for e in more.0 {
                if !unreadable.0.iter().any(|u| u.field == e.field) {
                    unreadable.0.push(e);
                }
            }
        }
        Err(AppError::Invalid(unreadable))
    };
    let (status, errors, conflict) = match result {
        Ok(_) => return Ok(Redirect::to("/admin/oekonomi?ok=oekonomi").into_response()),
        Err(AppError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, for_form(e), false),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, FieldErrors::new(), true),
        Err(e) => return Err(e.into()),
    };
    let stored = state.app.business_cases().economics(&who.principal).await?;
    let mut page = build(&who, &stored, &form, &errors, conflict);
    if conflict {
        // Saving again overwrites the other change, knowingly.
        page.version = stored.version.to_string();
    }
    Ok((status, Page(page)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_testkit::dec;

    #[test]
    fn parses_danish_numbers() {
        assert_eq!(parse_danish("500.000"), Ok(Some(dec("500000"))));
        assert_eq!(parse_danish(" 1.924 "), Ok(Some(dec("1924"))));
        assert_eq!(parse_danish("3,5"), Ok(Some(dec("3.5"))));
        assert_eq!(parse_danish("3.5"), Ok(Some(dec("3.5"))));
        assert_eq!(
            parse_danish("1.234.567,89 kr."),
            Ok(Some(dec("1234567.89")))
        );
        assert_eq!(parse_danish("500 000"), Ok(Some(dec("500000"))));
        assert_eq!(parse_danish("3,5 %"), Ok(Some(dec("3.5"))));
        assert_eq!(parse_danish("-2"), Ok(Some(dec("-2"))));
        assert_eq!(parse_danish("0"), Ok(Some(dec("0"))));
        assert_eq!(parse_danish(""), Ok(None));
        assert_eq!(parse_danish("  "), Ok(None));
        assert_eq!(parse_danish(" kr. "), Ok(None));
        for bad in ["abc", "1,2,3", "1.23.4", "1e5", "NaN", "--1"] {
            let message = parse_danish(bad).expect_err(bad);
            assert!(message.contains("ikke et tal"), "{bad}: {message}");
        }
    }

    #[test]
    fn formats_danish_numbers() {
        assert_eq!(danish(dec("500000")), "500.000");
        assert_eq!(danish(dec("1924")), "1.924");
        assert_eq!(danish(dec("3.50")), "3,5");
        assert_eq!(danish(dec("259.88")), "259,88");
        assert_eq!(danish(dec("-1234.5")), "-1.234,5");
        assert_eq!(danish(dec("0")), "0");
    }

    #[test]
    fn defaults_round_trip_through_the_form() {
        let stored = EconomicsSettings {
            economics: Economics::default(),
            version: 0,
            hourly_rate: dec("259.88"),
        };
        let form = EconomicsForm::from_settings(&stored);
        assert_eq!(form.discount_rate, "3,5");
        assert_eq!(form.annual_cost_per_fte, "500.000");
        let (draft, errors) = form.to_draft();
        assert!(errors.is_empty());
        assert_eq!(draft.validate(), Ok(Economics::default()));
    }
}
