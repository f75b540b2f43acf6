//! On SQLite and PostgreSQL: CPR numbers (`ddmmyy-xxxx`, `ddmmyyxxxx`, with spaces, and as
//! a number cell) never leave an import in clear text — not in the preview, the error
//! report or the audit log, masked or not; the error report shows years and hours without
//! thousands separators; the CSV export's business cases survive a round trip. Without a
//! database: UTF-16 without a byte-order mark, and binary data.

use super::*;
use gevinst_testkit::{sample_business_case, TestDb};
use rust_xlsxwriter::Workbook;

/// The last four digits of every CPR number in [`cpr_workbook`]; none may be seen.
const TAILS: [&str; 5] = ["7391", "8264", "5173", "9428", "6615"];

/// A workbook whose titles and descriptions hold CPR numbers in different forms (and row
/// 6 one as a number cell in its "Borger" column), with a start year 2026 and 1924 hours
/// on every row, and a last row without a CPR number.
fn cpr_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Titel",
        "Beskrivelse",
        "Enhed",
        "Startår",
        "Timer pr. år",
        "Borger",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ("Robot for 150485-7391", "Journalisering."),
        ("Chatbot", "Borgeren 2903928264 ringer tit."),
        ("Skærmbesøg", "Borger 311299 5173 har spurgt."),
        ("Sensorer", "Sagen om 01 02 03 9428 viser behovet."),
        ("Selvbetjening", "Ingen personoplysninger i teksten."),
        ("Digital post", "Ingen personoplysninger her."),
    ];
    for (i, (title, description)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *title).unwrap();
        ws.write_string(r, 1, *description).unwrap();
        ws.write_string(r, 2, "Hjemmeplejen").unwrap();
        ws.write_number(r, 3, 2026).unwrap();
        ws.write_number(r, 4, 1924).unwrap();
    }
    // A CPR number typed without a dash becomes a number cell.
    ws.write_number(5, 5, 1012036615.0).unwrap();
    wb.save_to_buffer().unwrap()
}

fn assert_no_cpr(what: &str, text: &str) {
    for tail in TAILS {
        assert!(!text.contains(tail), "{what} shows a CPR number: {text}");
    }
    assert!(
        !gevinst_domain::cpr::has_cpr(text),
        "{what} shows a CPR number: {text}"
    );
}

/// Every cell of the error report's sheet, row by row.
fn report_cells(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("Fejlrapport").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn audit_mentions(db: &TestDb, tail: &str) -> i64 {
    db.raw_count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE CAST(changes AS TEXT) LIKE '%{tail}%' \
         OR COALESCE(reason, '') LIKE '%{tail}%'"
    ))
    .await
}

async fn cpr_never_leaves_in_clear(db: TestDb) {
    let store = db.shared();
    let app = gevinst_app::App::new(store.clone());
    let limits = Limits::default();
    let bytes = cpr_workbook();
    let inp = ImportInput {
        bytes: &bytes,
        filename: "borgere 150485-7391.xlsx",
        sheet: None,
        mapping: None,
        limits: &limits,
    };

    // Without masking: the five rows with a CPR number are errors, and the preview and
    // the error report show none of them.
    let plain = tenant(&store, "cprplain").await;
    let choices = ImportChoices {
        create_missing: true,
        ..ImportChoices::default()
    };
    let preview = app
        .import()
        .preview(Importer::Operator(&plain), &inp, &choices)
        .await
        .unwrap();
    let errors: Vec<u32> = preview
        .rows
        .iter()
        .filter(|r| r.action == RowAction::Error)
        .map(|r| r.row)
        .collect();
    assert_eq!(errors, vec![2, 3, 4, 5, 6], "{:#?}", preview.rows);
    assert_no_cpr("the preview", &serde_json::to_string(&preview).unwrap());
    let cells = report_cells(import::error_report(&preview).unwrap());
    assert_eq!(cells.len(), 6, "the header and the five rows: {cells:?}");
    for row in &cells {
        for cell in row {
            assert_no_cpr("the error report", cell);
            assert!(!cell.contains("2.026") && !cell.contains("1.924"), "{cell}");
        }
    }
    let row2 = &cells[1];
    assert!(row2.contains(&"2026".to_owned()), "{row2:?}");
    assert!(row2.contains(&"1924".to_owned()), "{row2:?}");
    assert!(row2[2].contains("XXXXXX-XXXX"), "{row2:?}");

    // Only the valid rows: the clean row is written; the audit log holds no CPR number.
    let out = app
        .import()
        .commit(Importer::Operator(&plain), &inp, &choices, true, None)
        .await
        .unwrap();
    assert_eq!((out.created, out.skipped), (1, 5));
    assert_no_cpr(
        "the commit's preview",
        &serde_json::to_string(&out.preview).unwrap(),
    );

    // Masked: every row is written with the numbers masked, in the data and the audit log.
    let masked = tenant(&store, "cprmasked").await;
    let choices = ImportChoices {
        mask_cpr: true,
        ..choices
    };
    let out = app
        .import()
        .commit(Importer::Operator(&masked), &inp, &choices, false, None)
        .await
        .unwrap();
    assert_eq!(out.created, 6);
    let stored = all_potentials(&store, masked.id).await;
    let descriptions: Vec<&str> = stored.iter().map(|p| p.description.as_str()).collect();
    assert!(
        descriptions.contains(&"Borgeren XXXXXX-XXXX ringer tit."),
        "{descriptions:?}"
    );
    assert!(
        stored.iter().any(|p| p.title == "Robot for XXXXXX-XXXX"),
        "{stored:?}"
    );
    for p in &stored {
        assert_no_cpr("a stored potential", &format!("{p:?}"));
    }
    assert!(db.raw_count("SELECT COUNT(*) FROM audit_log").await >= 7);
    for tail in TAILS {
        assert_eq!(
            audit_mentions(&db, tail).await,
            0,
            "{tail} in the audit log"
        );
    }
    db.cleanup().await;
}

#[tokio::test]
async fn cpr_never_leaves_an_import_in_clear_text_on_sqlite() {
    cpr_never_leaves_in_clear(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn cpr_never_leaves_an_import_in_clear_text_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        cpr_never_leaves_in_clear(db).await;
    }
}

async fn csv_round_trip_keeps_business_cases(db: TestDb) {
    let store = db.shared();
    let app = gevinst_app::App::new(store.clone());
    let src = tenant(&store, "csvkilde").await;
    let unit = store
        .create_unit(src.id, None, None, "Borgerservice")
        .await
        .unwrap()
        .id;
    let with_case = store
        .create_potential(
            src.id,
            None,
            &valid_potential("-Robot til = journalføring", unit),
            Status::Besluttet,
            None,
        )
        .await
        .unwrap();
    store
        .create_potential(
            src.id,
            None,
            &valid_potential("Uden business case", unit),
            Status::Ide,
            None,
        )
        .await
        .unwrap();
    let audit = AuditDraft {
        entity: EntityKind::BusinessCase,
        entity_id: with_case.id.0,
        action: AuditAction::Create,
        user_id: None,
        actor: None,
        changes: vec![],
        reason: None,
    };
    let case = sample_business_case();
    store
        .put_business_case(src.id, None, with_case.id, None, &case, &audit)
        .await
        .unwrap();
    let csv = app
        .export()
        .export_tenant(&src, ExportFormat::Csv, ExportOptions::default())
        .await
        .unwrap();
    let text = String::from_utf8(csv.bytes.clone()).unwrap();
    assert!(
        text.contains("\r\n\r\nBusiness cases\r\nPotentiale-id;"),
        "{text}"
    );
    assert!(text.contains("\r\n\r\nRisici\r\nPotentiale-id;"), "{text}");

    let dst = tenant(&store, "csvmaal").await;
    let limits = Limits::default();
    let inp = ImportInput {
        bytes: &csv.bytes,
        filename: &csv.filename,
        sheet: None,
        mapping: None,
        limits: &limits,
    };
    let out = app
        .import()
        .commit(
            Importer::Operator(&dst),
            &inp,
            &ImportChoices {
                create_missing: true,
                ..ImportChoices::default()
            },
            false,
            None,
        )
        .await
        .unwrap();
    assert_eq!((out.created, out.business_cases), (2, 1));
    let after = all_potentials(&store, dst.id).await;
    let copy = after
        .iter()
        .find(|p| p.title == "-Robot til = journalføring")
        .expect("the potential with the case");
    let stored = store.business_case(dst.id, copy.id).await.unwrap().unwrap();
    assert_eq!(stored.case, case, "the case comes back exactly");
    let other = after.iter().find(|p| p.id != copy.id).unwrap();
    assert!(store
        .business_case(dst.id, other.id)
        .await
        .unwrap()
        .is_none());
    db.cleanup().await;
}

#[tokio::test]
async fn a_csv_round_trip_keeps_business_cases_on_sqlite() {
    csv_round_trip_keeps_business_cases(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_csv_round_trip_keeps_business_cases_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        csv_round_trip_keeps_business_cases(db).await;
    }
}

#[test]
fn utf16_without_a_byte_order_mark_is_read_and_named() {
    let text = "Titel;Enhed;Startår\r\nRobot;Ældreområdet;2026\r\n";
    let limits = Limits::default();
    for (bytes, encoding) in [
        (
            text.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
            gevinst_sheets::import::TextEncoding::Utf16LeWithoutBom,
        ),
        (
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            gevinst_sheets::import::TextEncoding::Utf16BeWithoutBom,
        ),
    ] {
        let i = import::inspect(&bytes, "liste.csv", None, &limits).unwrap();
        assert_eq!(i.encoding, Some(encoding));
        assert_eq!(import::text_encoding(&bytes), Some(encoding));
        assert_eq!(i.sample[0], vec!["Robot", "Ældreområdet", "2026"]);
    }
    assert_eq!(
        gevinst_sheets::import::TextEncoding::Utf16LeWithoutBom.label(),
        "UTF-16 LE uden BOM"
    );
}

#[test]
fn binary_data_is_not_a_readable_text_or_spreadsheet_file() {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let random: Vec<u8> = (0..20_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    match import::inspect(&random, "billede.csv", None, &Limits::default()) {
        Err(AppError::Invalid(f)) => {
            let msg = &f.0[0].message;
            assert!(
                msg.starts_with("Filen er ikke en læsbar tekst- eller regnearksfil."),
                "{msg}"
            );
            assert!(!msg.contains("Windows-1252"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
}
