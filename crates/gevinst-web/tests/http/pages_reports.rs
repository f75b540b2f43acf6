//! The printable gevinstrealiseringsrapport (programme and potential) and the .xlsx
//! downloads, on the programme fixture of `helpers::seed_programme`.
//!
//! The fixture with the tenant's default economics (500,000 kr. and 1,924 hours per
//! årsværk, so an hour is 500,000 / 1,924 = 259.8753 kr.) plus one actual recorded here:
//!
//! - planned annual gain 2026 and 2027: 60,000 (porto) + 100 h × 259.8753 = 85,987.53 kr.,
//!   shown as "85.988 kr."; 2025: 0 kr.; årsværk 100 / 1,924 = 0.05;
//! - the actual: 2026, porto, 40,000 kr., 25,000 kr. hjemtaget (so 15,000 kr. not
//!   harvested), with a note explaining the delay;
//! - the deviation 2026: 85,987.53 − 40,000 = 45,987.53 → "45.988 kr.";
//! - the kr. target: 100,000 kr. in 2027, nothing realised in 2027 → gap "100.000 kr.";
//! - the distribution key: 60 % (60.000 kr.) on `forvaltning`, whose subtree holds the
//!   potential, so its decided contribution is 85.988 kr. and it is 25.988 kr. *ahead*
//!   ("-25.988 kr."); 40 % (40.000 kr.) on `other`, which contributes nothing.

use crate::helpers::{
    get_text, login_role, role_email, seed_programme, seed_tenant, spawn_app, ProgrammeFixture,
    SeededTenant, TestApp,
};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use gevinst_domain::programme::{ActualDraft, Period};
use gevinst_domain::Role;
use reqwest::StatusCode;
use std::io::Cursor;

const NOTE: &str = "Robotten kom i drift tre måneder forsinket";

async fn world() -> (TestApp, SeededTenant, ProgrammeFixture) {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "alfa").await;
    let f = seed_programme(&app.store, &t).await;
    let leder = gevinst_app::App::new(app.store.clone())
        .auth()
        .from_api_token(t.token(Role::Leder), chrono::Utc::now(), None)
        .await
        .expect("leder principal");
    let draft = ActualDraft {
        line: Some(1),
        period: Some(Period::of_year(2026).unwrap()),
        kr: Some("40000".parse().expect("decimal")),
        harvested: Some("25000".parse().expect("decimal")),
        budget_reference: "Budget 2026, ramme 3.22".into(),
        harvested_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 15),
        note: NOTE.into(),
        ..Default::default()
    };
    gevinst_app::App::new(app.store.clone())
        .programmes()
        .record_actual(&leder, f.potential, &draft)
        .await
        .expect("actual recorded by the benefit owner");
    (app, t, f)
}

/// The text of the table with `id`, tags removed and whitespace collapsed, so rows can be
/// compared as "2026 85.988 kr. …".
fn table_text(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id {id}"));
    let start = at + html[at..].find('>').expect("end of tag") + 1;
    let rest = &html[start..];
    let end = [rest.find("</table>"), rest.find("</dl>")]
        .into_iter()
        .flatten()
        .min()
        .map(|e| start + e)
        .expect("end of table");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_programme_report_shows_targets_figures_deviations_and_explanations() {
    let (app, _t, f) = world().await;
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;
    let (status, html) = get_text(
        &client,
        &app,
        &format!("/programmer/{}/rapport", f.programme.0),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a læser may read the report: {html}"
    );
    assert!(html.contains("<h1 id=\"rapport-titel\">Digitalisering 2025–2027</h1>"));
    assert!(html.contains("<dd>2025–2027</dd>"));
    assert!(html.contains("<strong>100.000 kr. pr. år senest i 2027</strong>"));
    assert!(html.contains("<strong>0,50 årsværk senest i 2027</strong>"));

    let kr = table_text(&html, "noegletal-kr");
    assert!(kr.contains("2025 – 0 kr. 0 kr. 0 kr. 0 kr. –"), "{kr}");
    assert!(
        kr.contains("2026 – 85.988 kr. 85.988 kr. 40.000 kr. 25.000 kr. –"),
        "{kr}"
    );
    assert!(
        kr.contains("2027 100.000 kr. 85.988 kr. 85.988 kr. 0 kr. 0 kr. 100.000 kr. bagud"),
        "{kr}"
    );
    let fte = table_text(&html, "noegletal-aarsvaerk");
    assert!(
        fte.contains("2027 0,50 årsværk 0,05 årsværk 0,05 årsværk 0,00 årsværk 0,50 årsværk bagud"),
        "{fte}"
    );

    assert_eq!(
        table_text(&html, "status-antal"),
        "Antal potentialer i programmet efter status Status Antal Besluttet 1 I alt 1"
    );
    assert_eq!(
        table_text(&html, "gevinster-i-alt"),
        "Realiseret i alt 40.000 kr. Hjemtaget i alt 25.000 kr. Frigjort, men ikke hjemtaget 15.000 kr."
    );
    let gaps = table_text(&html, "afvigelser");
    assert!(
        gaps.contains(&format!(
            "Robot til journalisering 2026 85.988 kr. 40.000 kr. 45.988 kr. bagud {NOTE}"
        )),
        "{gaps}"
    );
    let shares = table_text(&html, "fordeling");
    assert!(
        shares.contains(
            "Social og Sundhed 60.000 kr. (60,0 %) 85.988 kr. 85.988 kr. 0 kr. 25.988 kr. foran"
        ),
        "{shares}"
    );
    assert!(
        shares.contains("Teknik og Miljø 40.000 kr. (40,0 %) 0 kr. 0 kr. 0 kr. 40.000 kr."),
        "{shares}"
    );
    // The forecast is never computed on load.
    assert!(html.contains("Prognosen er ikke beregnet"));
    assert!(!html.contains("id=\"sandsynligheder\""));
    assert!(html.contains(&format!(
        "href=\"/programmer/{}/eksport.xlsx\"",
        f.programme.0
    )));

    // The printed page header comes from a stylesheet of its own (no inline styles).
    assert!(html.contains(&format!(
        "<link rel=\"stylesheet\" href=\"/programmer/{}/rapport.css\" media=\"print\">",
        f.programme.0
    )));
    let res = client
        .get(app.url(&format!("/programmer/{}/rapport.css", f.programme.0)))
        .send()
        .await
        .expect("css");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    let css = res.text().await.expect("css body");
    assert!(
        css.contains("@top-left { content: \"Digitalisering 2025–2027\"; }"),
        "{css}"
    );
}

#[tokio::test]
async fn the_report_shows_a_forecast_once_it_has_been_computed() {
    let (app, t, f) = world().await;
    // Computes and caches the forecast with the report's settings (10,000 iterations,
    // seed 0, the current year).
    let res = app
        .api_get(
            t.token(Role::Laeser),
            &format!("/api/v1/programmes/{}/forecast", f.programme.0),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;
    let (status, html) = get_text(
        &client,
        &app,
        &format!("/programmer/{}/rapport", f.programme.0),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Prognosen er ikke beregnet"));
    // Two fan charts (kr. and årsværk), each with its target line, its median and the
    // recorded actuals of 2025–2026 as their own series.
    assert_eq!(html.matches("class=\"fan-median\"").count(), 4, "{html}"); // 2 + legends
    assert_eq!(html.matches("<polyline").count(), 4, "{html}");
    assert_eq!(html.matches("class=\"fan-actual\"").count(), 2, "{html}");
    assert!(html.contains("Mål 2027: 100.000 kr."));
    assert!(html.contains("Mål 2027: 0,50 årsværk"));
    // Even at every line's high estimate (porto × 1.1, hours × 1.2) 2027 gives
    // 66,000 + 31,185.04 = 97,185.04 kr. < 100,000 kr. and 0.06 < 0.5 årsværk: both
    // targets are reached in no iteration.
    assert_eq!(
        table_text(&html, "sandsynligheder"),
        "Sandsynlighed for at nå målene Mål Sandsynlighed 100.000 kr. pr. år senest i 2027 0 % 0,50 årsværk senest i 2027 0 %"
    );
    // The workbook gets the Prognose sheet: per year below, the targets after an empty
    // row (header on row 6, target 1 on row 7), probability as a number.
    let res = client
        .get(app.url(&format!("/programmer/{}/eksport.xlsx", f.programme.0)))
        .send()
        .await
        .expect("download");
    let mut wb = workbook(res.bytes().await.expect("body").to_vec());
    assert_eq!(
        wb.sheet_names().last().map(String::as_str),
        Some("Prognose")
    );
    assert_eq!(cell(&mut wb, "Prognose", 3, 0), Data::Float(2027.0));
    assert_eq!(
        cell(&mut wb, "Prognose", 5, 4),
        Data::String("Sandsynlighed".into())
    );
    assert_eq!(cell(&mut wb, "Prognose", 6, 3), Data::Float(100000.0));
    assert_eq!(cell(&mut wb, "Prognose", 6, 4), Data::String("0 %".into()));
    assert_eq!(cell(&mut wb, "Prognose", 7, 3), Data::Float(0.5));
}

#[tokio::test]
async fn a_potential_without_case_or_plan_has_an_empty_report() {
    let (app, t, _f) = world().await;
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;
    let id = t.potential.id.0;
    let (status, html) =
        get_text(&client, &app, &format!("/potentialer/{id}/gevinstrapport")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Potentialet har ingen business case."));
    assert!(html.contains("Potentialet har endnu ingen gevinstrealiseringsplan."));
    assert!(html.contains("Der er endnu ingen målinger."));
    let res = client
        .get(app.url(&format!("/potentialer/{id}/gevinstplan.xlsx")))
        .send()
        .await
        .expect("download");
    assert_eq!(res.status(), StatusCode::OK);
    let mut wb = workbook(res.bytes().await.expect("body").to_vec());
    assert_eq!(
        wb.worksheet_range("Gevinstplaner").expect("sheet").height(),
        1
    );
    assert_eq!(wb.worksheet_range("Målinger").expect("sheet").height(), 1);
}

#[tokio::test]
async fn the_potential_report_shows_plan_actuals_and_deviations() {
    let (app, _t, f) = world().await;
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;
    let (status, html) = get_text(
        &client,
        &app,
        &format!("/potentialer/{}/gevinstrapport", f.potential.0),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<h1 id=\"rapport-titel\">Robot til journalisering</h1>"));
    assert!(html.contains("Besluttet"));
    // Key figures of the case: full effect = the 2027 gain, 85.988 kr.
    let figures = table_text(&html, "bc-noegletal");
    assert!(
        figures.contains("Fuld effekt (årlig nettogevinst i slutåret) 85.988 kr."),
        "{figures}"
    );
    let benefits = table_text(&html, "gevinster");
    assert!(
        benefits.contains("Porto hjemtagbar Direkte besparelse Leder alfa"),
        "{benefits}"
    );
    assert!(
        benefits.contains("2025: 0 kr. · 2026: 60.000 kr. · 2027: 60.000 kr."),
        "{benefits}"
    );
    let years = table_text(&html, "afvigelser");
    assert!(years.contains("2025 0 kr. Ikke målt 0 kr. –"), "{years}");
    assert!(
        years.contains(&format!(
            "2026 85.988 kr. 40.000 kr. 25.000 kr. 45.988 kr. {NOTE}"
        )),
        "{years}"
    );
    let actuals = table_text(&html, "maalinger");
    assert!(
        actuals.contains(&format!(
            "2026 Porto 0,00 40.000 kr. 0,00 0,00 25.000 kr. Budget 2026, ramme 3.22 15.03.2026 {NOTE}"
        )),
        "{actuals}"
    );
}

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("a real .xlsx workbook")
}

fn cell(wb: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, row: u32, col: u32) -> Data {
    wb.worksheet_range(sheet)
        .expect("sheet")
        .get_value((row, col))
        .cloned()
        .unwrap_or(Data::Empty)
}

#[tokio::test]
async fn the_programme_workbook_has_typed_cells() {
    let (app, _t, f) = world().await;
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;
    let res = client
        .get(app.url(&format!("/programmer/{}/eksport.xlsx", f.programme.0)))
        .send()
        .await
        .expect("download");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"digitalisering-2025-2027.xlsx\""
    );
    let mut wb = workbook(res.bytes().await.expect("body").to_vec());
    assert_eq!(
        wb.sheet_names(),
        vec![
            "Oversigt",
            "Mål",
            "Enheder",
            "Fagområder",
            "Teknologier",
            "Største afvigelser",
            "Gevinstplaner",
            "Målinger",
            "Ordliste"
        ]
    );
    // Oversigt, row 2026: planned 85,987.53, realised 40,000, harvested 25,000.
    assert_eq!(cell(&mut wb, "Oversigt", 2, 0), Data::Float(2026.0));
    assert_eq!(cell(&mut wb, "Oversigt", 2, 2), Data::Float(85987.53));
    assert_eq!(cell(&mut wb, "Oversigt", 2, 4), Data::Float(40000.0));
    assert_eq!(cell(&mut wb, "Oversigt", 2, 5), Data::Float(25000.0));
    // 2027: the target 100,000 kr. and 0.5 årsværk.
    assert_eq!(cell(&mut wb, "Oversigt", 3, 1), Data::Float(100000.0));
    assert_eq!(cell(&mut wb, "Oversigt", 3, 9), Data::Float(0.5));
    assert_eq!(cell(&mut wb, "Oversigt", 3, 10), Data::Float(0.05));
    // The unit breakdown names the unit.
    assert_eq!(
        cell(&mut wb, "Enheder", 1, 0),
        Data::String("Hjemmeplejen".into())
    );
    assert_eq!(
        cell(&mut wb, "Største afvigelser", 1, 4),
        Data::Float(45987.53)
    );
    assert_eq!(
        cell(&mut wb, "Største afvigelser", 1, 5),
        Data::String(NOTE.into())
    );
    // Gevinstplaner: 2 benefits × 3 years.
    assert_eq!(
        wb.worksheet_range("Gevinstplaner").expect("sheet").height(),
        7
    );
    assert_eq!(
        cell(&mut wb, "Gevinstplaner", 1, 4),
        Data::String("Leder alfa".into())
    );
    // Målinger: numbers and a real date (15 March 2026 = Excel day 46,096).
    assert_eq!(cell(&mut wb, "Målinger", 1, 4), Data::Float(40000.0));
    match cell(&mut wb, "Målinger", 1, 9) {
        Data::DateTime(d) => assert_eq!(d.as_f64(), 46096.0),
        other => panic!("expected a date cell, got {other:?}"),
    }
}

#[tokio::test]
async fn the_plan_workbook_of_a_potential() {
    let (app, _t, f) = world().await;
    let (client, _) = login_role(&app, "alfa", Role::Laeser).await;
    let res = client
        .get(app.url(&format!("/potentialer/{}/gevinstplan.xlsx", f.potential.0)))
        .send()
        .await
        .expect("download");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-disposition"],
        format!(
            "attachment; filename=\"gevinstplan-{}-robot-til-journalisering.xlsx\"",
            f.potential.0
        )
        .as_str()
    );
    let mut wb = workbook(res.bytes().await.expect("body").to_vec());
    assert_eq!(wb.sheet_names(), vec!["Gevinstplaner", "Målinger"]);
    // Row 3: Porto 2026, 60,000 kr.
    assert_eq!(
        cell(&mut wb, "Gevinstplaner", 2, 1),
        Data::String("Porto".into())
    );
    assert_eq!(cell(&mut wb, "Gevinstplaner", 2, 9), Data::Float(2026.0));
    assert_eq!(cell(&mut wb, "Gevinstplaner", 2, 12), Data::Float(60000.0));
    // Sagsbehandling 2027: 100 hours, valued at 25,987.53 kr.
    assert_eq!(cell(&mut wb, "Gevinstplaner", 6, 10), Data::Float(100.0));
    assert_eq!(cell(&mut wb, "Gevinstplaner", 6, 12), Data::Float(25987.53));
}

#[tokio::test]
async fn another_tenant_gets_404_and_strangers_are_sent_to_the_login() {
    let (app, _t, f) = world().await;
    seed_tenant(&app.store, "beta").await;
    let (beta, _) = login_role(&app, "beta", Role::Admin).await;
    for path in [
        format!("/programmer/{}/rapport", f.programme.0),
        format!("/programmer/{}/eksport.xlsx", f.programme.0),
        format!("/potentialer/{}/gevinstrapport", f.potential.0),
        format!("/potentialer/{}/gevinstplan.xlsx", f.potential.0),
        format!("/programmer/{}/rapport.css", f.programme.0),
        format!("/potentialer/{}/gevinstrapport.css", f.potential.0),
        "/programmer/abc/rapport".to_owned(),
        "/potentialer/99999999999999999999/gevinstrapport".to_owned(),
    ] {
        let res = beta.get(app.url(&path)).send().await.expect("request");
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let res = app
            .client
            .get(app.url(&path))
            .send()
            .await
            .expect("request");
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        let location = res.headers()["location"].to_str().expect("location");
        assert!(location.starts_with("/login"), "{path}: {location}");
    }
}

// ---------------------------------------------------------------------------------------
// Printing the report to PDF in headless Chromium.

/// Decodes standard base64 (as WebDriver's Print Page returns it).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let digits: Vec<u32> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= d << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("JVBERi0xLjQ="), b"%PDF-1.4");
    assert_eq!(base64_decode("YWJj"), b"abc");
    assert_eq!(base64_decode("YWI="), b"ab");
}

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn print_story(
    c: &fantoccini::Client,
    url: &str,
    app: &TestApp,
    f: &ProgrammeFixture,
) -> Res<String> {
    crate::browser::login(c, app, &role_email(Role::Portefoljeleder, "alfa")).await?;
    c.goto(&app.url(&format!("/programmer/{}/rapport", f.programme.0)))
        .await?;
    crate::browser::wait_body(c, "Gevinstrealiseringsrapport").await?;
    if let Some(dir) = std::env::var_os("GEVINST_SCREENSHOTS") {
        std::fs::create_dir_all(&dir)?;
        let png = c.screenshot().await?;
        std::fs::write(std::path::Path::new(&dir).join("rapport-skaerm.png"), png)?;
    }
    // WebDriver "Print Page": POST /session/{id}/print answers with the PDF in base64.
    let session = c.session_id().await?.ok_or("no WebDriver session id")?;
    let res: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/session/{session}/print",
            url.trim_end_matches('/')
        ))
        .json(&serde_json::json!({"background": false, "shrinkToFit": true}))
        .send()
        .await?
        .json()
        .await?;
    let b64 = res["value"]
        .as_str()
        .ok_or_else(|| format!("print answered without a PDF: {res}"))?;
    let pdf = base64_decode(b64);
    assert!(pdf.starts_with(b"%PDF-"), "the print is a PDF");
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("rapport.pdf");
    std::fs::write(&path, &pdf)?;
    if let Some(keep) = std::env::var_os("GEVINST_SCREENSHOTS") {
        std::fs::create_dir_all(&keep)?;
        std::fs::write(std::path::Path::new(&keep).join("rapport.pdf"), &pdf)?;
    }
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .map_err(|e| format!("pdftotext (poppler-utils) is needed for this test: {e}"))?;
    assert!(out.status.success(), "pdftotext failed");
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn the_programme_report_prints_to_a_pdf_with_the_target() {
    let Some(url) = crate::browser::webdriver_url() else {
        return;
    };
    let (app, _t, f) = world().await;
    let profile = tempfile::tempdir().expect("profile dir");
    let c = crate::browser::browser(&url, profile.path())
        .await
        .expect("start Chromium through WebDriver");
    let result = print_story(&c, &url, &app, &f).await;
    let _ = c.close().await;
    let text = match result {
        Ok(t) => t,
        Err(e) => panic!("printing the report failed: {e}"),
    };
    // The name is in the heading and in the page header of every page.
    assert!(
        text.matches("Digitalisering 2025–2027").count() >= 2,
        "{text}"
    );
    assert!(text.contains("100.000 kr. pr. år senest i 2027"), "{text}");
    assert!(text.contains("45.988 kr."), "{text}");
    // The print stylesheet hides the menu, the logout button and the download link.
    assert!(!text.contains("Log ud"), "{text}");
    assert!(!text.contains("Hent oversigt"), "{text}");
}
