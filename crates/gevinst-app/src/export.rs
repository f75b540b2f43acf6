//! Exporting the portfolio to .xlsx or CSV.
//!
//! - [`export`](Exports::export): what a logged-in user downloads. Anyone in the tenant may read every
//!   potential, so anyone may export; the same [`ListParams`] filters as the list page
//!   select the potentials (all pages, in the list's sort order; `page` and `per_page`
//!   are ignored). Invalid filters are [`AppError::Invalid`], never a partial export.
//! - [`export_tenant`](Exports::export_tenant): the operator's export from the CLI (`gevinst export`), the whole
//!   tenant without a user.
//!
//! Every export and report download is audited ([`audit_export`](Exports::audit_export), [`record_download`](Exports::record_download)):
//! an entry with [`EntityKind::Export`](gevinst_domain::EntityKind::Export) and
//! [`AuditAction::Export`](gevinst_domain::AuditAction::Export) names what left
//! gevinst (an [`ExportRecord`]: what, format, filter and row count) and who took it
//! (`None` for the operator's CLI), keyed by the tenant. The entry is written before the file is handed out,
//! so a failed audit means no file. Such entries change no data, so they do not
//! invalidate cached forecasts
//! ([`AuditAction::changes_data`](gevinst_domain::AuditAction::changes_data)).
//!
//! Each potential comes with the names it refers to, its business case and the case's
//! deterministic results with the tenant's economics; on request ([`ExportOptions`]) each
//! case is also simulated for the NPV percentiles. The calculations run on tokio's
//! blocking pool. The layout of the files is documented in
//! [`gevinst_sheets::export::portfolio`].

use crate::auth::Principal;
use crate::common::{blocking, check_iterations, valuing_economics};
use crate::compute::ComputeLimiter;
use crate::potentials::{ListParams, TenantLists};
use crate::Exports;
use crate::{AppError, Result};
use chrono::{DateTime, Utc};
use gevinst_domain::business_case::{evaluate, simulate, SimulationSettings, MAX_ITERATIONS};
use gevinst_domain::danish::format_count;
use gevinst_domain::{audit, ProgrammeId, TenantId, UserId};
use gevinst_domain::{FieldErrors, Potential, PotentialId, PotentialQuery, Tenant};
use gevinst_sheets::export::portfolio::{self, Percentiles, Person, Portfolio, PortfolioRow};
use gevinst_store::prelude::*;
use gevinst_store::StoredBusinessCase;
use std::collections::HashMap;

/// The programme report and the benefit plan as workbooks, and the texts they share with
/// the printed reports.
pub use gevinst_sheets::export::programme as programme_reports;
/// A date the Danish way in running text: `1. december 2026`.
pub use gevinst_sheets::import::values::date_in_words;

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// An .xlsx workbook with the sheets Potentialer, Business cases, Risici and Nøgletal.
    Xlsx,
    /// The Potentialer sheet as `;`-separated UTF-8 CSV with a byte-order mark, followed by
    /// the Business cases and Risici sheets in sections when there are any.
    Csv,
}

impl ExportFormat {
    /// Parses `xlsx` or `csv` (any case, surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Some(ExportFormat::Xlsx),
            "csv" => Some(ExportFormat::Csv),
            _ => None,
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
        }
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// Options of an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Simulate every business case with these settings and add the NPV percentiles to
    /// the Nøgletal sheet. `None`: no simulation.
    pub simulation: Option<SimulationSettings>,
}

/// An export ready to save or send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// A file name such as `potentialer-kalundborg-2026-12-01.xlsx`.
    pub filename: String,
    /// The format.
    pub format: ExportFormat,
    /// Number of potentials in the file.
    pub potentials: usize,
}

/// Most potentials one export holds; more is refused with a Danish message.
pub const MAX_EXPORT_ROWS: usize = 100_000;

/// Every potential matching `query`, across all pages, in the query's order; more than
/// [`MAX_EXPORT_ROWS`] is a field error.
pub(crate) async fn all_matching(
    store: &dyn Store,
    tenant: &Tenant,
    query: &PotentialQuery,
) -> Result<Vec<Potential>> {
    all_pages(store, tenant, query, Some(MAX_EXPORT_ROWS)).await
}

/// Every potential matching `query`, across all pages, in the query's order; more than
/// `limit` (if any) is a field error. A potential that moves between pages while they are
/// read is kept once.
pub(crate) async fn all_pages(
    store: &dyn Store,
    tenant: &Tenant,
    query: &PotentialQuery,
    limit: Option<usize>,
) -> Result<Vec<Potential>> {
    let mut q = query.clone();
    q.per_page = PotentialQuery::MAX_PER_PAGE;
    q.page = 1;
    let mut out: Vec<Potential> = Vec::new();
    loop {
        let page = store.list_potentials(tenant.id, &q).await?;
        let got = page.items.len();
        out.extend(page.items);
        if let Some(limit) = limit.filter(|l| out.len() > *l) {
            return Err(FieldErrors::single(
                "export",
                "too_many",
                format!(
                    "Udtrækket er for stort (over {} potentialer). Brug filtrene til at dele det op.",
                    format_count(limit)
                ),
            )
            .into());
        }
        if got == 0 || out.len() as u64 >= page.total {
            break;
        }
        q.page += 1;
    }
    // A potential could move between pages while they are read; keep the first copy.
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.id));
    Ok(out)
}

fn person(lists: &TenantLists, id: Option<gevinst_domain::UserId>) -> Option<Person> {
    let id = id?;
    lists.users.iter().find(|u| u.id == id).map(|u| Person {
        name: u.name.clone(),
        email: u.email.to_string(),
    })
}

/// Builds the portfolio for `potentials`, evaluating (and optionally simulating) each case.
/// A simulated export runs within `limiter`'s caps when one is given (the web download);
/// the operator's CLI export has none.
pub(crate) async fn build(
    store: &dyn Store,
    limiter: Option<&ComputeLimiter>,
    tenant: &Tenant,
    lists: &TenantLists,
    potentials: Vec<Potential>,
    options: ExportOptions,
) -> Result<Portfolio> {
    if let Some(s) = options.simulation {
        check_iterations(s, MAX_ITERATIONS)?;
    }
    let economics = valuing_economics(store, tenant.id).await?;
    let mut cases: HashMap<PotentialId, StoredBusinessCase> = store
        .list_business_cases(tenant.id)
        .await?
        .into_iter()
        .map(|c| (c.potential_id, c))
        .collect();
    let rows: Vec<PortfolioRow> = potentials
        .into_iter()
        .map(|p| PortfolioRow {
            unit_path: lists
                .units
                .path(p.unit_id)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            fagomraade: lists.fagomraade_name(p.fagomraade_id).map(str::to_owned),
            technology: lists.technology_name(p.technology_id).map(str::to_owned),
            submitted_by: person(lists, p.submitted_by),
            benefit_owner: person(lists, p.benefit_owner),
            digital_agent: person(lists, p.digital_agent),
            case: cases.remove(&p.id).map(|c| c.case),
            evaluation: None,
            npv_percentiles: None,
            potential: p,
        })
        .collect();
    let simulation = options.simulation;
    let job = move || {
        let mut rows = rows;
        for r in &mut rows {
            if let Some(case) = &r.case {
                r.evaluation = evaluate(case, &economics).ok();
                if let Some(settings) = simulation {
                    r.npv_percentiles =
                        simulate(case, &economics, settings)
                            .ok()
                            .map(|s| Percentiles {
                                p10: s.npv.p10,
                                p50: s.npv.p50,
                                p90: s.npv.p90,
                            });
                }
            }
        }
        Portfolio { economics, rows }
    };
    match (simulation, limiter) {
        (Some(_), Some(limiter)) => limiter.run(tenant.id, "export", job).await,
        _ => blocking("export", job).await,
    }
}

/// Writes the portfolio in `format` off the async workers.
pub(crate) async fn write(
    portfolio: Portfolio,
    tenant: &Tenant,
    format: ExportFormat,
    now: DateTime<Utc>,
) -> Result<ExportFile> {
    let potentials = portfolio.rows.len();
    let bytes = blocking("export", move || match format {
        ExportFormat::Xlsx => portfolio::workbook(&portfolio),
        ExportFormat::Csv => portfolio::csv(&portfolio),
    })
    .await?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(ExportFile {
        bytes,
        filename: format!(
            "potentialer-{}-{}.{}",
            tenant.slug,
            now.format("%Y-%m-%d"),
            format.extension()
        ),
        format,
        potentials,
    })
}

/// What an export or report download contained, as recorded in the audit log (the
/// entry's changes list these fields).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExportRecord {
    /// What was exported: `potentials` (the list or the whole tenant),
    /// `programme_workbook`, `programme_report`, `benefit_plan_workbook`,
    /// `potential_report` or `import_error_report`.
    pub what: &'static str,
    /// The format: `xlsx`, `csv`, or `html` for a printable report.
    pub format: &'static str,
    /// The filters used, or the record exported, e.g. `{"status": "ide"}`,
    /// `{"programme": 3}` or `{"scope": "tenant"}`.
    pub filter: serde_json::Value,
    /// Rows of the main table: potentials (portfolio, programme), actuals (a potential's
    /// plan and report) or the upload's rows (import error report).
    pub rows: usize,
    /// Where it was taken: `web` or `cli`.
    pub channel: &'static str,
}

impl Exports<'_> {
    /// Has the store record an export by `who` (see
    /// [`AuditStore::record_export`](gevinst_store::AuditStore::record_export)), with the
    /// [`ExportRecord`]'s fields as its facts.
    pub async fn audit_export(&self, who: &Principal, record: &ExportRecord) -> Result<()> {
        let store = self.app.store();
        write_audit(store, who.tenant.id, who.actor_id(), record).await
    }

    /// Audits a download by a logged-in user (see [`Download`]) with `rows` rows; call it
    /// before handing out the file.
    pub async fn record_download(
        &self,
        who: &Principal,
        download: Download,
        rows: usize,
    ) -> Result<()> {
        self.audit_export(who, &download.record(rows)).await
    }

    /// The potentials a logged-in user selected with the list's filters, as a file. Anyone
    /// in the tenant may export; invalid filters are [`AppError::Invalid`] with the list's
    /// field names (`status`, `unit`, …). A simulated export runs within `limiter`'s caps
    /// ([`AppError::Busy`] when they are reached). The export is audited ([`audit_export`](Exports::audit_export)).
    pub async fn export(
        &self,
        who: &Principal,
        params: &ListParams,
        format: ExportFormat,
        options: ExportOptions,
    ) -> Result<ExportFile> {
        let store = self.app.store();
        let lists = TenantLists::load_for(store, who.tenant.id).await?;
        let query = params.to_query(&lists)?;
        let potentials = all_matching(store, &who.tenant, &query).await?;
        let portfolio = build(
            store,
            Some(self.app.compute()),
            &who.tenant,
            &lists,
            potentials,
            options,
        )
        .await?;
        let file = write(portfolio, &who.tenant, format, Utc::now()).await?;
        let record = ExportRecord {
            what: "potentials",
            format: format.extension(),
            filter: filter_of(params),
            rows: file.potentials,
            channel: "web",
        };
        self.audit_export(who, &record).await?;
        Ok(file)
    }

    /// The whole tenant as a file, for the operator (`gevinst export`); potentials by id.
    /// Audited ([`audit_export`](Exports::audit_export)) with no user and the channel `cli`.
    pub async fn export_tenant(
        &self,
        tenant: &Tenant,
        format: ExportFormat,
        options: ExportOptions,
    ) -> Result<ExportFile> {
        let store = self.app.store();
        let lists = TenantLists::load_for(store, tenant.id).await?;
        let query = PotentialQuery {
            sort: gevinst_domain::SortKey::Created,
            descending: false,
            ..PotentialQuery::default()
        };
        let mut potentials = all_matching(store, tenant, &query).await?;
        potentials.sort_by_key(|p| p.id);
        let portfolio = build(store, None, tenant, &lists, potentials, options).await?;
        let file = write(portfolio, tenant, format, Utc::now()).await?;
        let record = ExportRecord {
            what: "potentials",
            format: format.extension(),
            filter: serde_json::json!({ "scope": "tenant" }),
            rows: file.potentials,
            channel: "cli",
        };
        // The operator acts as the system: no user.
        write_audit(store, tenant.id, None, &record).await?;
        Ok(file)
    }
}

async fn write_audit(
    store: &dyn Store,
    tenant: TenantId,
    user: Option<UserId>,
    record: &ExportRecord,
) -> Result<()> {
    Ok(store
        .record_export(tenant, user, audit::created(record))
        .await?)
}

/// A download from the web UI other than the list's export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    /// `/programmer/{id}/eksport.xlsx`.
    ProgrammeWorkbook(ProgrammeId),
    /// `/programmer/{id}/rapport`, the printable report.
    ProgrammeReport(ProgrammeId),
    /// `/potentialer/{id}/gevinstplan.xlsx`.
    BenefitPlanWorkbook(PotentialId),
    /// `/potentialer/{id}/gevinstrapport`, the printable report.
    PotentialReport(PotentialId),
    /// `/import/{upload}/fejlrapport.xlsx`, the rows of an upload with their errors.
    ImportErrorReport,
}

impl Download {
    fn record(self, rows: usize) -> ExportRecord {
        let (what, format, filter) = match self {
            Download::ProgrammeWorkbook(p) => (
                "programme_workbook",
                "xlsx",
                serde_json::json!({ "programme": p.0 }),
            ),
            Download::ProgrammeReport(p) => (
                "programme_report",
                "html",
                serde_json::json!({ "programme": p.0 }),
            ),
            Download::BenefitPlanWorkbook(p) => (
                "benefit_plan_workbook",
                "xlsx",
                serde_json::json!({ "potential": p.0 }),
            ),
            Download::PotentialReport(p) => (
                "potential_report",
                "html",
                serde_json::json!({ "potential": p.0 }),
            ),
            Download::ImportErrorReport => (
                "import_error_report",
                "xlsx",
                serde_json::json!({ "import": "upload" }),
            ),
        };
        ExportRecord {
            what,
            format,
            filter,
            rows,
            channel: "web",
        }
    }
}

/// The list filters as recorded in the audit log: the non-empty ones, search text cut to
/// 200 characters. Paging and sorting select no data and are left out.
fn filter_of(params: &ListParams) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (k, v) in [
        ("status", &params.status),
        ("unit", &params.unit),
        ("fagomraade", &params.fagomraade),
        ("technology", &params.technology),
        ("q", &params.q),
    ] {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            m.insert(k.into(), v.chars().take(200).collect::<String>().into());
        }
    }
    serde_json::Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_recorded_without_paging() {
        let params = ListParams {
            status: Some("ide, vurderet".into()),
            unit: Some(" ".into()),
            q: Some("x".repeat(300)),
            page: Some("3".into()),
            ..ListParams::default()
        };
        let f = filter_of(&params);
        assert_eq!(f["status"], "ide, vurderet");
        assert!(f.get("unit").is_none() && f.get("page").is_none());
        assert_eq!(f["q"].as_str().map(str::len), Some(200));
        let r = Download::ProgrammeWorkbook(ProgrammeId(4)).record(9);
        assert_eq!(
            (r.what, r.format, r.rows),
            ("programme_workbook", "xlsx", 9)
        );
        assert_eq!(r.filter["programme"], 4);
    }

    #[test]
    fn formats() {
        assert_eq!(ExportFormat::parse(" XLSX "), Some(ExportFormat::Xlsx));
        assert_eq!(ExportFormat::parse("csv"), Some(ExportFormat::Csv));
        assert_eq!(ExportFormat::parse("ods"), None);
        assert_eq!(ExportFormat::Csv.content_type(), "text/csv; charset=utf-8");
        assert_eq!(ExportFormat::Xlsx.extension(), "xlsx");
    }
}
