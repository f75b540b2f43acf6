//! The OpenAPI 3 document of the API, generated with utoipa from the handlers'
//! `#[utoipa::path]` annotations and served at `/api/v1/openapi.json` (no token needed).

use super::business_case::{self, NumberNotes};
use super::programmes;
use super::{approvals, potential_figures, potentials, reference};
use crate::error::{ErrorBody, ErrorDetail};
use axum::Json;
use gevinst_domain::programme::{MAX_YEAR, MIN_YEAR};
use gevinst_domain::SortKey;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ArrayItems, KnownFormat, ObjectBuilder, OneOfBuilder,
    Schema, SchemaFormat, Type,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::RefOr;
use utoipa::{Modify, OpenApi};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "gevinst API",
        description = "The register of a municipality's digitalisation potentials (potentialer), \
                       their business cases and the programme's benefits realisation. \
                       Authenticate with a personal token: `Authorization: Bearer gvt_…` \
                       (create one with `gevinst token create`). Every error has the body \
                       `{\"error\": {\"code\", \"message\", \"fields\"}}`. Changes use optimistic \
                       concurrency: send the ETag you read as `If-Match` (or a `version` field)."
    ),
    paths(
        potentials::list,
        potential_figures::list,
        potentials::create,
        potentials::get_one,
        potentials::update,
        potentials::change_status,
        potentials::history,
        business_case::get_case,
        business_case::put_case,
        business_case::simulate,
        business_case::get_economics,
        business_case::put_economics,
        programmes::list,
        programmes::create,
        programmes::get_one,
        programmes::update,
        programmes::overview,
        programmes::forecast,
        programmes::plans::get_plan,
        programmes::plans::put_plan,
        programmes::plans::derive,
        programmes::plans::list_actuals,
        programmes::plans::record_actual,
        programmes::plans::withdraw_actual,
        approvals::decide,
        approvals::pending,
        programmes::settings::get_status_probabilities,
        programmes::settings::put_status_probabilities,
        programmes::settings::reminders,
        reference::units,
        reference::fagomraader,
        reference::technologies,
        reference::overview,
        reference::me,
        openapi_json,
    ),
    components(schemas(ErrorBody, ErrorDetail, SortKey)),
    modifiers(&BearerAuth, &NumberNotes, &ExactSchemas),
    security(("bearer" = [])),
    tags(
        (name = "potentials", description = "The register of potentials"),
        (name = "business cases", description = "Business cases with uncertainty: cash flows, NPV, \
            payback, risk pool, Monte Carlo, tornado; and the tenant's economic settings. Exact \
            amounts are decimal strings (schema `Decimal`); requests may also send JSON numbers."),
        (name = "programmes", description = "Programmes with targets and distribution keys, \
            their overview (target, planned, decided, realised, harvested, gaps) and forecast. \
            Exact values are decimal strings (schema `Decimal`); requests may also send JSON numbers."),
        (name = "benefits realisation", description = "Benefits realisation plans, actuals \
            (only the benefit's owner, a porteføljeleder or an admin records them; large or \
            surprising ones wait for a second porteføljeleder's or admin's approval), the \
            forecast probabilities per status and reminders of due measurements (årshjul)."),
        (name = "reference", description = "Organisation, lists, counts and the caller"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// Adds the bearer-token security scheme.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("gvt_<64 hex>")
                    .description(Some("A personal API token of a user in your tenant"))
                    .build(),
            ),
        );
    }
}

/// Makes what the derives cannot say exact: the `Period` schema (a tuple variant, which
/// utoipa types as objects) and the forms the version headers take; and notes on every
/// schema with exact decimals how they travel.
struct ExactSchemas;

/// How a schema refers to the `Decimal` schema.
const DECIMAL_REFERENCE: &str = "#/components/schemas/Decimal";

/// Note added to every schema with a `Decimal` among its properties.
const DECIMAL_NOTE: &str = "Exact values (kr., hours, årsværk, multipliers, rates, \
    probabilities) are decimals serialised as JSON strings such as \"100000\" or \"0.5\" \
    (schema `Decimal`); parse them as decimals, not floats. Requests may also send JSON numbers.";

/// `If-Match` as [`super::versions`] reads it: a version, quoted or bare, maybe weak.
const IF_MATCH_PATTERN: &str = r#"^\s*(W/)?("\s*[+-]?[0-9]{1,18}\s*"|[+-]?[0-9]{1,18})\s*$"#;

/// `If-None-Match`: only `*` (there is no record yet).
const IF_NONE_MATCH_PATTERN: &str = r"^\s*\*\s*$";

impl Modify for ExactSchemas {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .schemas
            .insert("Period".to_owned(), period_schema());
        let with_decimals: Vec<String> = components
            .schemas
            .iter()
            .filter(|(name, schema)| {
                *name != "Decimal"
                    && serde_json::to_string(schema)
                        .is_ok_and(|json| json.contains(DECIMAL_REFERENCE))
            })
            .map(|(name, _)| name.clone())
            .collect();
        add_schema_notes(
            openapi,
            with_decimals
                .iter()
                .map(|name| (name.as_str(), DECIMAL_NOTE)),
        );
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post];
            for operation in operations.into_iter().flatten() {
                for parameter in operation.parameters.iter_mut().flatten() {
                    let pattern = match parameter.name.as_str() {
                        "If-Match" => IF_MATCH_PATTERN,
                        "If-None-Match" => IF_NONE_MATCH_PATTERN,
                        _ => continue,
                    };
                    parameter.schema = Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .pattern(Some(pattern))
                            .into(),
                    );
                }
            }
        }
    }
}

/// A measurement period: `{"year": 2026}` or `{"quarter": [2026, 2]}`.
fn period_schema() -> RefOr<Schema> {
    let year = || {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(MIN_YEAR))
            .maximum(Some(MAX_YEAR))
    };
    let quarter = ArrayBuilder::new()
        .prefix_items([
            Schema::from(year().description(Some("The year"))),
            Schema::from(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(4))
                    .description(Some("The quarter, 1–4")),
            ),
        ])
        .items(ArrayItems::False)
        .min_items(Some(2))
        .max_items(Some(2))
        .description(Some("A quarter: [year, 1–4]"));
    let variant = |name: &str, schema: Schema| {
        ObjectBuilder::new()
            .property(name, schema)
            .required(name)
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
    };
    OneOfBuilder::new()
        .item(variant("quarter", quarter.into()))
        .item(variant(
            "year",
            year().description(Some("A whole calendar year")).into(),
        ))
        .description(Some(
            "A measurement period: `{\"year\": 2026}` or `{\"quarter\": [2026, 2]}`",
        ))
        .into()
}

/// Adds a note to the description of each named component schema (after a blank line, or
/// as the whole description when there is none); names that are not a schema are skipped.
pub(crate) fn add_schema_notes<'a>(
    openapi: &mut utoipa::openapi::OpenApi,
    notes: impl IntoIterator<Item = (&'a str, &'a str)>,
) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    for (name, note) in notes {
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
            object.description = Some(match object.description.take() {
                Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
                _ => note.to_owned(),
            });
        }
    }
}

/// This OpenAPI document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
