//! Writes the generated messy municipal workbook (see `gevinst_testkit::messy_workbook`):
//! `make_messy_xlsx OUT.xlsx [ROWS] [SEED]` (default 331 rows, seed 1). Prints a summary
//! of what a correct import gives. Used by `bench/import/run`.

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
    let e = &w.expected;
    let dup = e.duplicate();
    println!(
        "rows={} duplicate_row={} of_row={} total_row={} cpr_rows={:?} reasonless={} new_units={}",
        e.rows.len(),
        dup.row,
        dup.duplicate_of.unwrap_or(0),
        e.total_row,
        e.rows
            .iter()
            .filter(|r| r.cpr.is_some())
            .map(|r| r.row)
            .collect::<Vec<_>>(),
        e.potentials().filter(|r| r.needs_reason()).count(),
        e.new_units.len()
    );
    Ok(())
}
