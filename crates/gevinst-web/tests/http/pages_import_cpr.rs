//! The web import's error report never holds a CPR number in clear text, and shows years
//! and hours without thousands separators.

use crate::helpers::{login_role, seed_tenant, spawn_app};
use crate::pages_import::{location, upload};
use gevinst_domain::Role;
use reqwest::StatusCode;
use rust_xlsxwriter::Workbook;

/// The last four digits of every CPR number in the workbook; none may be seen.
const TAILS: [&str; 5] = ["7391", "8264", "5173", "9428", "6615"];

fn workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Titel", "Beskrivelse", "Enhed", "Startår", "Timer pr. år"]
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
    ws.write_number(4, 1, 1012036615.0).unwrap();
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn the_error_report_from_the_web_masks_every_cpr_number() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "cprweb").await;
    let (client, csrf) = login_role(&app, "cprweb", Role::Portefoljeleder).await;
    let res = upload(&client, &app, Some(&csrf), "borgere.xlsx", &workbook()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let res = client
        .get(app.url(&format!("{path}/fejlrapport.xlsx")))
        .send()
        .await
        .expect("report");
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.expect("bytes").to_vec();
    let rows: Vec<Vec<String>> = {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("Fejlrapport").unwrap();
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    };
    assert_eq!(
        rows.len(),
        5,
        "the header and four rows with errors: {rows:?}"
    );
    for cell in rows.iter().flatten() {
        for tail in TAILS {
            assert!(!cell.contains(tail), "a CPR number in the report: {cell}");
        }
        assert!(cell != "2.026" && cell != "1.924", "{cell}");
    }
    let text = rows.iter().flatten().cloned().collect::<Vec<_>>().join("|");
    assert!(text.contains("Robot for XXXXXX-XXXX"), "{text}");
    assert!(text.contains("Borgeren XXXXXX-XXXX ringer tit."), "{text}");
    assert!(rows[1].contains(&"2026".to_owned()), "{:?}", rows[1]);
    assert!(rows[1].contains(&"1924".to_owned()), "{:?}", rows[1]);
}
