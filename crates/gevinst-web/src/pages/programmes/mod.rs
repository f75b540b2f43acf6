//! Programme pages: the programme list, the programme overview (the director's Monday
//! page) with the forecast, benefit plans and actuals, and the årshjul.
//!
//! - `GET /programmer`, `GET|POST /programmer/ny`, `GET|POST /programmer/{id}/rediger`:
//!   [`list`] and [`form`];
//! - `GET /programmer/{id}`, `POST /programmer/{id}/prognose`: [`overview`];
//! - `GET|POST /programmer/sandsynligheder`: [`probabilities`];
//! - `GET /potentialer/{id}/gevinstplan` (+ `/maaling`, `/rediger`): [`plan`], with the
//!   approval of flagged actuals in [`approval`];
//! - `GET /aarshjul`: [`aarshjul`].

mod aarshjul;
mod approval;
mod form;
mod list;
mod overview;
mod plan;
mod probabilities;
mod steering;

pub(crate) use aarshjul::record_href;

/// The texts of a programme's targets, which the front page shows too.
pub(super) use overview::target_texts;
/// The forecast settings of the programme page, which the reports show too.
pub(super) use overview::FORECAST;

use super::form_input::{field, fields, form_pairs, merge_errors, potential_id, programme_id};
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;
use gevinst_domain::business_case::Decimal;
use gevinst_domain::danish::{
    format_fte as fte, format_input, format_kr as kr, format_target_amount as amount, parse_number,
};
use gevinst_domain::FieldErrors;

/// Routes of the programme pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programmer", get(list::show))
        .route("/programmer/ny", get(form::new_form).post(form::create))
        .route(
            "/programmer/sandsynligheder",
            get(probabilities::show).post(probabilities::save),
        )
        .route("/programmer/{id}", get(overview::show))
        .route(
            "/programmer/{id}/prognose",
            post(overview::compute_forecast),
        )
        .route(
            "/programmer/{id}/rediger",
            get(form::edit_form).post(form::update),
        )
        .route("/potentialer/{id}/gevinstplan", get(plan::show))
        .route("/potentialer/{id}/gevinstplan/maaling", post(plan::record))
        .route(
            "/potentialer/{id}/gevinstplan/maaling/{actual}/godkendelse",
            post(approval::decide),
        )
        .route(
            "/potentialer/{id}/gevinstplan/rediger",
            get(plan::edit_form).post(plan::edit_submit),
        )
        .route(
            "/potentialer/{id}/gevinstplan/maaling/{actual}/tilbagetraek",
            post(plan::withdraw),
        )
        .route("/aarshjul", get(aarshjul::show))
}

/// An optional number as the user would type it back.
fn input(d: Option<Decimal>) -> String {
    d.map(format_input).unwrap_or_default()
}

/// Parses an optional Danish number: empty is `None`; otherwise the domain's message.
fn opt_number(errors: &mut FieldErrors, name: &str, label: &str, raw: &str) -> Option<Decimal> {
    if raw.trim().is_empty() {
        return None;
    }
    match parse_number(raw) {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(
                name,
                "invalid",
                format!("{label} skal være et tal, f.eks. 1.234,5."),
            );
            None
        }
    }
}

/// Parses a year: a whole number 1900-2200.
fn opt_year(errors: &mut FieldErrors, name: &str, label: &str, raw: &str) -> Option<i32> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i32>() {
        Ok(y) if (1900..=2200).contains(&y) => Some(y),
        _ => {
            errors.add(
                name,
                "invalid",
                format!("{label} skal være et årstal, f.eks. 2026."),
            );
            None
        }
    }
}

/// One entry of an error summary.
#[derive(Debug, Clone)]
pub(crate) struct ErrorItem {
    /// The field's element id.
    pub anchor: String,
    /// Message.
    pub message: String,
}

/// Error summary entries for field errors; the anchor is the field name with brackets
/// and dots replaced, matching the ids the templates give inputs.
fn summary(errors: &FieldErrors) -> Vec<ErrorItem> {
    errors
        .0
        .iter()
        .map(|e| ErrorItem {
            anchor: anchor(&e.field),
            message: e.message.clone(),
        })
        .collect()
}

/// An element id for a field name: `benefits[0].kpi` → `benefits-0-kpi`.
fn anchor(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    for c in field.chars() {
        match c {
            '[' | '.' => out.push('-'),
            ']' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_and_formats() {
        assert_eq!(anchor("benefits[0].kpi"), "benefits-0-kpi");
        assert_eq!(kr("85987.53".parse().unwrap()), "85.988 kr.");
        assert_eq!(fte("0.05".parse().unwrap()), "0,05 årsværk");
        let mut e = FieldErrors::new();
        assert_eq!(
            opt_number(&mut e, "x", "X", "1.234,5"),
            Some("1234.5".parse().unwrap())
        );
        assert_eq!(opt_number(&mut e, "x", "X", ""), None);
        assert_eq!(opt_number(&mut e, "x", "X", "abc"), None);
        assert_eq!(e.0.len(), 1);
        assert_eq!(opt_year(&mut e, "y", "År", "20x"), None);
        assert_eq!(e.0.len(), 2);
    }
}
