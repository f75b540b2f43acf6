//! `/admin/revisionsspor`: the admin checks that the tenant's audit log (revisionsspor) is
//! unchanged since it was written. The check walks the whole hash chain (see
//! [`gevinst_domain::audit_chain`]); the page names the first broken link, if any.

use crate::error::PageError;
use crate::pages::layout::Layout;
use crate::render::Page;
use crate::session::PageUser;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use gevinst_domain::audit_chain::ChainReport;

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    layout: Layout,
    /// The verdict, one sentence.
    verdict: String,
    intact: bool,
    head_hash: String,
}

/// The Danish verdict of a verification.
fn verdict(r: &ChainReport) -> String {
    match &r.broken {
        None => format!("Revisionssporet er intakt ({} poster).", r.entries),
        Some(b) => {
            let which = match (b.id, b.seq) {
                (0, _) => "Efter den sidste post".to_owned(),
                (id, Some(seq)) => format!("Post nr. {seq} (id {id})"),
                (id, None) => format!("Posten med id {id}"),
            };
            format!(
                "Revisionssporet er brudt. {which}: {}. De {} poster før den er intakte.",
                b.problem.describe_da(),
                r.entries
            )
        }
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    who: PageUser,
) -> Result<Response, PageError> {
    let report = state.app.admin().verify_audit_chain(&who.principal).await?;
    let page = AuditPage {
        layout: Layout::new(&who, "Revisionsspor", "admin"),
        verdict: verdict(&report),
        intact: report.is_intact(),
        head_hash: report.head_hash,
    };
    Ok(Page(page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_domain::audit_chain::{ChainBreak, ChainProblem, GENESIS};

    #[test]
    fn verdicts_are_danish_and_name_the_entry() {
        let mut r = ChainReport {
            entries: 12,
            head_hash: GENESIS.into(),
            broken: None,
        };
        assert_eq!(verdict(&r), "Revisionssporet er intakt (12 poster).");
        r.broken = Some(ChainBreak {
            id: 40,
            seq: Some(13),
            problem: ChainProblem::Altered,
        });
        assert_eq!(
            verdict(&r),
            "Revisionssporet er brudt. Post nr. 13 (id 40): posten er ændret, efter den blev skrevet. De 12 poster før den er intakte."
        );
    }
}
