//! Downloading the list of potentials as a spreadsheet.
//!
//! - `GET /potentialer/eksport.xlsx`: the workbook (Potentialer, Business cases, Risici,
//!   Nøgletal).
//! - `GET /potentialer/eksport.csv`: the Potentialer sheet as `;`-separated UTF-8 CSV
//!   with a byte-order mark, then the business cases and risks in sections (which the
//!   import reads back).
//!
//! Both take the list page's filters (`status`, `unit`, `fagomraade`, `technology`, `q`,
//! `sort`, `order`) and export every matching potential, not just one page. Anyone logged
//! in may download what the list shows them; invalid filters give the Danish error page
//! (422), never a partial file.
//!
//! `simuler=1` on the workbook also simulates every business case
//! ([`SIMULATION_ITERATIONS`] iterations, seed 0, so the same data gives the same file)
//! and adds the NPV percentiles P10/P50/P90 to the Nøgletal sheet.

use super::list::read_params;
use crate::error::PageError;
use crate::render::download;
use crate::session::PageUser;
use crate::AppState;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use gevinst_app::export::{ExportFormat, ExportOptions};
use gevinst_app::AppError;
use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::FieldErrors;

/// Iterations per business case when the download is simulated.
pub(crate) const SIMULATION_ITERATIONS: u32 = 2_000;

/// Reads `simuler` from the query string: absent, empty or `0` is off, `1` is on, anything
/// else is a field error.
fn simulation(raw: Option<&str>) -> Result<Option<SimulationSettings>, PageError> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or_default())
        .unwrap_or_default();
    match pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "simuler")
        .map(|(_, v)| v.trim())
    {
        None | Some("") | Some("0") => Ok(None),
        Some("1") => Ok(Some(SimulationSettings {
            iterations: SIMULATION_ITERATIONS,
            seed: 0,
        })),
        Some(_) => Err(PageError(AppError::Invalid(FieldErrors::single(
            "simuler",
            "invalid",
            "Simulering skal være 1 (til) eller 0 (fra).",
        )))),
    }
}

async fn send(
    state: &AppState,
    who: &PageUser,
    raw: Option<&str>,
    format: ExportFormat,
) -> Result<Response, PageError> {
    let params = read_params(raw);
    let options = ExportOptions {
        simulation: match format {
            ExportFormat::Xlsx => simulation(raw)?,
            ExportFormat::Csv => None,
        },
    };
    let file = state
        .app
        .export()
        .export(&who.principal, &params, format, options)
        .await?;
    Ok(download(
        file.format.content_type(),
        &file.filename,
        file.bytes,
    ))
}

/// `GET /potentialer/eksport.xlsx`.
pub(super) async fn xlsx(
    State(state): State<AppState>,
    who: PageUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    send(&state, &who, raw.as_deref(), ExportFormat::Xlsx).await
}

/// `GET /potentialer/eksport.csv`.
pub(super) async fn csv(
    State(state): State<AppState>,
    who: PageUser,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    send(&state, &who, raw.as_deref(), ExportFormat::Csv).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulation_is_off_unless_asked_for() {
        assert_eq!(simulation(None).unwrap(), None);
        assert_eq!(simulation(Some("status=ide&simuler=0")).unwrap(), None);
        assert_eq!(
            simulation(Some("simuler=1")).unwrap(),
            Some(SimulationSettings {
                iterations: 2_000,
                seed: 0
            })
        );
        assert!(simulation(Some("simuler=ja")).is_err());
    }
}
