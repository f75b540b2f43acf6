//! Hostile files: each a clear error with a Danish message, never a panic or a hang.

use gevinst_sheets::import::{self, ErrorKind, Limits};

use super::fixtures;

fn read_err(bytes: &[u8], limits: &Limits) -> import::ImportError {
    import::read(bytes, None, limits).expect_err("must be refused")
}

#[test]
fn zip_bomb_by_ratio_is_refused() {
    let bytes = fixtures::zip_bomb_xlsx(60);
    assert!(bytes.len() < 100_000, "{}", bytes.len());
    let err = read_err(&bytes, &Limits::default());
    assert_eq!(err.kind(), ErrorKind::DecompressionBomb);
    assert_eq!(
        err.message(),
        "Filen pakker sig ud til mere end 200 MB eller er pakket mistænkeligt hårdt sammen (en såkaldt zip-bombe). Den er afvist."
    );
}

#[test]
fn zip_bomb_by_total_size_is_refused() {
    // 30 MB of zeros against a 20 MB limit and a ratio check that would let it pass.
    let limits = Limits {
        max_uncompressed_bytes: 20 * 1024 * 1024,
        max_compression_ratio: 100_000,
        ..Limits::default()
    };
    let err = read_err(&fixtures::zip_bomb_xlsx(30), &limits);
    assert_eq!(err.kind(), ErrorKind::DecompressionBomb);
    assert!(err
        .message()
        .starts_with("Filen pakker sig ud til mere end 20 MB"));
}

#[test]
fn truncated_workbook_is_corrupt() {
    let err = read_err(&fixtures::truncated_xlsx().unwrap(), &Limits::default());
    assert_eq!(err.kind(), ErrorKind::Corrupt);
    assert_eq!(
        err.message(),
        "Filen kan ikke læses: den ser ud til at være beskadiget eller ufuldstændig (zip-indholdet kan ikke læses). Gem den igen fra Excel, og prøv igen."
    );
}

#[test]
fn every_truncation_of_a_workbook_is_an_error_not_a_panic() {
    let full = fixtures::hidden_sheet_xlsx().unwrap();
    for cut in (0..full.len()).step_by(97) {
        match import::read(&full[..cut], None, &Limits::default()) {
            Ok(out) => assert_eq!(out.format, import::Format::Csv, "cut {cut}"),
            Err(e) => assert!(!e.message().is_empty()),
        }
    }
}

#[test]
fn a_damaged_entry_inside_a_whole_zip_is_corrupt() {
    let mut bytes = fixtures::messy_xlsx().unwrap();
    // Flip bytes in the middle of the first compressed entry; the central directory
    // at the end stays intact.
    for b in bytes.iter_mut().skip(100).take(200) {
        *b ^= 0x5A;
    }
    let err = read_err(&bytes, &Limits::default());
    assert_eq!(err.kind(), ErrorKind::Corrupt);
}

#[test]
fn encrypted_workbook_is_refused_with_advice() {
    let err = read_err(&fixtures::encrypted_xlsx(), &Limits::default());
    assert_eq!(err.kind(), ErrorKind::Encrypted);
    assert_eq!(
        err.message(),
        "Filen er krypteret eller beskyttet med en adgangskode. Fjern adgangskoden i Excel (Filer → Oplysninger → Beskyt projektmappe), gem filen, og prøv igen."
    );
}

#[test]
fn a_plain_ole_file_that_is_not_a_workbook_is_corrupt() {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(1024, 0);
    let err = read_err(&b, &Limits::default());
    assert_eq!(err.kind(), ErrorKind::Corrupt);
}

#[test]
fn mixed_encodings_are_refused() {
    let err = read_err(&fixtures::mixed_encoding_csv(), &Limits::default());
    assert_eq!(err.kind(), ErrorKind::MixedEncoding);
    assert_eq!(
        err.message(),
        "Filen blander to tegnsæt (UTF-8 og Windows-1252), så æ, ø og å kan ikke læses sikkert. Åbn filen i Excel, og gem den igen som «CSV UTF-8»."
    );
}

#[test]
fn hundred_thousand_empty_formatted_rows_give_the_real_rows() {
    let bytes = fixtures::empty_formatted_rows_xlsx(100_000).unwrap();
    let (file, _, preview) = super::run(&bytes, None);
    assert_eq!(file.table.rows().len(), 4);
    assert_eq!(
        preview
            .rows
            .iter()
            .map(|r| r.fields.title.clone().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["Potentiale A", "Potentiale B", "Potentiale C"]
    );
    assert_eq!(preview.blank_rows, 0);
}

#[test]
fn a_sheet_of_only_formatted_empty_rows_has_no_data() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let fill = rust_xlsxwriter::Format::new().set_background_color("#FFFF00");
    let ws = wb.add_worksheet();
    for r in 0..100_000 {
        ws.write_blank(r, 0, &fill).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let file = import::read(&bytes, None, &Limits::default()).unwrap();
    assert!(file.table.is_empty());
    let err = import::detect_header(&file.table).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoData);
    assert_eq!(err.message(), "Arket indeholder ingen data.");
}

#[test]
fn too_many_rows_is_a_clear_error() {
    let limits = Limits {
        max_rows: 100,
        ..Limits::default()
    };
    // Within the allowance for title rows the reader keeps going; the preview counts
    // the data rows exactly.
    let bytes = fixtures::many_rows_xlsx(101).unwrap();
    let file = import::read(&bytes, None, &limits).unwrap();
    let header = import::detect_header(&file.table).unwrap();
    let mapping = import::Mapping::suggest(&header);
    let err =
        import::preview(&file.table, &header, &mapping, &fixtures::known(), &limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRows);
    assert_eq!(
        err.message(),
        "Arket har mere end 100 rækker med data; grænsen er 100. Del filen op i flere filer."
    );
    let ok = fixtures::many_rows_xlsx(100).unwrap();
    let file = import::read(&ok, None, &limits).unwrap();
    let header = import::detect_header(&file.table).unwrap();
    let preview = import::preview(
        &file.table,
        &header,
        &import::Mapping::suggest(&header),
        &fixtures::known(),
        &limits,
    )
    .unwrap();
    assert_eq!(preview.rows.len(), 100);
    // Far beyond the limit the reader stops early.
    let err = read_err(&fixtures::many_rows_xlsx(1_000).unwrap(), &limits);
    assert_eq!(err.kind(), ErrorKind::TooManyRows);
    let csv: String = std::iter::once("Titel\n".to_owned())
        .chain((0..1_000).map(|i| format!("P{i}\n")))
        .collect();
    assert_eq!(
        read_err(csv.as_bytes(), &limits).kind(),
        ErrorKind::TooManyRows
    );
    assert_eq!(
        import::Limits::default().max_rows,
        20_000,
        "the documented default"
    );
    let default_msg = read_err(
        &fixtures::many_rows_xlsx(20_100).unwrap(),
        &Limits::default(),
    );
    assert_eq!(
        default_msg.message(),
        "Arket har mere end 20.000 rækker med data; grænsen er 20.000. Del filen op i flere filer."
    );
}

#[test]
fn too_many_columns_and_too_large_files() {
    let limits = Limits {
        max_columns: 5,
        max_file_bytes: 1000,
        ..Limits::default()
    };
    let err = read_err(b"a;b;c;d;e;f\n1;2;3;4;5;6\n", &limits);
    assert_eq!(err.kind(), ErrorKind::TooManyColumns);
    assert_eq!(
        err.message(),
        "Arket har data i mere end 5 kolonner. Slet de kolonner, der ikke skal importeres, og prøv igen."
    );
    let big = vec![b'a'; 1001];
    let err = read_err(&big, &limits);
    assert_eq!(err.kind(), ErrorKind::FileTooLarge);
    assert_eq!(
        err.message(),
        "Filen fylder 1 MB; grænsen er 0 MB. Del filen op, eller spørg en administrator om at hæve grænsen."
    );
}

#[test]
fn empty_and_binary_files() {
    let err = read_err(b"", &Limits::default());
    assert_eq!(
        (err.kind(), err.message()),
        (ErrorKind::NoData, "Filen er tom.")
    );
    let err = read_err(&[0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0], &Limits::default());
    assert_eq!(err.kind(), ErrorKind::UnsupportedFormat);
    let err = read_err(b"\n\n  \n", &Limits::default());
    assert_eq!(err.kind(), ErrorKind::NoData);
}
