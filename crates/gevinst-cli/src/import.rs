//! `gevinst import`: potentials from a spreadsheet into a tenant, as the operator.
//!
//! Prints the preview summary on stdout (in Danish: counts of new, updated, duplicate,
//! error and warning rows, the first errors with their row numbers, and unknown values),
//! then commits the import in one transaction unless `--dry-run`. Rows with errors refuse
//! the whole import (exit code 1, nothing written) unless `--only-valid`; with
//! `--dry-run` the exit code is 1 too when there are errors, so scripts can check a file.
//! While committing, a progress bar runs on stderr when stderr is a terminal.
//!
//! Values: `--values FILE` and a saved mapping (`--mapping NAME`) bring value decisions,
//! `--accept-suggestions` takes the suggestions the web's values page pre-selects (status
//! words such as "godkendt" → Besluttet, the closest existing name), and `--show-mapping`
//! prints, before the counts, where each column and value went and why
//! ([`import_setup`](crate::import_setup)).

use crate::admin::{app_error, find_tenant};
use crate::args::ImportArgs;
use crate::import_setup;
use crate::settings::DatabaseSettings;
use crate::store::open_operator_app;
use anyhow::{anyhow, bail, Context};
use gevinst_app::import::{
    ImportChoices, ImportInput, ImportPreview, Importer, Limits, RowAction, TextEncoding,
};
use gevinst_app::AppError;
use gevinst_domain::cpr::mask_cpr;
use gevinst_domain::danish::format_count;
use indicatif::{ProgressBar, ProgressStyle};

/// Testing hook: with this environment variable set to N, `import` aborts the process
/// after writing N rows, in the middle of its database transaction. The crash test uses it
/// to show that a killed import leaves nothing behind.
pub const ABORT_AFTER_ROWS_ENV: &str = "GEVINST_FAULT_ABORT_AFTER_ROWS";
use std::io::IsTerminal;
use std::path::Path;

/// How many errors the summary lists.
const FIRST_ERRORS: usize = 10;

fn rows_with_errors(n: usize) -> String {
    if n == 1 {
        "1 række har fejl".to_owned()
    } else {
        format!("{} rækker har fejl", format_count(n))
    }
}

/// The preview summary, as printed. `encoding`: how a text file was read.
pub fn summary(file: &Path, encoding: Option<TextEncoding>, p: &ImportPreview) -> String {
    let mut out = String::new();
    let kind = if p.gevinst_export {
        " (gevinst-eksport)"
    } else {
        ""
    };
    let read_as = match encoding {
        Some(e) => format!(", tegnsæt: {}", e.label()),
        None => String::new(),
    };
    out.push_str(&format!(
        "Fil: {} (ark: {}{read_as}){kind}\n",
        shown(file),
        p.sheet
    ));
    for m in &p.mapping_problems {
        out.push_str(&format!("Kolonneopsætning: {m}\n"));
    }
    let c = p.counts;
    out.push_str(&format!(
        "Nye: {}, opdateringer: {}, dubletter: {}, fejl: {}, advarsler: {}\n",
        format_count(c.new),
        format_count(c.update),
        format_count(c.duplicate),
        format_count(c.error),
        format_count(c.warning)
    ));
    let taken: Vec<String> = p.suggestions_taken().map(|v| v.taken_text()).collect();
    if !taken.is_empty() {
        out.push_str(&format!(
            "Forslag taget: {} ({})\n",
            format_count(taken.len()),
            taken.join("; ")
        ));
    }
    let errors = p.first_errors(FIRST_ERRORS);
    if !errors.is_empty() {
        out.push_str("Fejl:\n");
        for e in &errors {
            out.push_str(&format!("  {e}\n"));
        }
        let total: usize = p
            .rows
            .iter()
            .filter(|r| r.action == RowAction::Error)
            .map(|r| r.errors.len())
            .sum();
        if total > errors.len() {
            out.push_str(&format!(
                "  … og {} fejl mere\n",
                format_count(total - errors.len())
            ));
        }
    }
    out.push_str(&choices_hint(p));
    for u in &p.unknown {
        let rows: Vec<String> = u.rows.iter().take(5).map(u32::to_string).collect();
        out.push_str(&format!(
            "Ukendt {} «{}» (række {}): {}\n",
            u.kind.label(),
            u.raw,
            rows.join(", "),
            u.resolution
        ));
    }
    for (what, names) in [
        ("enhed", &p.new_units),
        ("fagområde", &p.new_fagomraader),
        ("teknologi", &p.new_technologies),
    ] {
        for n in names {
            out.push_str(&format!("Opretter {what}: {n}\n"));
        }
    }
    out
}

/// The possible duplicates and the rows without a reason for their status, with the flag
/// that decides them.
fn choices_hint(p: &ImportPreview) -> String {
    let mut out = String::new();
    let skipped: Vec<String> = p
        .rows
        .iter()
        .filter(|r| r.possible_duplicate && r.action == RowAction::Duplicate)
        .map(|r| format!("  Række {}: {}\n", r.row, r.reason))
        .collect();
    if !skipped.is_empty() {
        out.push_str(&format!(
            "Mulige dubletter, springes over (brug --keep-duplicates for at importere dem): {}\n",
            format_count(skipped.len())
        ));
        skipped
            .iter()
            .take(FIRST_ERRORS)
            .for_each(|l| out.push_str(l));
    }
    let missing = p.counts.missing_reason;
    if missing > 0 {
        out.push_str(&format!(
            "{} mangler en begrundelse for status; brug --default-reason for at give én begrundelse for alle.\n",
            if missing == 1 {
                "1 række".to_owned()
            } else {
                format!("{} rækker", format_count(missing))
            }
        ));
    }
    out
}

/// A path as printed: never with a CPR number in clear text.
fn shown(path: &Path) -> String {
    mask_cpr(&path.display().to_string())
}

/// `gevinst import`. Everything it prints — the summary, the errors — has CPR-like numbers
/// masked (the preview already is; file names and error messages are masked here).
pub async fn run(db: &DatabaseSettings, args: ImportArgs) -> anyhow::Result<()> {
    import(db, args)
        .await
        .map_err(|e| anyhow!(mask_cpr(&format!("{e:#}"))))
}

async fn import(db: &DatabaseSettings, args: ImportArgs) -> anyhow::Result<()> {
    let limits = Limits::default();
    let meta = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", shown(&args.file)))?;
    if meta.len() > limits.max_file_bytes as u64 {
        bail!(
            "Filen er for stor ({} MB); højst {} MB kan importeres.",
            meta.len() / (1024 * 1024),
            limits.max_file_bytes / (1024 * 1024)
        );
    }
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("cannot read {}", shown(&args.file)))?;
    let app = open_operator_app(db).await?;
    let tenant = find_tenant(&app, &args.tenant).await?;
    let who = Importer::Operator(&tenant);
    let mut plan =
        import_setup::plan(&app, who, args.mapping.as_deref(), args.values.as_deref()).await?;
    let filename = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mapping = plan.mapping.as_ref().map(|(m, _)| m.clone());
    let input = ImportInput {
        bytes: &bytes,
        filename: &filename,
        sheet: args.sheet.as_deref(),
        mapping: mapping.as_ref(),
        limits: &limits,
    };
    let mut choices = ImportChoices {
        create_missing: args.create_missing,
        mask_cpr: args.mask_cpr,
        keep_duplicates: args.keep_duplicates,
        default_reason: args.default_reason.clone(),
        ..ImportChoices::default()
    };
    choices.decide(plan.values.iter().cloned());
    let preview_of = |choices: &ImportChoices| {
        let (app, input) = (&app, &input);
        let choices = choices.clone();
        async move {
            app.import()
                .preview(who, input, &choices)
                .await
                .map_err(|e| app_error(e, "Filen kan ikke importeres"))
        }
    };
    let mut preview = preview_of(&choices).await?;
    if args.accept_suggestions && import_setup::accept(&mut plan, &mut choices, &preview) > 0 {
        preview = preview_of(&choices).await?;
    }
    if args.show_mapping {
        let inspection =
            gevinst_app::import::inspect(&bytes, &filename, args.sheet.as_deref(), &limits)
                .map_err(|e| app_error(e, "Filen kan ikke importeres"))?;
        print!(
            "{}",
            import_setup::show_mapping(&inspection, &plan, &preview)
        );
    }
    let encoding = gevinst_app::import::text_encoding(&bytes);
    print!("{}", summary(&args.file, encoding, &preview));
    if let Some(path) = &args.error_report {
        let report = gevinst_app::import::error_report(&preview)
            .map_err(|e| app_error(e, "Fejlrapporten kan ikke skrives"))?;
        std::fs::write(path, report).with_context(|| format!("cannot write {}", shown(path)))?;
        println!("Fejlrapport: {}", shown(path));
    }
    if !preview.mapping_problems.is_empty() {
        bail!("Kolonneopsætningen skal rettes; intet er importeret.");
    }
    let errors = preview.counts.error;
    if args.dry_run {
        println!("Tørkørsel: intet er gemt.");
        if errors > 0 && !args.only_valid {
            bail!("{}.", rows_with_errors(errors));
        }
        return Ok(());
    }
    if errors > 0 && !args.only_valid {
        bail!(
            "{}, så intet er importeret. Ret fejlene, eller brug --only-valid for kun at importere de gyldige rækker.",
            rows_with_errors(errors)
        );
    }
    let total = (preview.counts.new + preview.counts.update) as u64;
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} rækker") {
            b.set_style(style);
        }
        b
    } else {
        ProgressBar::hidden()
    };
    // Fault injection for the crash test: abort the process (no unwinding, no cleanup)
    // after this many rows are written inside the import's transaction.
    let abort_after = std::env::var(ABORT_AFTER_ROWS_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok());
    let progress = |n: usize| {
        bar.set_position(n as u64);
        if abort_after.is_some_and(|limit| n >= limit) {
            std::process::abort();
        }
    };
    let out = app
        .import()
        .commit(who, &input, &choices, args.only_valid, Some(&progress))
        .await
        .map_err(|e| match e {
            AppError::Conflict => {
                anyhow!("Et potentiale blev ændret under importen; intet er importeret. Prøv igen.")
            }
            other => app_error(other, "Intet er importeret"),
        })?;
    bar.finish_and_clear();
    println!(
        "Importeret: {} {}, {} opdateret, {} business cases, {} sprunget over (import {}).",
        out.created,
        if out.created == 1 { "ny" } else { "nye" },
        out.updated,
        out.business_cases,
        out.duplicates + out.skipped,
        out.batch_id
    );
    Ok(())
}
