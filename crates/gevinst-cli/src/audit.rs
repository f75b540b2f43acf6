//! `gevinst audit verify`: checks every tenant's audit hash chain and names the first
//! broken link. Reading only; it works as the app role.

use crate::admin::{app_error, find_tenant};
use crate::args::AuditCommand;
use crate::settings::DatabaseSettings;
use crate::store::open_app;
use anyhow::bail;
use gevinst_domain::audit_chain::ChainReport;
use gevinst_domain::Tenant;

/// `gevinst audit …`.
pub async fn run(db: &DatabaseSettings, cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::Verify { tenant } => {
            let app = open_app(db).await?;
            let tenants = match tenant {
                Some(slug) => vec![find_tenant(&app, &slug).await?],
                None => app
                    .operator()
                    .tenants()
                    .await
                    .map_err(|e| app_error(e, "cannot list tenants"))?,
            };
            let mut broken = 0;
            for t in &tenants {
                let report = app.operator().verify_audit_chain(t).await.map_err(|e| {
                    app_error(
                        e,
                        &format!("cannot read the audit log of tenant {}", t.slug),
                    )
                })?;
                if !report.is_intact() {
                    broken += 1;
                }
                println!("{}", report_line(t, &report));
            }
            if broken > 0 {
                bail!(
                    "the audit log of {broken} of {} tenant(s) has been tampered with",
                    tenants.len()
                );
            }
        }
    }
    Ok(())
}

/// One tenant's line: `OK slug: N entries, head HASH` or `BROKEN slug: …`.
fn report_line(t: &Tenant, r: &ChainReport) -> String {
    match &r.broken {
        None => format!("OK {}: {} entries, head {}", t.slug, r.entries, r.head_hash),
        Some(b) => {
            let at = match (b.id, b.seq) {
                (0, Some(seq)) => format!("after seq {}", seq - 1),
                (id, Some(seq)) => format!("entry id {id} (seq {seq})"),
                (id, None) => format!("entry id {id}"),
            };
            format!(
                "BROKEN {}: {at}: {} ({} entries intact before it)",
                t.slug,
                b.problem.describe(),
                r.entries
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gevinst_domain::audit_chain::{ChainBreak, ChainProblem, GENESIS};
    use gevinst_domain::{Slug, TenantId};

    #[test]
    fn lines_name_the_tenant_and_the_first_broken_link() {
        let t = Tenant {
            id: TenantId(1),
            slug: Slug::parse("eksempel").unwrap(),
            name: "Eksempel".into(),
            version: 1,
        };
        let mut r = ChainReport {
            entries: 3,
            head_hash: GENESIS.into(),
            broken: None,
        };
        assert_eq!(
            report_line(&t, &r),
            format!("OK eksempel: 3 entries, head {GENESIS}")
        );
        r.broken = Some(ChainBreak {
            id: 17,
            seq: Some(4),
            problem: ChainProblem::Altered,
        });
        let line = report_line(&t, &r);
        assert!(
            line.starts_with("BROKEN eksempel: entry id 17 (seq 4): altered"),
            "{line}"
        );
        r.broken = Some(ChainBreak {
            id: 0,
            seq: Some(4),
            problem: ChainProblem::Truncated { head_seq: 6 },
        });
        assert!(report_line(&t, &r).contains("after seq 3: missing entries at the end"));
    }
}
