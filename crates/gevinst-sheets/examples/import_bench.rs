//! The import benchmark's gevinst side: a dry run (read, find the header, map, parse
//! and validate every row) of one file, repeated; prints each run's seconds and the
//! preview's counts. `import_bench FILE [RUNS] [KNOWN.json]`; used by `bench/import/run`.
//! KNOWN.json names the tenant's units, fagområder, statuses and technologies (as
//! `make_messy_xlsx` writes them); without it a small fixed list is used.

use std::time::Instant;

use gevinst_sheets::import::{self, KnownValues, Limits, Mapping};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: import_bench FILE [RUNS] [KNOWN.json]")?;
    let runs: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5);
    let known = match args.next() {
        Some(path) => known_from_json(&std::fs::read_to_string(path)?)?,
        None => default_known(),
    };
    let limits = Limits::default();
    let mut summary = String::new();
    for _ in 0..runs {
        let start = Instant::now();
        // Reading the file is part of the dry run, as in the pandas script.
        let bytes = std::fs::read(&path)?;
        let file = import::read(&bytes, None, &limits)?;
        let header = import::detect_header(&file.table)?;
        let mapping = Mapping::suggest(&header);
        let preview = import::preview(&file.table, &header, &mapping, &known, &limits)?;
        let seconds = start.elapsed().as_secs_f64();
        let cpr = preview.rows.iter().filter(|r| !r.cpr.is_empty()).count();
        let duplicates = preview
            .rows
            .iter()
            .filter(|r| r.duplicate_of.is_some())
            .count();
        let possible = preview
            .rows
            .iter()
            .filter(|r| r.possible_duplicate_of.is_some())
            .count();
        summary = format!(
            "rows={} valid={} errors={} warnings={} cpr={} duplicates={} possible_duplicates={}",
            preview.rows.len(),
            preview.valid_count(),
            preview.error_count(),
            preview.warning_count(),
            cpr,
            duplicates,
            possible
        );
        println!("run_seconds={seconds:.6}");
    }
    println!("{summary}");
    Ok(())
}

/// The fixed lists of the first version of this benchmark.
fn default_known() -> KnownValues {
    KnownValues {
        units: vec![
            "Borgerservice".into(),
            "Jobcenter".into(),
            "Ældreområdet".into(),
        ],
        fagomraader: Vec::new(),
        statuses: ["Idé", "Analyse", "Besluttet", "I drift"]
            .map(String::from)
            .to_vec(),
        technologies: Vec::new(),
    }
}

/// The lists from `{"units": [...], "fagomraader": [...], "statuses": [...],
/// "technologies": [...]}`.
fn known_from_json(text: &str) -> Result<KnownValues, Box<dyn std::error::Error>> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let list = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(KnownValues {
        units: list("units"),
        fagomraader: list("fagomraader"),
        statuses: list("statuses"),
        technologies: list("technologies"),
    })
}
