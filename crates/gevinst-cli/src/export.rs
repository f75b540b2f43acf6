//! `gevinst export`: a tenant's whole portfolio as .xlsx or CSV.
//!
//! The operator exports the tenant as a whole (no user, no filters); the layout is that of
//! the download on the web page, documented in `gevinst_sheets::export::portfolio`. A file
//! is written next to its final name first and then renamed, so an interrupted export
//! never leaves half a file under the name asked for.

use crate::admin::{app_error, find_tenant};
use crate::args::{ExportArgs, ExportFormatArg};
use crate::settings::DatabaseSettings;
use crate::store::open_operator_app;
use anyhow::{anyhow, bail, Context};
use gevinst_app::export::{ExportFormat, ExportOptions};
use gevinst_domain::business_case::{SimulationSettings, MAX_ITERATIONS};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The format asked for, or the one OUT's name suggests.
fn choose_format(arg: Option<ExportFormatArg>, out: &Path) -> ExportFormat {
    match arg {
        Some(ExportFormatArg::Xlsx) => ExportFormat::Xlsx,
        Some(ExportFormatArg::Csv) => ExportFormat::Csv,
        None => {
            let csv = out == Path::new("-")
                || out
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if csv {
                ExportFormat::Csv
            } else {
                ExportFormat::Xlsx
            }
        }
    }
}

/// Writes `bytes` to `out` through a temporary file in the same directory.
fn write_file(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = out
        .file_name()
        .ok_or_else(|| anyhow!("{} is not a file name", out.display()))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(".part");
    let tmp: PathBuf = out.with_file_name(tmp_name);
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}", out.display())
    })
}

/// `gevinst export`.
pub async fn run(db: &DatabaseSettings, args: ExportArgs) -> anyhow::Result<()> {
    let format = choose_format(args.format, &args.out);
    let to_stdout = args.out == Path::new("-");
    if to_stdout && format == ExportFormat::Xlsx {
        bail!(
            "an .xlsx workbook cannot go to standard output; give a file name, or use --format csv"
        );
    }
    let simulation = match args.simulate {
        None => None,
        Some(n) if (1..=MAX_ITERATIONS).contains(&n) => Some(SimulationSettings {
            iterations: n,
            seed: args.seed,
        }),
        Some(n) => bail!("--simulate must be 1-1000000 iterations (got {n})"),
    };
    let app = open_operator_app(db).await?;
    let tenant = find_tenant(&app, &args.tenant).await?;
    let file = app
        .export()
        .export_tenant(&tenant, format, ExportOptions { simulation })
        .await
        .map_err(|e| app_error(e, "cannot export"))?;
    if to_stdout {
        let mut out = std::io::stdout().lock();
        out.write_all(&file.bytes)
            .and_then(|()| out.flush())
            .context("cannot write to standard output")?;
    } else {
        write_file(&args.out, &file.bytes)?;
        eprintln!(
            "exported {} potentials of {} to {} ({} bytes)",
            file.potentials,
            tenant.slug,
            args.out.display(),
            file.bytes.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_file_name_unless_given() {
        let f = |a, p: &str| choose_format(a, Path::new(p));
        assert_eq!(f(None, "ud.xlsx"), ExportFormat::Xlsx);
        assert_eq!(f(None, "ud.CSV"), ExportFormat::Csv);
        assert_eq!(f(None, "-"), ExportFormat::Csv);
        assert_eq!(f(None, "ud"), ExportFormat::Xlsx);
        assert_eq!(f(Some(ExportFormatArg::Csv), "ud.xlsx"), ExportFormat::Csv);
        assert_eq!(f(Some(ExportFormatArg::Xlsx), "-"), ExportFormat::Xlsx);
    }
}
