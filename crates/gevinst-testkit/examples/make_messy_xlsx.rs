//! Writes the generated messy municipal workbook (see `gevinst_testkit::messy_workbook`)
//! and, beside it, the names a tenant like the demo knows (`OUT.known.json`: units,
//! fagområder, technologies and statuses), so that a benchmark gives every importer the
//! same lists. `make_messy_xlsx OUT.xlsx [ROWS] [SEED]` (default 331 rows, seed 1).
//! Prints a summary of what a correct import gives. Used by `bench/import/run`.

use gevinst_domain::{Status, DEFAULT_FAGOMRAADER, DEFAULT_TECHNOLOGIES};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: make_messy_xlsx OUT.xlsx [ROWS] [SEED]")?;
    let rows: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(gevinst_testkit::DEFAULT_ROWS);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let w = gevinst_testkit::messy_workbook(seed, rows);
    std::fs::write(&out, &w.bytes)?;
    let known = serde_json::json!({
        "units": gevinst_testkit::messy_known_units(),
        "fagomraader": DEFAULT_FAGOMRAADER,
        "technologies": DEFAULT_TECHNOLOGIES,
        "statuses": Status::ALL.iter().map(|s| s.label()).collect::<Vec<_>>(),
    });
    let known_path = format!("{}.known.json", out.trim_end_matches(".xlsx"));
    std::fs::write(&known_path, serde_json::to_string_pretty(&known)?)?;
    let e = &w.expected;
    let dup = e.duplicate();
    let cpr_rows: Vec<u32> = e
        .rows
        .iter()
        .filter(|r| r.cpr.is_some())
        .map(|r| r.row)
        .collect();
    println!(
        "rows={} duplicate_row={} of_row={} total_row={} cpr_rows={cpr_rows:?} reasonless={} new_units={}",
        e.rows.len(),
        dup.row,
        dup.duplicate_of.unwrap_or(0),
        e.total_row,
        e.potentials().filter(|r| r.needs_reason()).count(),
        e.new_units.len()
    );
    Ok(())
}
