//! One traffic-light rule (issue 11): on the demo data the front page and the programme
//! page show the same light, in the same words, for every forvaltning's share of the
//! fordelingsnøgle, next to the same share, decided and planned figures; both explain
//! the lights with the glossary's rule.

use crate::helpers::{get_text, spawn_app, try_login, TestApp};
use gevinst_domain::glossary::TRAFIKLYS;
use gevinst_domain::programme::Light;
use reqwest::StatusCode;
use std::collections::{BTreeMap, BTreeSet};

/// The text of an HTML fragment without its tags, trimmed.
fn text(html: &str) -> String {
    crate::pages_front::text(html).trim().to_owned()
}

/// The cells of one table row, as HTML, header cells included.
fn row_cells(row: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = row;
    while let Some(at) = rest.find(['<']) {
        let tail = &rest[at..];
        let close = if tail.starts_with("<td") {
            "</td>"
        } else if tail.starts_with("<th") {
            "</th>"
        } else {
            rest = &tail[1..];
            continue;
        };
        let open_end = tail.find('>').expect("tag end") + 1;
        let end = tail.find(close).expect("cell end");
        out.push(&tail[open_end..end]);
        rest = &tail[end + close.len()..];
    }
    out
}

/// The `<tbody>` rows of the first table after `marker`.
fn body_rows<'a>(html: &'a str, marker: &str) -> Vec<&'a str> {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
    let rest = &html[at..];
    let body = &rest[rest.find("<tbody>").expect("tbody")..rest.find("</tbody>").expect("end")];
    body.split("<tr").skip(1).collect()
}

/// A light as the page shows it: its style key and its words.
fn light_in(cell: &str) -> (String, String) {
    let at = cell
        .find("<span class=\"light light-")
        .unwrap_or_else(|| panic!("no light in {cell}"));
    let rest = &cell[at + "<span class=\"light light-".len()..];
    let key = rest[..rest.find('"').expect("class end")].to_owned();
    let label = text(&rest[rest.find('>').expect("span")..rest.find("</span>").expect("end")]);
    (key, label)
}

/// (forvaltning, target, share, decided, planned) → light.
type Lights = BTreeMap<[String; 5], (String, String)>;

/// The lights of the table after `marker`, whose rows have `width` cells: those five
/// figures at `figures` and the light at `light`.
fn lights_of(html: &str, marker: &str, width: usize, figures: [usize; 5], light: usize) -> Lights {
    body_rows(html, marker)
        .into_iter()
        .map(|row| {
            let c = row_cells(row);
            assert_eq!(c.len(), width, "{row}");
            (figures.map(|i| text(c[i])), light_in(c[light]))
        })
        .collect()
}

/// The front page's table: owner, target, share, decided, planned, light.
fn front_lights(html: &str) -> Lights {
    let table = "<table class=\"data responsive lights\">";
    lights_of(html, table, 6, [0, 1, 2, 3, 4], 5)
}

/// The programme page's table: owner, light, target, share, decided, planned, realised,
/// gap.
fn programme_lights(html: &str) -> Lights {
    lights_of(html, "id=\"trafiklys\"", 8, [0, 2, 3, 4, 5], 1)
}

/// Loads the demo into `app`, logs in as its porteføljeleder and hands back the client,
/// the front page and the id of the demo programme it shows.
pub(crate) async fn demo_front_page(app: &TestApp) -> (reqwest::Client, String, i64) {
    gevinst_demo::load_demo(app.store.as_ref())
        .await
        .expect("demo")
        .expect("empty database");
    let (pl, _) = try_login(
        app,
        gevinst_demo::DEMO_TENANT_SLUG,
        "portefoljeleder@eksempel.dk",
        gevinst_demo::DEMO_PASSWORD,
        "/",
    )
    .await
    .expect("demo login");
    let (status, front) = get_text(&pl, app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let at = front.find("id=\"program-").expect("a programme") + "id=\"program-".len();
    let id: i64 = front[at..]
        .split('"')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("programme id");
    (pl, front, id)
}

#[tokio::test]
async fn the_front_page_and_the_programme_page_show_the_same_light_per_forvaltning() {
    let app = spawn_app().await;
    let (pl, front, id) = demo_front_page(&app).await;
    let (status, page) = get_text(&pl, &app, &format!("/programmer/{id}")).await;
    assert_eq!(status, StatusCode::OK);

    let on_front = front_lights(&front);
    let on_page = programme_lights(&page);
    assert!(on_front.len() >= 5, "a light per share: {on_front:?}");
    assert_eq!(on_front, on_page, "the same light for the same forvaltning");

    // Every light is one of the domain's, in its words, and the demo shows more than one
    // colour (so the comparison is not of one colour everywhere).
    let words: BTreeMap<&str, &str> = Light::ALL.iter().map(|l| (l.key(), l.label())).collect();
    let mut colours = BTreeSet::new();
    for (key, label) in on_front.values() {
        assert_eq!(words.get(key.as_str()), Some(&label.as_str()), "{key}");
        colours.insert(key.clone());
    }
    assert!(colours.len() >= 2, "{colours:?}");

    // Both pages explain the lights with the glossary's rule, and the glossary has it.
    let legend = format!("<p class=\"hint lights-legend\">{}", TRAFIKLYS.definition);
    assert!(front.contains(&legend), "the front page's legend");
    assert!(page.contains(&legend), "the programme page's legend");
    let section = &page[page.find("id=\"lys-titel\"").expect("lights")..];
    let section = &section[..section.find("</table>").expect("table end")];
    assert!(
        !section.contains("80 %"),
        "no second rule on the programme page"
    );
    let (_, glossary) = get_text(&pl, &app, "/ordliste").await;
    assert!(glossary.contains("<dt id=\"trafiklys\">Trafiklys</dt>"));
}
