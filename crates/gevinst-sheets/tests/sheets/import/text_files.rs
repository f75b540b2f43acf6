//! CSV files: encodings and delimiters.

use gevinst_sheets::import::{self, TextEncoding, ValueMatch};
use rust_decimal_macros::dec;

use super::{fixtures, run};

#[test]
fn windows_1252_csv_with_semicolons_and_a_title_row() {
    let bytes = fixtures::windows_1252_csv();
    let (file, header, preview) = run(&bytes, None);
    assert_eq!(file.format, import::Format::Csv);
    assert_eq!(file.encoding, Some(TextEncoding::Windows1252));
    assert_eq!(file.delimiter, Some(';'));
    assert_eq!(header.rows, vec![2]);
    let titles: Vec<_> = preview
        .rows
        .iter()
        .map(|r| r.fields.title.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        titles,
        [
            "Æbleordning for ledige",
            "Øget brug af sms-påmindelser",
            "Årlig opfølgning"
        ]
    );
    let r = &preview.rows;
    assert_eq!(r[0].fields.gain_per_year, Some(dec!(1234.50)));
    assert_eq!(r[0].fields.hours_per_year, Some(dec!(1500)));
    assert_eq!(
        r[0].messages(),
        ["Kolonne «Timer pr. år»: «1.500» er læst som 1500 (punktum som tusindtalsseparator, dansk skrivemåde), ikke som 1,500."]
    );
    assert_eq!(r[1].fields.gain_per_year, Some(dec!(2000000)));
    assert_eq!(r[1].fields.hours_per_year, Some(dec!(250.5)));
    assert_eq!(r[1].fields.start_year, Some(2026));
    assert_eq!(
        r[1].messages(),
        [
            "Kolonne «Forventet gevinst»: «2 mio. kr.» er læst som 2.000.000 kr.",
            "Kolonne «Startår»: Datoen 1. februar 2026 er læst som året 2026.",
        ]
    );
    // "Jobcentret" is one letter from "Jobcenter": matched, with a warning.
    assert_eq!(
        r[2].fields.unit,
        Some(ValueMatch::Known {
            name: "Jobcenter".into(),
            raw: "Jobcentret".into(),
            exact: false
        })
    );
    assert_eq!(
        r[2].messages(),
        [
            "Kolonne «Enhed»: «Jobcentret» er læst som enheden «Jobcenter».",
            "Kolonne «Forventet gevinst»: «250 t.kr.» er læst som 250.000 kr.",
        ]
    );
    assert_eq!(r[2].fields.hours_per_year, None);
}

#[test]
fn tab_separated_with_english_headers() {
    let (file, _, preview) = run(&fixtures::tab_csv(), None);
    assert_eq!(file.delimiter, Some('\t'));
    assert_eq!(file.encoding, Some(TextEncoding::Utf8));
    let r = &preview.rows;
    assert_eq!(r[0].fields.title.as_deref(), Some("Robot, fase 2"));
    assert_eq!(r[0].fields.gain_per_year, Some(dec!(1000000)));
    assert_eq!(r[0].fields.hours_per_year, Some(dec!(2000)));
    assert_eq!(r[1].fields.gain_per_year, Some(dec!(50000.75)));
    assert_eq!(
        r[1].fields.unit.as_ref().map(|u| u.name()),
        Some("Borgerservice")
    );
}

#[test]
fn utf8_bom_with_commas_and_quotes() {
    let (file, _, preview) = run(&fixtures::bom_csv(), None);
    assert_eq!(file.encoding, Some(TextEncoding::Utf8Bom));
    assert_eq!(file.delimiter, Some(','));
    assert_eq!(
        preview.rows[0].fields.title.as_deref(),
        Some("Åben rådgivning, chat")
    );
    assert_eq!(preview.rows[0].fields.gain_per_year, Some(dec!(1500)));
}

#[test]
fn blank_and_space_only_cells_are_empty() {
    let csv = "Titel;Gevinst;Investering\n\n  ;  ;\nA;   ;1\n";
    let (_, _, preview) = run(csv.as_bytes(), None);
    assert_eq!(preview.rows.len(), 1);
    assert_eq!(preview.rows[0].row, 4);
    assert_eq!(preview.blank_rows, 2);
    assert_eq!(preview.rows[0].fields.gain_per_year, None);
    assert_eq!(preview.rows[0].fields.investment, Some(dec!(1)));
}

#[test]
fn duplicates_by_external_id() {
    let csv = "Id;Titel\nP-1;Første\np-1;Anden titel\nP-2;Første\n";
    let (_, _, preview) = run(csv.as_bytes(), None);
    assert_eq!(preview.rows[1].duplicate_of, Some(2));
    assert_eq!(
        preview.rows[1].messages(),
        ["Rækken gentager række 2 (samme eksterne id) og importeres ikke."]
    );
    // Another id with the same title is another potential.
    assert_eq!(preview.rows[2].duplicate_of, None);
    assert_eq!(preview.rows[0].key.external_id.as_deref(), Some("p-1"));
    // ... but possibly the same one numbered twice: flagged for the user, not an error.
    assert_eq!(preview.rows[2].possible_duplicate_of, Some(2));
    assert!(preview.rows[2].messages().is_empty());
    assert_eq!(preview.rows[1].possible_duplicate_of, None);
}

#[test]
fn possible_duplicates_need_the_same_title_and_unit_and_an_id() {
    let csv = "Nr.;Titel;Enhed
1;Robot;Jobcenter
2;robot ;Jobcenter
3;Robot;Skoler
4;Robot;jobcenter
";
    let (_, _, preview) = run(csv.as_bytes(), None);
    let possible: Vec<Option<u32>> = preview
        .rows
        .iter()
        .map(|r| r.possible_duplicate_of)
        .collect();
    assert_eq!(possible, vec![None, Some(2), None, Some(2)]);
    // Without an id column, the same title and unit is the same row (a duplicate).
    let csv = "Titel;Enhed
Robot;Jobcenter
robot;Jobcenter
";
    let (_, _, preview) = run(csv.as_bytes(), None);
    assert_eq!(preview.rows[1].duplicate_of, Some(2));
    assert_eq!(preview.rows[1].possible_duplicate_of, None);
}
