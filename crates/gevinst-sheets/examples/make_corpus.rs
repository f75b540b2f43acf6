//! Writes the import corpus of nasty sample files: `cargo run -p gevinst-sheets --example
//! make_corpus -- tests/import-corpus`. The generators are the import tests' fixtures, so
//! the corpus and the tests describe the same files. Run by `scripts/make-import-corpus`.

#[path = "../tests/sheets/import/fixtures.rs"]
mod fixtures;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "tests/import-corpus".to_owned()),
    );
    std::fs::create_dir_all(&dir)?;
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("messy.xlsx", fixtures::messy_xlsx()?),
        ("hidden-sheet.xlsx", fixtures::hidden_sheet_xlsx()?),
        ("cpr.xlsx", fixtures::cpr_xlsx()?),
        ("windows-1252.csv", fixtures::windows_1252_csv()),
        ("mixed-encoding.csv", fixtures::mixed_encoding_csv()),
        ("tab.csv", fixtures::tab_csv()),
        ("bom.csv", fixtures::bom_csv()),
        ("zip-bomb.xlsx", fixtures::zip_bomb_xlsx(90)),
        ("truncated.xlsx", fixtures::truncated_xlsx()?),
        ("encrypted.xlsx", fixtures::encrypted_xlsx()),
        (
            "empty-formatted-rows.xlsx",
            fixtures::empty_formatted_rows_compact_xlsx()?,
        ),
    ];
    for (name, bytes) in files {
        if bytes.len() >= 100_000 {
            return Err(format!(
                "{name} is {} bytes; the corpus keeps files under 100 kB",
                bytes.len()
            )
            .into());
        }
        std::fs::write(dir.join(name), &bytes)?;
        println!("{name}: {} bytes", bytes.len());
    }
    Ok(())
}
