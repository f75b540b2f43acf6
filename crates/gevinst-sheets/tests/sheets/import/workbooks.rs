//! The messy workbook, row by row.

use gevinst_sheets::import::{self, Field, IssueCode, Mapping, RowStatus, Target, ValueMatch};
use rust_decimal_macros::dec;

use super::{fixtures, run};

fn known(name: &str, raw: &str, exact: bool) -> Option<ValueMatch> {
    Some(ValueMatch::Known {
        name: name.into(),
        raw: raw.into(),
        exact,
    })
}

#[test]
fn messy_workbook_header_and_mapping() {
    let bytes = fixtures::messy_xlsx().unwrap();
    let (file, header, preview) = run(&bytes, None);
    assert_eq!(file.format, import::Format::Xlsx);
    assert_eq!(file.sheet, "Potentialer");
    assert_eq!(
        file.sheets,
        vec![
            import::SheetInfo {
                name: "Potentialer".into(),
                hidden: false
            },
            import::SheetInfo {
                name: "Opslag".into(),
                hidden: true
            },
        ]
    );
    assert_eq!(header.rows, vec![3, 4]);
    let names: Vec<&str> = header.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Titel",
            "Enhed",
            "Beskrivelse",
            "Gevinst (kr.)",
            "Investering",
            "Timer pr. år",
            "Årsværk",
            "Status",
            "Startår",
            "Bemærkninger"
        ]
    );
    let targets: Vec<Target> = preview.mapping.columns.iter().map(|c| c.target).collect();
    assert_eq!(
        targets,
        [
            Target::Field(Field::Title),
            Target::Field(Field::Unit),
            Target::Field(Field::Description),
            Target::Field(Field::Gain),
            Target::Field(Field::Investment),
            Target::Field(Field::Hours),
            Target::Field(Field::Fte),
            Target::Field(Field::Status),
            Target::Field(Field::StartYear),
            Target::Note,
        ]
    );
    assert!(preview.mapping_problems.is_empty());
    assert_eq!(
        preview.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        [5, 7, 8, 9, 10, 11]
    );
    assert_eq!(preview.blank_rows, 1);
    assert_eq!(
        preview.rows.iter().map(|r| r.status()).collect::<Vec<_>>(),
        [
            RowStatus::Ok,
            RowStatus::Warning,
            RowStatus::Error,
            RowStatus::Error,
            RowStatus::Error,
            RowStatus::Error
        ]
    );
    assert_eq!(
        (
            preview.valid_count(),
            preview.error_count(),
            preview.warning_count()
        ),
        (2, 4, 1)
    );
    assert_eq!(
        preview.unknown.units.iter().collect::<Vec<_>>(),
        ["Ældreområdet"]
    );
}

#[test]
fn messy_workbook_rows() {
    let bytes = fixtures::messy_xlsx().unwrap();
    let (_, _, preview) = run(&bytes, None);
    let r = &preview.rows;

    // Row 5: clean. A number as text, numbers as numbers, a formula's cached value.
    let f = &r[0].fields;
    assert_eq!(f.title.as_deref(), Some("Robot til sygedagpenge"));
    assert_eq!(f.unit, known("Borgerservice", "Borgerservice", true));
    assert_eq!(
        f.description.as_deref(),
        Some("RPA henter oplysninger fra eIndkomst\n\nBemærkninger: Pilot i 2024")
    );
    assert_eq!(f.gain_per_year, Some(dec!(1234567.50)));
    assert_eq!(f.investment, Some(dec!(500000)));
    assert_eq!(f.hours_per_year, Some(dec!(1628)));
    assert_eq!(f.fte, Some(dec!(1)));
    assert_eq!(f.status, known("I drift", "I drift", true));
    assert_eq!(f.start_year, Some(2025));
    assert_eq!(r[0].messages(), Vec::<&str>::new());
    assert_eq!(r[0].key.title_unit, "robot til sygedagpenge|borgerservice");

    // Row 7: scale words, a spelling variant of a status that still matches exactly
    // after normalisation, a year as text.
    let f = &r[1].fields;
    assert_eq!(f.unit, known("Borgerservice", "borgerservice", true));
    assert_eq!(f.gain_per_year, Some(dec!(1500000)));
    assert_eq!(f.investment, Some(dec!(250000)));
    assert_eq!(f.fte, Some(dec!(0.5)));
    assert_eq!(f.status, known("I drift", "i-drift", true));
    assert_eq!(f.start_year, Some(2026));
    assert_eq!(
        r[1].messages(),
        ["Kolonne «Gevinst (kr.)»: «1,5 mio.» er læst som 1.500.000 kr."]
    );

    // Row 8: the CPR number blocks the row; the masked text is offered.
    let o = &r[2];
    assert_eq!(o.fields.gain_per_year, Some(dec!(250000)));
    assert_eq!(o.fields.fte, Some(dec!(0)));
    assert_eq!(o.fields.status, known("Idé", "Ide", true));
    assert_eq!(o.fields.start_year, Some(2024));
    assert_eq!(o.cpr.len(), 1);
    assert_eq!(o.cpr[0].column, "Beskrivelse");
    assert_eq!(o.cpr[0].masked, "Borger XXXXXX-XXXX klagede over brevene");
    assert_eq!(
        o.messages(),
        [
            "Kolonne «Beskrivelse»: Feltet ser ud til at indeholde et CPR-nummer. Potentialer må ikke indeholde personoplysninger. Fjern nummeret, eller maskér det, så teksten bliver «Borger XXXXXX-XXXX klagede over brevene».",
            "Kolonne «Enhed»: Ukendt enhed «Ældreområdet». Den kan oprettes ved importen, eller du kan vælge en eksisterende.",
            "Kolonne «Gevinst (kr.)»: «250 t.kr.» er læst som 250.000 kr.",
            "Kolonne «Startår»: «1-2-2024» er læst som 1. februar 2024 (dag-måned-år, dansk skrivemåde), ikke som 2. januar 2024. Datoen 1. februar 2024 er læst som året 2024.",
        ]
    );
    assert_eq!(
        o.errors.iter().map(|e| e.code).collect::<Vec<_>>(),
        [IssueCode::Cpr]
    );

    // Row 9: no title and a gain that is not a number.
    assert_eq!(
        r[3].messages(),
        [
            "Kolonne «Gevinst (kr.)»: «abc» er ikke et beløb. Skriv fx 1.234.567, 250.000 kr., 1,5 mio. eller 250 t.kr.",
            "Kolonne «Titel»: Rækken har ingen titel. Udfyld titlen, eller slet rækken.",
        ]
    );

    // Row 10 repeats row 5 (same title and unit, other case).
    assert_eq!(r[4].duplicate_of, Some(5));
    assert_eq!(
        r[4].messages(),
        [
            "Rækken gentager række 5 (samme titel og enhed) og importeres ikke.",
            "Kolonne «Gevinst (kr.)»: «1.234» er læst som 1234 (punktum som tusindtalsseparator, dansk skrivemåde), ikke som 1,234.",
        ]
    );

    // Row 11: a total row.
    assert_eq!(
        r[5].messages(),
        ["Kolonne «Titel»: «I alt» ligner en sumrække og importeres ikke."]
    );
    assert_eq!(r[5].fields.investment, Some(dec!(750000)));
}

#[test]
fn hidden_sheets_are_flagged_and_can_be_chosen() {
    let bytes = fixtures::hidden_sheet_xlsx().unwrap();
    let (file, _, preview) = run(&bytes, None);
    assert_eq!(file.sheet, "Aktuelle");
    assert_eq!(
        file.sheets
            .iter()
            .map(|s| (s.name.as_str(), s.hidden))
            .collect::<Vec<_>>(),
        [("Gammel", true), ("Aktuelle", false)]
    );
    assert_eq!(preview.rows.len(), 1);
    assert_eq!(
        preview.rows[0].fields.title.as_deref(),
        Some("Selvbetjening af flytning")
    );
    assert_eq!(preview.rows[0].fields.gain_per_year, Some(dec!(120000.5)));
    let (_, _, old) = run(&bytes, Some("Gammel"));
    assert_eq!(
        old.rows[0].fields.title.as_deref(),
        Some("Forældet potentiale")
    );
    let err = import::read(&bytes, Some("Findes ikke"), &import::Limits::default()).unwrap_err();
    assert_eq!(err.kind(), import::ErrorKind::SheetNotFound);
    assert_eq!(err.message(), "Arket «Findes ikke» findes ikke i filen.");
}

#[test]
fn cpr_numbers_in_any_text_column_block_the_row() {
    let bytes = fixtures::cpr_xlsx().unwrap();
    let (_, _, preview) = run(&bytes, None);
    let o = &preview.rows[0];
    assert_eq!(o.status(), RowStatus::Error);
    assert_eq!(
        o.cpr
            .iter()
            .map(|c| (c.column.as_str(), c.masked.as_str()))
            .collect::<Vec<_>>(),
        [
            ("Titel", "Sagsbehandling af XXXXXX-XXXX"),
            ("Beskrivelse", "Eksempel: borger XXXXXX-XXXX og XXXXXX-XXXX"),
        ]
    );
    assert_eq!(preview.rows[1].status(), RowStatus::Ok);
}

#[test]
fn a_saved_mapping_is_reused_by_header_text() {
    let bytes = fixtures::messy_xlsx().unwrap();
    let (file, header, _) = run(&bytes, None);
    let mut saved = Mapping::suggest(&header);
    // The user keeps "Bemærkninger" as tags instead of notes and saves the mapping.
    saved.columns[9].target = Target::Tag;
    let json = saved.to_json();
    let reloaded = Mapping::from_json(&json).unwrap();
    // The next file has the columns in another order and one more column.
    let csv =
        "Startår;Titel;Ny kolonne;bemærkninger;ENHED\n2025;Ny idé;x;Hurtig gevinst;Jobcenter\n";
    let next = import::read(csv.as_bytes(), None, &import::Limits::default()).unwrap();
    let next_header = import::detect_header(&next.table).unwrap();
    let adapted = reloaded.adapt(&next_header);
    assert_eq!(
        adapted
            .mapping
            .columns
            .iter()
            .map(|c| c.target)
            .collect::<Vec<_>>(),
        [
            Target::Field(Field::StartYear),
            Target::Field(Field::Title),
            Target::Note,
            Target::Tag,
            Target::Field(Field::Unit),
        ]
    );
    assert_eq!(adapted.new_columns, ["Ny kolonne"]);
    assert_eq!(
        adapted.missing,
        [
            "Beskrivelse",
            "Gevinst (kr.)",
            "Investering",
            "Timer pr. år",
            "Årsværk",
            "Status"
        ]
    );
    let preview = import::preview(
        &next.table,
        &next_header,
        &adapted.mapping,
        &fixtures::known(),
        &import::Limits::default(),
    )
    .unwrap();
    let f = &preview.rows[0].fields;
    assert_eq!(f.tags, ["Hurtig gevinst"]);
    assert_eq!(f.description.as_deref(), Some("Ny kolonne: x"));
    assert_eq!(f.start_year, Some(2025));
    assert!(file.table.width() >= 10);
    assert_eq!(
        Mapping::from_json("{").unwrap_err(),
        "Den gemte kolonneopsætning kan ikke læses. Vælg kolonnerne igen."
    );
}

#[test]
fn a_mapping_without_title_is_a_problem() {
    let csv = "Enhed;Gevinst\nJobcenter;5\n";
    let file = import::read(csv.as_bytes(), None, &import::Limits::default()).unwrap();
    let header = import::detect_header(&file.table).unwrap();
    let mapping = Mapping::suggest(&header);
    assert_eq!(
        mapping.problems(),
        ["Vælg den kolonne, der indeholder potentialernes titel."]
    );
}

#[test]
fn ods_with_a_million_repeated_empty_rows() {
    let bytes = fixtures::ods_with_repeated_empty_rows();
    let (file, header, preview) = run(&bytes, None);
    assert_eq!(file.format, import::Format::Ods);
    assert_eq!(file.sheet, "Potentialer");
    assert_eq!(header.rows, vec![1]);
    assert_eq!(preview.rows.len(), 1);
    assert_eq!(
        preview.rows[0].fields.title.as_deref(),
        Some("Ændret åbningstid")
    );
    assert_eq!(preview.rows[0].fields.gain_per_year, Some(dec!(1234.5)));
}
