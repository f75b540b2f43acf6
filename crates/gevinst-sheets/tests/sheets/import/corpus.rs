//! Every file in `tests/import-corpus/` (written by `scripts/make-import-corpus`) and its
//! expected outcome.

use std::path::PathBuf;

use gevinst_sheets::import::{self, ErrorKind, Limits, RowStatus, TextEncoding};
use rust_decimal_macros::dec;

fn corpus(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/import-corpus")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn error_kind(name: &str) -> ErrorKind {
    import::read(&corpus(name), None, &Limits::default())
        .expect_err(name)
        .kind()
}

fn statuses(name: &str) -> Vec<RowStatus> {
    let (_, _, p) = super::run(&corpus(name), None);
    p.rows.iter().map(|r| r.status()).collect()
}

#[test]
fn the_corpus_has_exactly_the_expected_files() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/import-corpus");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bom.csv",
            "cpr.xlsx",
            "empty-formatted-rows.xlsx",
            "encrypted.xlsx",
            "hidden-sheet.xlsx",
            "messy.xlsx",
            "mixed-encoding.csv",
            "tab.csv",
            "truncated.xlsx",
            "windows-1252.csv",
            "zip-bomb.xlsx",
        ]
    );
    for n in &names {
        assert!(corpus(n).len() < 100_000, "{n}");
    }
}

#[test]
fn readable_files() {
    use RowStatus::{Error, Ok, Warning};
    assert_eq!(
        statuses("messy.xlsx"),
        [Ok, Warning, Error, Error, Error, Error]
    );
    assert_eq!(statuses("hidden-sheet.xlsx"), [Ok]);
    assert_eq!(statuses("cpr.xlsx"), [Error, Ok]);
    assert_eq!(statuses("windows-1252.csv"), [Warning, Warning, Warning]);
    assert_eq!(statuses("tab.csv"), [Warning, Ok]);
    assert_eq!(statuses("bom.csv"), [Ok]);
    assert_eq!(statuses("empty-formatted-rows.xlsx"), [Ok, Ok, Ok]);

    let (file, _, p) = super::run(&corpus("windows-1252.csv"), None);
    assert_eq!(file.encoding, Some(TextEncoding::Windows1252));
    assert_eq!(
        p.rows[0].fields.title.as_deref(),
        Some("Æbleordning for ledige")
    );
    let (_, _, p) = super::run(&corpus("messy.xlsx"), None);
    assert_eq!(p.rows[0].fields.gain_per_year, Some(dec!(1234567.50)));
    assert_eq!(
        p.rows[2].cpr[0].masked,
        "Borger XXXXXX-XXXX klagede over brevene"
    );
}

#[test]
fn hostile_files() {
    assert_eq!(error_kind("mixed-encoding.csv"), ErrorKind::MixedEncoding);
    assert_eq!(error_kind("zip-bomb.xlsx"), ErrorKind::DecompressionBomb);
    assert_eq!(error_kind("truncated.xlsx"), ErrorKind::Corrupt);
    assert_eq!(error_kind("encrypted.xlsx"), ErrorKind::Encrypted);
}
