//! The import pages through the real server: upload a messy workbook made here with
//! rust_xlsxwriter, check the suggested columns, the unknown values, every row's outcome,
//! all-or-nothing versus only the valid rows (checked in the store), CPR masking, roles,
//! tenant isolation, CSRF and broken files.

use crate::helpers::{
    get_text, login_role, post_form, seed_tenant, serve_with_settings, spawn_app, SeededTenant,
    TestApp,
};
use gevinst_domain::{PotentialQuery, Role};
use reqwest::{Client, StatusCode};
use rust_xlsxwriter::{Format, Workbook};

/// A messy workbook for tenant `slug`:
///
/// - sheet "Potentialer": a merged title in row 1, a blank row 2, the header in row 3
///   (Titel, Beskrivelse, Enhed, Forventet gevinst (kr.), Startår, Bemærkning), then
///   - row 4: "Robot til journalisering", Hjemmeplejen, "1.234.567 kr.", 2025 → new, with a
///     business case;
///   - row 5: the seeded potential "Skærmbesøg i {slug}" unchanged → duplicate;
///   - row 6: blank;
///   - row 7: "Chatbot" with a CPR number in the description → error until masked;
///   - row 8: "Vejbump-app" in the unknown unit "Vejcenter" → error unless created;
///   - row 9: no title → error;
/// - a hidden sheet "Noter".
pub(crate) fn messy_workbook(slug: &str) -> Vec<u8> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Potentialer").expect("name");
    ws.merge_range(0, 0, 0, 5, "Digitaliseringspotentialer 2025", &bold)
        .expect("merge");
    for (c, h) in [
        "Titel",
        "Beskrivelse",
        "Enhed",
        "Forventet gevinst (kr.)",
        "Startår",
        "Bemærkning",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(2, c as u16, *h, &bold)
            .expect("header");
    }
    let duplicate = format!("Skærmbesøg i {slug}");
    let rows: [(u32, [&str; 6]); 5] = [
        (
            3,
            [
                "Robot til journalisering",
                "Automatisk journalisering af post.",
                "Hjemmeplejen",
                "1.234.567 kr.",
                "",
                "",
            ],
        ),
        (
            4,
            [
                &duplicate,
                "Aftenbesøg via video.",
                "Hjemmeplejen",
                "",
                "",
                "",
            ],
        ),
        (
            6,
            [
                "Chatbot",
                "Borgeren 010190-1234 spørger tit om det samme.",
                "Hjemmeplejen",
                "",
                "",
                "",
            ],
        ),
        (8 - 1, ["Vejbump-app", "", "Vejcenter", "", "", ""]),
        (8, ["", "Mangler titel", "Hjemmeplejen", "", "", ""]),
    ];
    for (r, cells) in rows {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, *v).expect("cell");
            }
        }
    }
    ws.write_number(3, 4, 2025).expect("year");
    let notes = wb.add_worksheet();
    notes.set_name("Noter").expect("name");
    notes.write_string(0, 0, "Intern note").expect("note");
    notes.set_hidden(true);
    wb.save_to_buffer().expect("xlsx")
}

/// A multipart body with the file field `fil`.
fn multipart(filename: &str, data: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----gevinsttestgrænse7MA4YWxk".replace('æ', "ae");
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads a file with the CSRF token in the query string (as the form does).
pub(crate) async fn upload(
    client: &Client,
    app: &TestApp,
    csrf: Option<&str>,
    filename: &str,
    data: &[u8],
) -> reqwest::Response {
    upload_to(client, &app.base, csrf, filename, data).await
}

/// Like [`upload`], to the server at `base` (`http://127.0.0.1:PORT`).
async fn upload_to(
    client: &Client,
    base: &str,
    csrf: Option<&str>,
    filename: &str,
    data: &[u8],
) -> reqwest::Response {
    let (ct, body) = multipart(filename, data);
    let path = match csrf {
        Some(t) => format!("/import?_csrf={t}"),
        None => "/import".to_owned(),
    };
    client
        .post(format!("{base}{path}"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .expect("upload")
}

pub(crate) fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .expect("location")
        .to_str()
        .expect("ascii")
        .to_owned()
}

/// The value of the selected option of `<select id="{id}">`.
pub(crate) fn selected(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("<select id=\"{id}\""))
        .unwrap_or_else(|| panic!("select {id}"));
    let end = at + html[at..].find("</select>").expect("end of select");
    let sel = &html[at..end];
    let key = "\" selected>";
    let Some(s) = sel.find(key) else {
        return String::new();
    };
    let start = sel[..s].rfind("value=\"").expect("value") + "value=\"".len();
    sel[start..s].to_owned()
}

/// The result class of preview row `row` (`ny`, `opdatering`, `dublet`, `fejl`).
pub(crate) fn outcome(html: &str, row: u32) -> String {
    let key = format!("<tr id=\"raekke-{row}\" class=\"r-");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("row {row} in preview"))
        + key.len();
    let end = html[at..].find('"').expect("end");
    html[at..at + end].to_owned()
}

/// The text of preview row `row`'s cells (tags stripped, whitespace collapsed).
pub(crate) fn row_text(html: &str, row: u32) -> String {
    let key = format!("<tr id=\"raekke-{row}\"");
    let at = html.find(&key).expect("row");
    let end = at + html[at..].find("</tr>").expect("end of row");
    let mut out = String::new();
    let mut in_tag = false;
    for c in html[at..end].chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn titles(app: &TestApp, t: &SeededTenant) -> Vec<String> {
    let q = PotentialQuery {
        per_page: 100,
        ..Default::default()
    };
    let mut out: Vec<String> = app
        .store
        .list_potentials(t.tenant.id, &q)
        .await
        .expect("list")
        .items
        .into_iter()
        .map(|p| p.title)
        .collect();
    out.sort();
    out
}

/// The columns form for [`messy_workbook`]: the suggested fields for its first five
/// columns, `sixth` for the sixth (the note), then `extra` fields such as `gem_som`.
fn columns_form<'a>(
    csrf: &'a str,
    sixth: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("_csrf", csrf),
        ("kolonne_0", "felt:title"),
        ("kolonne_1", "felt:description"),
        ("kolonne_2", "felt:unit"),
        ("kolonne_3", "felt:gain"),
        ("kolonne_4", "felt:start_year"),
        ("kolonne_5", sixth),
    ];
    form.extend_from_slice(extra);
    form
}

/// Uploads the messy workbook as `role` and returns the client, token and upload path.
async fn start(app: &TestApp, slug: &str, role: Role) -> (Client, String, String) {
    let (client, csrf) = login_role(app, slug, role).await;
    let res = upload(
        &client,
        app,
        Some(&csrf),
        "potentialer 2025.xlsx",
        &messy_workbook(slug),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    assert!(
        path.starts_with("/import/") && path.len() == "/import/".len() + 32,
        "{path}"
    );
    (client, csrf, path)
}

#[tokio::test]
async fn a_messy_workbook_is_mapped_previewed_and_imported_row_by_row() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "imp").await;
    let (client, csrf, path) = start(&app, "imp", Role::Portefoljeleder).await;

    // Step 2: the sheet list marks the hidden sheet, the header is found in row 3 and
    // each column's suggestion is pre-selected.
    let (status, html) = get_text(&client, &app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<option value=\"Noter\">Noter (skjult ark)</option>"),
        "{html}"
    );
    assert!(html.contains("<dt>Overskrift</dt><dd>Række 3</dd>"));
    assert!(html.contains("<dt>Datarækker</dt><dd>5</dd>"), "data rows");
    // Examples never show a CPR number.
    assert!(html.contains("Borgeren XXXXXX-XXXX spørger tit om det …"));
    assert!(!html.contains("010190-1234"));
    assert_eq!(selected(&html, "kolonne_0"), "felt:title");
    assert_eq!(selected(&html, "kolonne_1"), "felt:description");
    assert_eq!(selected(&html, "kolonne_2"), "felt:unit");
    assert_eq!(selected(&html, "kolonne_3"), "felt:gain");
    assert_eq!(selected(&html, "kolonne_4"), "felt:start_year");
    assert_eq!(selected(&html, "kolonne_5"), "note");

    // A mapping without a title column is refused with the reason.
    let bad = post_form(
        &client,
        &app,
        &format!("{path}/kolonner"),
        &[
            ("_csrf", &csrf),
            ("kolonne_0", "ignorer"),
            ("kolonne_1", "felt:description"),
        ],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.expect("body");
    assert!(body.contains("Vælg den kolonne, der indeholder potentialernes titel."));

    // The suggested mapping, saved by name.
    let form = columns_form(&csrf, "note", &[("gem_som", "Årlig liste")]);
    let res = post_form(&client, &app, &format!("{path}/kolonner"), &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{path}/vaerdier"));
    let saved = app
        .store
        .list_import_mappings(t.tenant.id)
        .await
        .expect("mappings");
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].name, "Årlig liste");

    // Step 3: the unknown unit, offered for creation (a porteføljeleder may).
    let (status, html) = get_text(&client, &app, &format!("{path}/vaerdier")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("name=\"raw_0\" value=\"Vejcenter\""),
        "{html}"
    );
    assert!(!html.contains("name=\"raw_1\""));
    assert_eq!(selected(&html, "vaerdi_0"), "opret");
    // Leave it undecided: the row stays an error.
    let res = post_form(
        &client,
        &app,
        &format!("{path}/vaerdier"),
        &[
            ("_csrf", &csrf),
            ("antal", "1"),
            ("art_0", "unit"),
            ("raw_0", "Vejcenter"),
            ("vaerdi_0", ""),
            ("standard_enhed", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{path}/forhaandsvisning"));

    // Step 4: every row's outcome.
    let (status, html) = get_text(&client, &app, &format!("{path}/forhaandsvisning")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(outcome(&html, 4), "ny");
    assert_eq!(outcome(&html, 5), "dublet");
    assert!(!html.contains("id=\"raekke-6\""));
    assert_eq!(outcome(&html, 7), "fejl");
    assert_eq!(outcome(&html, 8), "fejl");
    assert_eq!(outcome(&html, 9), "fejl");
    assert!(
        row_text(&html, 4).contains("Nyt potentiale med business case."),
        "{}",
        row_text(&html, 4)
    );
    assert!(
        row_text(&html, 5).contains("findes allerede med de samme oplysninger"),
        "{}",
        row_text(&html, 5)
    );
    assert!(
        row_text(&html, 7)
            .contains("Maskeret: Beskrivelse: Borgeren XXXXXX-XXXX spørger tit om det samme."),
        "{}",
        row_text(&html, 7)
    );
    assert!(
        row_text(&html, 8).contains("Vejcenter"),
        "{}",
        row_text(&html, 8)
    );
    assert!(html.contains("<span class=\"badge r-ny\">Ny</span> 1</li>"));
    assert!(html.contains("<span class=\"badge r-dublet\">Dublet</span> 1</li>"));
    assert!(html.contains("<span class=\"badge r-fejl\">Fejl</span> 3</li>"));
    assert!(html.contains("Maskér CPR-numre"));
    assert!(html.contains("value=\"alle\" class=\"primary\" disabled"));
    // The CPR number itself is never echoed.
    assert!(!html.contains("010190-1234"));

    // The error report is an .xlsx with the rows that were not imported cleanly.
    let res = client
        .get(app.url(&format!("{path}/fejlrapport.xlsx")))
        .send()
        .await
        .expect("report");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.expect("bytes");
    assert_eq!(&bytes[..2], b"PK");

    // All or nothing: refused with errors, nothing written.
    let before = titles(&app, &t).await;
    assert_eq!(before, vec!["Skærmbesøg i imp".to_owned()]);
    let res = post_form(
        &client,
        &app,
        &format!("{path}/importer"),
        &[("_csrf", &csrf), ("valg", "alle")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.expect("body");
    assert!(
        body.contains("3 rækker har fejl, så intet er importeret."),
        "{body}"
    );
    assert_eq!(titles(&app, &t).await, before);

    // Masking the CPR number makes row 7 importable.
    let res = post_form(
        &client,
        &app,
        &format!("{path}/maskering"),
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_text(&client, &app, &format!("{path}/forhaandsvisning")).await;
    assert_eq!(outcome(&html, 7), "ny");
    assert_eq!(outcome(&html, 8), "fejl");
    assert_eq!(outcome(&html, 9), "fejl");
    assert!(html.contains("<span class=\"badge r-fejl\">Fejl</span> 2</li>"));
    assert!(html.contains("CPR-numre er maskeret som XXXXXX-XXXX."));

    // Only the valid rows, on explicit choice.
    let res = post_form(
        &client,
        &app,
        &format!("{path}/importer"),
        &[("_csrf", &csrf), ("valg", "gyldige")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{path}/resultat"));
    assert_eq!(
        titles(&app, &t).await,
        vec![
            "Chatbot".to_owned(),
            "Robot til journalisering".to_owned(),
            "Skærmbesøg i imp".to_owned()
        ]
    );
    let q = PotentialQuery {
        per_page: 100,
        ..Default::default()
    };
    let all = app
        .store
        .list_potentials(t.tenant.id, &q)
        .await
        .expect("list")
        .items;
    let chatbot = all.iter().find(|p| p.title == "Chatbot").expect("chatbot");
    assert_eq!(
        chatbot.description,
        "Borgeren XXXXXX-XXXX spørger tit om det samme."
    );
    assert_eq!(chatbot.unit_id, t.enhed.id);
    let robot = all
        .iter()
        .find(|p| p.title == "Robot til journalisering")
        .expect("robot");
    let case = app
        .store
        .business_case(t.tenant.id, robot.id)
        .await
        .expect("case")
        .expect("robot has a case");
    assert_eq!(case.case.start_year, 2025);
    let gain: Vec<String> = case.case.lines[0]
        .amounts
        .iter()
        .map(|a| a.to_string())
        .collect();
    assert_eq!(gain, vec!["1234567"; 5]);

    // The result page counts and links the new potentials.
    let (status, html) = get_text(&client, &app, &format!("{path}/resultat")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<dt>Nye potentialer</dt><dd>2</dd>"),
        "{html}"
    );
    assert!(html.contains("<dt>Rækker med fejl sprunget over</dt><dd>2</dd>"));
    assert!(html.contains(&format!(
        "<a href=\"/potentialer/{}\">Robot til journalisering</a>",
        robot.id
    )));
    assert!(html.contains(&format!(
        "<a href=\"/potentialer/{}\">Chatbot</a>",
        chatbot.id
    )));

    // A second commit of the same upload writes nothing more.
    let res = post_form(
        &client,
        &app,
        &format!("{path}/importer"),
        &[("_csrf", &csrf), ("valg", "gyldige")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(titles(&app, &t).await.len(), 3);
}

#[tokio::test]
async fn creating_the_unknown_unit_imports_every_row_at_once() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "ny").await;
    let (client, csrf, path) = start(&app, "ny", Role::Admin).await;
    // Columns as suggested (the saved mapping is offered on the next file).
    let res = post_form(
        &client,
        &app,
        &format!("{path}/kolonner"),
        &columns_form(&csrf, "maerke", &[]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_form(
        &client,
        &app,
        &format!("{path}/vaerdier"),
        &[
            ("_csrf", &csrf),
            ("antal", "1"),
            ("art_0", "unit"),
            ("raw_0", "Vejcenter"),
            ("vaerdi_0", "opret"),
            ("standard_enhed", &t.enhed.id.to_string()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    post_form(
        &client,
        &app,
        &format!("{path}/maskering"),
        &[("_csrf", &csrf)],
    )
    .await;
    let (_, html) = get_text(&client, &app, &format!("{path}/forhaandsvisning")).await;
    // Row 8 creates its unit; row 9 still has no title.
    assert_eq!(outcome(&html, 8), "ny");
    assert_eq!(outcome(&html, 9), "fejl");
    assert!(html.contains("<li>Ny enhed: Vejcenter</li>"), "{html}");
    let res = post_form(
        &client,
        &app,
        &format!("{path}/importer"),
        &[("_csrf", &csrf), ("valg", "gyldige")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let units = app.store.list_units(t.tenant.id).await.expect("units");
    assert!(units.iter().any(|u| u.name == "Vejcenter"));
    assert_eq!(titles(&app, &t).await.len(), 4);
}

#[tokio::test]
async fn a_laeser_cannot_import() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "laes").await;
    let (client, csrf) = login_role(&app, "laes", Role::Laeser).await;
    let (status, _) = get_text(&client, &app, "/import").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = upload(
        &client,
        &app,
        Some(&csrf),
        "a.csv",
        b"Titel;Enhed\nA;Hjemmeplejen\n",
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // No menu link either; a porteføljeleder has one.
    let (_, html) = get_text(&client, &app, "/").await;
    assert!(!html.contains("href=\"/import\""));
    let (pl, _) = login_role(&app, "laes", Role::Portefoljeleder).await;
    let (_, html) = get_text(&pl, &app, "/").await;
    assert!(html.contains("<a href=\"/import\">Import</a>"));
}

#[tokio::test]
async fn an_upload_is_seen_only_by_its_user() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "en").await;
    seed_tenant(&app.store, "to").await;
    let (_, _, path) = start(&app, "en", Role::Portefoljeleder).await;
    let (other_tenant, csrf) = login_role(&app, "to", Role::Admin).await;
    for p in [
        path.clone(),
        format!("{path}/vaerdier"),
        format!("{path}/forhaandsvisning"),
        format!("{path}/fejlrapport.xlsx"),
    ] {
        let (status, _) = get_text(&other_tenant, &app, &p).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    }
    let res = post_form(
        &other_tenant,
        &app,
        &format!("{path}/importer"),
        &[("_csrf", &csrf), ("valg", "gyldige")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Another user of the same tenant does not see it either.
    let (same_tenant, _) = login_role(&app, "en", Role::Admin).await;
    let (status, _) = get_text(&same_tenant, &app, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Ids that are not upload ids.
    let (owner, _) = login_role(&app, "en", Role::Portefoljeleder).await;
    for p in [
        "/import/abc",
        "/import/ABCDEF",
        "/import/00000000000000000000000000000000",
    ] {
        let (status, _) = get_text(&owner, &app, p).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
    }
}

#[tokio::test]
async fn an_upload_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "csrf").await;
    let (client, csrf) = login_role(&app, "csrf", Role::Admin).await;
    let csv = "Titel;Enhed\nNy idé;Hjemmeplejen\n".as_bytes();
    let res = upload(&client, &app, None, "a.csv", csv).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res
        .text()
        .await
        .expect("body")
        .contains("Formularen er udløbet"));
    let res = upload(&client, &app, Some("forkert"), "a.csv", csv).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // With the token the same upload works; a commit without it is refused.
    let res = upload(&client, &app, Some(&csrf), "a.csv", csv).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let res = post_form(
        &client,
        &app,
        &format!("{path}/importer"),
        &[("valg", "alle")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(titles(&app, &t).await.len(), 1);
    // The query-string token is accepted only for uploads, not for ordinary forms.
    let res = client
        .post(app.url(&format!("{path}/importer?_csrf={csrf}")))
        .form(&[("valg", "alle")])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post_form(
        &client,
        &app,
        &format!("{path}/importer"),
        &[("_csrf", &csrf), ("valg", "alle")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        titles(&app, &t).await,
        vec!["Ny idé".to_owned(), "Skærmbesøg i csrf".to_owned()]
    );
}

#[tokio::test]
async fn broken_files_get_a_danish_message() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "brud").await;
    let (client, csrf) = login_role(&app, "brud", Role::Portefoljeleder).await;
    // A zip that is not a workbook, a truncated workbook, a wrong type, an empty file.
    let mut truncated = messy_workbook("brud");
    truncated.truncate(truncated.len() / 2);
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "liste.xlsx",
            b"PK\x03\x04 dette er ikke et regneark".to_vec(),
            "alert error",
        ),
        ("liste.xlsx", truncated, "alert error"),
        (
            "notat.pdf",
            b"%PDF-1.4".to_vec(),
            "«notat.pdf» kan ikke importeres.",
        ),
        ("tom.csv", Vec::new(), "«tom.csv» er tom."),
    ];
    for (name, data, expected) in cases {
        let res = upload(&client, &app, Some(&csrf), name, &data).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let body = res.text().await.expect("body");
        assert!(body.contains(expected), "{name}: {body}");
        assert!(body.contains("Filen kan ikke importeres"), "{name}");
        assert!(body.contains("aria-invalid=\"true\""), "{name}");
    }
    // A body that is not multipart at all.
    let res = post_raw(
        &client,
        &app,
        &csrf,
        "multipart/form-data; boundary=x",
        b"ikke multipart".to_vec(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .expect("body")
        .contains("Formularen kunne ikke læses."));
}

#[tokio::test]
async fn a_saved_mapping_is_applied_to_the_next_file() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "gem").await;
    let (client, csrf, first) = start(&app, "gem", Role::Portefoljeleder).await;
    let res = post_form(
        &client,
        &app,
        &format!("{first}/kolonner"),
        &columns_form(&csrf, "maerke", &[("gem_som", "Min liste")]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The next file has the columns in another order, and one the mapping did not know.
    let csv = "Bemærkning;Enhed;Titel;Kontakt\nvigtig;Hjemmeplejen;Ny idé;Ib\n";
    let res = upload(&client, &app, Some(&csrf), "næste.csv", csv.as_bytes()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let second = location(&res);
    let (_, html) = get_text(&client, &app, &second).await;
    assert!(html.contains("<option value=\"Min liste\">Min liste</option>"));
    assert_eq!(selected(&html, "kolonne_0"), "note");
    let res = post_form(
        &client,
        &app,
        &format!("{second}/opsaetning"),
        &[("_csrf", &csrf), ("navn", "Min liste")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("{second}?besked=opsaetning"));
    let (_, html) = get_text(&client, &app, &location(&res)).await;
    assert!(html.contains("Den gemte kolonneopsætning er brugt."));
    assert_eq!(selected(&html, "kolonne_0"), "maerke");
    assert_eq!(selected(&html, "kolonne_1"), "felt:unit");
    assert_eq!(selected(&html, "kolonne_2"), "felt:title");
    // An unknown name is not found.
    let res = post_form(
        &client,
        &app,
        &format!("{second}/opsaetning"),
        &[("_csrf", &csrf), ("navn", "Findes ikke")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_file_over_the_configured_limit_is_refused_in_danish() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "stor").await;
    // A second server on the same database, with a 1 MB import limit.
    let settings = gevinst_web::WebSettings {
        max_import_bytes: 1024 * 1024,
        ..Default::default()
    };
    let small = serve_with_settings(&app, settings).await;
    // Cookies do not depend on the port, so the session works on both servers.
    let (client, csrf) = login_role(&app, "stor", Role::Admin).await;
    let mut csv = b"Titel;Enhed\n".to_vec();
    while csv.len() <= 1024 * 1024 {
        csv.extend_from_slice("En lang række med en idé;Hjemmeplejen\n".as_bytes());
    }
    let res = upload_to(&client, &small, Some(&csrf), "stor.csv", &csv).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.expect("body");
    assert!(
        body.contains("Filen fylder 2 MB; grænsen er 1 MB."),
        "{body}"
    );
    // A body over the limit (the file plus 64 KiB for the form) is not read to its end:
    // 413 with the limit said in Danish.
    while csv.len() <= 1024 * 1024 + 80 * 1024 {
        csv.extend_from_slice("En lang række med en idé;Hjemmeplejen\n".as_bytes());
    }
    let res = upload_to(&client, &small, Some(&csrf), "stor.csv", &csv).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = res.text().await.expect("body");
    assert!(
        body.contains("Filen er for stor. Grænsen er 1 MB. Del filen op, eller spørg en administrator om at hæve grænsen."),
        "{body}"
    );
    assert!(body.contains("aria-invalid=\"true\""));
    // The page says the limit.
    let html = client
        .get(format!("{small}/import"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(html.contains("Højst 1 MB."));
}

#[tokio::test]
async fn a_windows_1252_csv_with_an_ambiguous_amount_imports_with_a_warning() {
    let app = spawn_app().await;
    let t = seed_tenant(&app.store, "csv").await;
    let (client, csrf) = login_role(&app, "csv", Role::Portefoljeleder).await;
    // "Kørsel for ældre" in Windows-1252 (ø = F8, æ = E6), as Danish Excel saves CSV.
    let mut csv = b"Titel;Enhed;Forventet gevinst;Start\xe5r\r\n".to_vec();
    csv.extend_from_slice(b"K\xf8rsel for \xe6ldre;Hjemmeplejen;1,5 mio.;2026\r\n");
    let res = upload(&client, &app, Some(&csrf), "liste.csv", &csv).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let (_, html) = get_text(&client, &app, &path).await;
    assert!(
        html.contains("<dt>Format</dt><dd>CSV (Windows-1252, semikolon)</dd>"),
        "{html}"
    );
    assert_eq!(selected(&html, "kolonne_3"), "felt:start_year");
    let (_, html) = get_text(&client, &app, &format!("{path}/forhaandsvisning")).await;
    assert_eq!(outcome(&html, 2), "ny");
    assert_eq!(
        row_text(&html, 2),
        "2 Ny Advarsel Kørsel for ældre Hjemmeplejen Nyt potentiale med business case. Advarsel: Kolonne «Forventet gevinst»: «1,5 mio.» er læst som 1.500.000 kr."
    );
    assert!(html.contains("<span class=\"badge r-advarsel\">Advarsel</span> 1</li>"));
    // Warnings do not block "Importér alle".
    assert!(html.contains("name=\"valg\" value=\"alle\" class=\"primary\">Importér alle</button>"));
    assert!(!html.contains("value=\"gyldige\""));
    let res = post_form(
        &client,
        &app,
        &format!("{path}/importer"),
        &[("_csrf", &csrf), ("valg", "alle")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        titles(&app, &t).await,
        vec!["Kørsel for ældre".to_owned(), "Skærmbesøg i csv".to_owned()]
    );
}

#[tokio::test]
async fn a_sheet_that_cannot_be_read_is_said_on_the_columns_page() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "ark").await;
    let (client, csrf, path) = start(&app, "ark", Role::Admin).await;
    let res = post_form(
        &client,
        &app,
        &format!("{path}/ark"),
        &[("_csrf", &csrf), ("ark", "Noter")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.expect("body");
    assert!(
        html.contains("<a href=\"#ark\">Arket «Noter» kan ikke læses: "),
        "{html}"
    );
    assert!(
        html.contains("<p class=\"field-error\" id=\"ark-fejl\">Arket «Noter» kan ikke læses: ")
    );
    // The sheet read so far stays.
    assert!(html.contains("<option value=\"Potentialer\" selected>Potentialer</option>"));
    assert_eq!(selected(&html, "kolonne_0"), "felt:title");
    let res = post_form(
        &client,
        &app,
        &format!("{path}/ark"),
        &[("_csrf", &csrf), ("ark", "Findes ikke")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .expect("body")
        .contains("Vælg et af filens ark."));
}

/// Posts a raw body to `/import?_csrf=…` with the given content type.
async fn post_raw(
    client: &Client,
    app: &TestApp,
    csrf: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/import?_csrf={csrf}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("POST")
}

#[tokio::test]
async fn the_file_field_is_found_among_the_form_fields() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "felt").await;
    let (client, csrf) = login_role(&app, "felt", Role::Portefoljeleder).await;
    // A preamble, the token also in the body, a file name with a Windows path, escaped
    // quotes and a `;`, data with a line that looks like the boundary, and a second
    // `fil` field that is ignored (the first one counts).
    let mut body = Vec::new();
    body.extend_from_slice(
        b"preamble\r\n--XX\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n",
    );
    body.extend_from_slice(csrf.as_bytes());
    body.extend_from_slice(
        "\r\n--XX\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"C:\\x\\æ \\\"1\\\";.csv\"\r\nContent-Type: text/csv\r\n\r\nTitel;Enhed\r\n--X;Hjemmeplejen\r\nNy idé;Hjemmeplejen\r\n--XX\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"anden.csv\"\r\n\r\nTitel\r\nAnden\r\n--XX--\r\n"
            .as_bytes(),
    );
    let res = post_raw(
        &client,
        &app,
        &csrf,
        "multipart/form-data; boundary=XX",
        body,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let (status, html) = get_text(&client, &app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<dt>Fil</dt><dd>æ &#34;1&#34;;.csv</dd>"),
        "{html}"
    );
    assert!(html.contains("<dt>Datarækker</dt><dd>2</dd>"), "{html}");
    assert_eq!(selected(&html, "kolonne_0"), "felt:title");
    assert_eq!(selected(&html, "kolonne_1"), "felt:unit");
}

#[tokio::test]
async fn a_malformed_form_gets_a_danish_message() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "form").await;
    let (client, csrf) = login_role(&app, "form", Role::Portefoljeleder).await;
    let ct = "multipart/form-data; boundary=XX";
    let unreadable = "Formularen kunne ikke læses. Gå tilbage, og prøv igen.";
    let cases: [(&str, &str, &[u8]); 5] = [
        // No boundary in the content type.
        ("multipart/form-data", "ingen grænse", b"--XX\r\n\r\nx\r\n--XX--\r\n"),
        // Cut off before the closing boundary.
        (
            ct,
            "afbrudt",
            b"--XX\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"a.csv\"\r\n\r\nTitel;Enhed\r\nNy;Hjemmeplejen\r\n",
        ),
        // The part headers never end.
        (ct, "hoveder", b"--XX\r\nContent-Disposition: form-data; name=\"fil\""),
        // A part without a name.
        (
            ct,
            "uden navn",
            b"--XX\r\nContent-Type: text/plain\r\n\r\nx\r\n--XX--\r\n",
        ),
        // A readable file, then a broken part.
        (
            ct,
            "brud efter filen",
            b"--XX\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"a.csv\"\r\n\r\nTitel\r\nNy\r\n--XX\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nslut mangler",
        ),
    ];
    for (content_type, case, body) in cases {
        let res = post_raw(&client, &app, &csrf, content_type, body.to_vec()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{case}");
        let html = res.text().await.expect("body");
        assert!(html.contains(unreadable), "{case}: {html}");
        assert!(html.contains("Filen kan ikke importeres"), "{case}");
    }
    // A well-formed form without a file field, and one without any field.
    let cases: [(&str, &[u8]); 2] = [
        (
            "kun tekst",
            b"--XX\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--XX--\r\n",
        ),
        ("tom", b"--XX--\r\n"),
    ];
    for (case, body) in cases {
        let res = post_raw(&client, &app, &csrf, ct, body.to_vec()).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{case}");
        let html = res.text().await.expect("body");
        assert!(html.contains("Vælg en fil."), "{case}: {html}");
        assert!(!html.contains(unreadable), "{case}");
    }
}

#[tokio::test]
async fn an_upload_may_be_larger_than_an_ordinary_form() {
    let app = spawn_app().await;
    seed_tenant(&app.store, "form-stor").await;
    // A server whose ordinary forms may be 64 KiB, and imports 1 MiB.
    let settings = gevinst_web::WebSettings {
        max_body_bytes: 64 * 1024,
        max_import_bytes: 1024 * 1024,
        ..Default::default()
    };
    let base = serve_with_settings(&app, settings).await;
    let (client, csrf) = login_role(&app, "form-stor", Role::Admin).await;
    let mut csv = b"Titel;Enhed\n".to_vec();
    for i in 0..5000 {
        csv.extend_from_slice(format!("Idé nummer {i};Hjemmeplejen\n").as_bytes());
    }
    assert!(csv.len() > 128 * 1024);
    let res = upload_to(&client, &base, Some(&csrf), "mange.csv", &csv).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let html = client
        .get(format!("{base}{path}"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(html.contains("<dt>Fil</dt><dd>mange.csv</dd>"), "{html}");
    assert!(html.contains("<dt>Datarækker</dt><dd>5000</dd>"), "{html}");
    // An ordinary form keeps its own, smaller limit.
    let long = "x".repeat(80 * 1024);
    let res = client
        .post(format!("{base}{path}/kolonner"))
        .form(&[("_csrf", csrf.as_str()), ("gem_som", long.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
