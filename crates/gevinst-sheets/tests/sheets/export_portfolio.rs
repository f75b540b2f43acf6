//! The portfolio export read back with calamine (cells and types) and, for what calamine
//! cannot tell (frozen panes, autofilters), straight from the sheet XML in the zip.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::{TimeZone, Utc};
use gevinst_domain::business_case::{
    evaluate, BusinessCase, Channel, Economics, Line, LineKind, Risk,
};
use gevinst_domain::potential::Source;
use gevinst_domain::{
    FagomraadeId, Potential, PotentialId, Status, TechnologyId, TenantId, UnitId, UserId,
};
use gevinst_sheets::export::portfolio::{
    csv, is_portfolio_export, read_workbook, workbook, Percentiles, Person, Portfolio,
    PortfolioRow, KEY_FIGURE_HEADERS, LINE_HEADERS, POTENTIAL_HEADERS, RISK_HEADERS,
    SIMULATION_HEADERS,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::io::{Cursor, Read};

fn economics() -> Economics {
    Economics {
        hourly_rate_override: Some(dec!(400)),
        ..Economics::default()
    }
}

fn case() -> BusinessCase {
    let mut porto = Line::certain(
        LineKind::DirekteBesparelse,
        "Porto",
        vec![dec!(0), dec!(60000.5), dec!(60000.5)],
    );
    porto.hjemtagbar = true;
    porto.low = dec!(0.8);
    porto.high = dec!(1.25);
    let mut kanal = Line::certain(
        LineKind::Kanalomlaegning,
        "Selvbetjening",
        vec![dec!(0), dec!(0.12345678901234567), dec!(10)],
    );
    kanal.from_channel = Some(Channel::Telephone);
    kanal.to_channel = Some(Channel::Digital);
    BusinessCase {
        start_year: 2025,
        horizon: 3,
        discount_rate: Some(dec!(0)),
        lines: vec![
            Line::certain(
                LineKind::Investering,
                "Licens",
                vec![dec!(100000), dec!(0), dec!(0)],
            ),
            porto,
            Line::certain(
                LineKind::FrigjorteTimer,
                "Sagsbehandling",
                vec![dec!(0), dec!(100), dec!(200)],
            ),
            kanal,
        ],
        risks: vec![Risk {
            description: "Forsinket integration".into(),
            probability: dec!(0.5),
            min: dec!(1000),
            likely: dec!(4000),
            max: dec!(7000),
            year: 1,
        }],
    }
}

fn potential(id: i64, title: &str) -> Potential {
    Potential {
        id: PotentialId(id),
        tenant_id: TenantId(1),
        title: title.into(),
        description: String::new(),
        unit_id: UnitId(2),
        fagomraade_id: None,
        technology_id: None,
        source: Source::Other,
        submitted_by: None,
        benefit_owner: None,
        digital_agent: None,
        contact_name: None,
        tags: vec![],
        status: Status::Ide,
        created_at: Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap(),
        updated_at: Utc.with_ymd_and_hms(2026, 7, 1, 8, 30, 0).unwrap(),
        version: 1,
    }
}

fn portfolio(simulated: bool) -> Portfolio {
    let econ = economics();
    let c = case();
    let evaluation = evaluate(&c, &econ).expect("evaluates");
    let mut first = potential(7, "Robot til ydelseskontrol");
    first.description = "Manuel kontrol af ydelser på tværs af fagsystemer.\nÆndres årligt.".into();
    first.status = Status::Besluttet;
    first.source = Source::Workshop;
    first.fagomraade_id = Some(FagomraadeId(3));
    first.technology_id = Some(TechnologyId(4));
    first.benefit_owner = Some(UserId(5));
    first.tags = vec!["RPA".into(), "Økonomi".into()];
    first.version = 4;
    let second = potential(9, "=SUM(A1)");
    Portfolio {
        economics: econ,
        rows: vec![
            PortfolioRow {
                potential: first,
                unit_path: vec!["Kommunen".into(), "Borgerservice".into()],
                fagomraade: Some("Økonomi".into()),
                technology: Some("RPA".into()),
                submitted_by: None,
                benefit_owner: Some(Person {
                    name: "Søren Ørsted".into(),
                    email: "soren@kommune.dk".into(),
                }),
                digital_agent: None,
                case: Some(c),
                evaluation: Some(evaluation),
                npv_percentiles: simulated.then_some(Percentiles {
                    p10: 1000.0,
                    p50: 2000.0,
                    p90: 3000.0,
                }),
            },
            PortfolioRow {
                potential: second,
                unit_path: vec!["Kommunen".into()],
                fagomraade: None,
                technology: None,
                submitted_by: None,
                benefit_owner: None,
                digital_agent: None,
                case: None,
                evaluation: None,
                npv_percentiles: None,
            },
        ],
    }
}

fn read(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap()
}

fn rows(wb: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn s(x: &str) -> Data {
    Data::String(x.into())
}

fn headers(row: &[Data]) -> Vec<String> {
    row.iter()
        .map(|d| match d {
            Data::String(s) => s.clone(),
            other => panic!("header is not text: {other:?}"),
        })
        .collect()
}

fn serial(d: &Data) -> f64 {
    match d {
        Data::DateTime(dt) => {
            assert!(dt.is_datetime());
            dt.as_f64()
        }
        other => panic!("not a date: {other:?}"),
    }
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut out = String::new();
    f.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn sheets_and_headers() {
    let bytes = workbook(&portfolio(false)).unwrap();
    let mut wb = read(&bytes);
    assert_eq!(
        wb.sheet_names(),
        ["Potentialer", "Business cases", "Risici", "Nøgletal"]
    );
    assert_eq!(headers(&rows(&mut wb, "Potentialer")[0]), POTENTIAL_HEADERS);
    assert_eq!(headers(&rows(&mut wb, "Business cases")[0]), LINE_HEADERS);
    assert_eq!(headers(&rows(&mut wb, "Risici")[0]), RISK_HEADERS);
    assert_eq!(headers(&rows(&mut wb, "Nøgletal")[0]), KEY_FIGURE_HEADERS);
    assert_eq!(POTENTIAL_HEADERS[0], "Id");
    assert_eq!(POTENTIAL_HEADERS[16], "Oprettet");
}

#[test]
fn potential_rows_are_typed() {
    let bytes = workbook(&portfolio(false)).unwrap();
    let mut wb = read(&bytes);
    let r = rows(&mut wb, "Potentialer");
    assert_eq!(r.len(), 3);
    let a = &r[1];
    assert_eq!(a[0], Data::Float(7.0));
    assert_eq!(a[1], s("Robot til ydelseskontrol"));
    assert_eq!(
        a[2],
        s("Manuel kontrol af ydelser på tværs af fagsystemer.\nÆndres årligt.")
    );
    assert_eq!(a[3], s("Besluttet"));
    assert_eq!(a[4], s("Borgerservice"));
    assert_eq!(a[5], s("Kommunen › Borgerservice"));
    assert_eq!(a[6], s("Økonomi"));
    assert_eq!(a[7], s("RPA"));
    assert_eq!(a[8], s("Workshop"));
    assert_eq!(a[9], s("Søren Ørsted"));
    assert_eq!(a[10], s("soren@kommune.dk"));
    assert_eq!(a[11], Data::Empty);
    assert_eq!(a[13], Data::Empty);
    assert_eq!(a[15], s("RPA; Økonomi"));
    // 15 January 2026 12:00 UTC is 13:00 in Denmark: serial 46037 + 13/24.
    assert_eq!(serial(&a[16]), 46037.0 + 13.0 / 24.0);
    // 1 July 2026 08:30 UTC is 10:30 summer time: serial 46204 + 10.5/24.
    assert_eq!(serial(&a[17]), 46204.0 + 10.5 / 24.0);
    assert_eq!(a[18], Data::Float(4.0));
    assert_eq!(a[19], Data::Float(2025.0));
    assert_eq!(a[20], Data::Float(3.0));
    assert_eq!(a[21], Data::Float(0.0));
    let b = &r[2];
    assert_eq!(b[0], Data::Float(9.0));
    // In the workbook a text stays text, even when it looks like a formula.
    assert_eq!(b[1], s("=SUM(A1)"));
    assert_eq!(b[2], Data::Empty);
    assert_eq!(b[3], s("Idé"));
    assert_eq!(b[8], s("Andet"));
    assert_eq!(b[19], Data::Empty);
    assert_eq!(b[21], Data::Empty);
}

#[test]
fn business_case_lines_by_year() {
    let bytes = workbook(&portfolio(false)).unwrap();
    let mut wb = read(&bytes);
    let r = rows(&mut wb, "Business cases");
    // 4 lines × 3 years, only the first potential has a case.
    assert_eq!(r.len(), 1 + 12);
    let first = &r[1];
    assert_eq!(first[0], Data::Float(7.0));
    assert_eq!(first[1], s("Robot til ydelseskontrol"));
    assert_eq!(first[2], Data::Float(1.0));
    assert_eq!(first[3], s("Investering"));
    assert_eq!(first[4], s("Licens"));
    assert_eq!(first[5], s("Nej"));
    assert_eq!(first[9], Data::Float(2025.0));
    assert_eq!(first[10], Data::Float(100000.0));
    assert_eq!(first[11], s("kr."));
    assert_eq!(first[12], s("100000"));
    assert_eq!(first[13], Data::Float(100000.0));
    assert_eq!(first[14], Data::Float(1.0));
    assert_eq!(first[15], Data::Float(1.0));
    assert_eq!(first[16], Data::Float(2025.0));
    assert_eq!(first[17], Data::Float(3.0));
    assert_eq!(first[18], Data::Float(0.0));
    // Porto in 2026.
    let porto = &r[5];
    assert_eq!(porto[2], Data::Float(2.0));
    assert_eq!(porto[3], s("Direkte besparelse"));
    assert_eq!(porto[5], s("Ja"));
    assert_eq!(porto[9], Data::Float(2026.0));
    assert_eq!(porto[10], Data::Float(60000.5));
    assert_eq!(porto[12], s("60000.5"));
    assert_eq!(porto[14], Data::Float(0.8));
    assert_eq!(porto[15], Data::Float(1.25));
    // Hours in 2027: 200 timer at 400 kr. = 80,000 kr.
    let hours = &r[9];
    assert_eq!(hours[3], s("Frigjorte timer"));
    assert_eq!(hours[9], Data::Float(2027.0));
    assert_eq!(hours[10], Data::Float(200.0));
    assert_eq!(hours[11], s("timer"));
    assert_eq!(hours[13], Data::Float(80000.0));
    // Kanalomlægning in 2026: more digits than an f64 holds, exact in the text column.
    let kanal = &r[11];
    assert_eq!(kanal[3], s("Kanalomlægning"));
    assert_eq!(kanal[6], s("Telefon"));
    assert_eq!(kanal[7], s("Digital selvbetjening"));
    assert_eq!(kanal[11], s("henvendelser"));
    assert_eq!(kanal[12], s("0.12345678901234567"));
    assert_eq!(kanal[10], Data::Float(0.12345678901234567));
    let exact: Decimal = match &kanal[12] {
        Data::String(t) => t.parse().unwrap(),
        _ => unreachable!(),
    };
    assert_eq!(exact, dec!(0.12345678901234567));
}

#[test]
fn amounts_with_two_decimals_round_trip_through_the_number_cell() {
    // Each amount written as a number cell and read back gives the same decimal via the
    // shortest text of the f64, which is how an import turns cells into decimals.
    let amounts = [
        dec!(0.01),
        dec!(0.1),
        dec!(19.99),
        dec!(60000.5),
        dec!(1234567.89),
        dec!(98765432109.87),
        dec!(9999999999999.99),
    ];
    let mut p = portfolio(false);
    let case = p.rows[0].case.as_mut().unwrap();
    case.horizon = amounts.len() as u32;
    case.lines = vec![Line::certain(LineKind::Drift, "Drift", amounts.to_vec())];
    case.risks.clear();
    let bytes = workbook(&p).unwrap();
    let mut wb = read(&bytes);
    let r = rows(&mut wb, "Business cases");
    assert_eq!(r.len(), 1 + amounts.len());
    for (row, want) in r[1..].iter().zip(amounts) {
        let Data::Float(x) = row[10] else {
            panic!("not a number: {:?}", row[10])
        };
        let back: Decimal = format!("{x}").parse().unwrap();
        assert_eq!(back, want);
    }
}

#[test]
fn risks_and_key_figures() {
    let bytes = workbook(&portfolio(true)).unwrap();
    let mut wb = read(&bytes);
    let risks = rows(&mut wb, "Risici");
    assert_eq!(risks.len(), 2);
    assert_eq!(
        risks[1],
        vec![
            Data::Float(7.0),
            s("Robot til ydelseskontrol"),
            Data::Float(1.0),
            s("Forsinket integration"),
            Data::Float(0.5),
            Data::Float(1000.0),
            Data::Float(4000.0),
            Data::Float(7000.0),
            Data::Float(2026.0),
            Data::Float(1.0),
        ]
    );
    let k = rows(&mut wb, "Nøgletal");
    let mut want_headers: Vec<&str> = KEY_FIGURE_HEADERS.to_vec();
    want_headers.extend(SIMULATION_HEADERS);
    assert_eq!(headers(&k[0]), want_headers);
    // Only the potential with a case has key figures.
    assert_eq!(k.len(), 2);
    let a = &k[1];
    assert_eq!(a[0], Data::Float(7.0));
    assert_eq!(a[2], s("Besluttet"));
    assert_eq!(a[3], s("Borgerservice"));
    // Rate 0: costs 100,000; benefits 2026: 60,000.5 + 40,000 + 0.1234…·45 kr.,
    // 2027: 60,000.5 + 80,000 + 10·45 kr.
    // NPV = -100,000 + 100,000.5 + 5.56 + 140,450.5 = 140,456.56 (øre-rounded sum).
    assert_eq!(a[4], Data::Float(140456.56));
    // The risk pool 0.5 × (1,000 + 4·4,000 + 7,000) / 6 = 2,000.
    assert_eq!(a[10], Data::Float(2000.0));
    assert_eq!(a[5], Data::Float(138456.56));
    // Cumulative net turns positive in 2026.
    assert_eq!(a[6], Data::Float(2026.0));
    // Full effect in 2027: 60,000.5 + 80,000 + 450.
    assert_eq!(a[7], Data::Float(140450.5));
    // Only porto is hjemtagbar.
    assert_eq!(a[8], Data::Float(60000.5));
    assert_eq!(a[14], Data::Float(0.0));
    assert_eq!(a[15], Data::Float(1000.0));
    assert_eq!(a[16], Data::Float(2000.0));
    assert_eq!(a[17], Data::Float(3000.0));
}

#[test]
fn header_is_frozen_and_filtered_with_formats() {
    let bytes = workbook(&portfolio(false)).unwrap();
    // calamine does not expose panes or autofilters, so read the sheet XML.
    let sheet1 = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet1.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet1}"
    );
    assert!(sheet1.contains(r#"<autoFilter ref="A1:W3"/>"#), "{sheet1}");
    let sheet2 = zip_entry(&bytes, "xl/worksheets/sheet2.xml");
    assert!(sheet2.contains(r#"<autoFilter ref="A1:S13"/>"#), "{sheet2}");
    let styles = zip_entry(&bytes, "xl/styles.xml");
    assert!(
        styles.contains(r##"formatCode="#,##0 &quot;kr.&quot;;-#,##0 &quot;kr.&quot;""##),
        "{styles}"
    );
    assert!(
        styles.contains(r#"formatCode="dd-mm-yyyy hh:mm""#),
        "{styles}"
    );
}

#[test]
fn csv_is_semicolon_separated_utf8_with_bom() {
    let bytes = csv(&portfolio(false)).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], POTENTIAL_HEADERS.join(";"));
    // The description holds a line break (LF), so the field is quoted; records end in CRLF.
    assert_eq!(
        lines[1],
        "7;Robot til ydelseskontrol;\"Manuel kontrol af ydelser på tværs af fagsystemer.\nÆndres årligt.\";Besluttet;Borgerservice;Kommunen › Borgerservice;Økonomi;RPA;Workshop;Søren Ørsted;soren@kommune.dk;;;;;\"RPA; Økonomi\";15-01-2026 13:00;01-07-2026 10:30;4;2025;3;0;"
    );
    assert_eq!(
        lines[2],
        "9;'=SUM(A1);;Idé;Kommunen;Kommunen;;;Andet;;;;;;;;15-01-2026 13:00;01-07-2026 10:30;1;;;;"
    );
    // The business cases follow in sections (before, the CSV ended here and dropped them):
    // an empty line, the sheet's name, its header and one row per line and year.
    assert_eq!(lines[3], "");
    assert_eq!(lines[4], "Business cases");
    assert_eq!(lines[5], LINE_HEADERS.join(";"));
    assert!(
        lines[6].starts_with("7;Robot til ydelseskontrol;1;"),
        "{}",
        lines[6]
    );
    assert_eq!(lines[18], "");
    assert_eq!(lines[19], "Risici");
    assert_eq!(lines[20], RISK_HEADERS.join(";"));
    assert!(
        lines[21].starts_with("7;Robot til ydelseskontrol;1;"),
        "{}",
        lines[21]
    );
    assert_eq!(lines[22], "");
    assert_eq!(lines.len(), 23);
}

#[test]
fn csv_writes_decimal_commas() {
    let mut p = portfolio(false);
    p.rows[0].case.as_mut().unwrap().discount_rate = Some(dec!(0.035));
    p.rows[0].potential.contact_name = Some("Jens Hansen".into());
    let bytes = csv(&p).unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains(";4;2025;3;0,035;Jens Hansen\r\n"), "{text}");
}

#[test]
fn the_workbook_reads_back_exactly() {
    let mut original = portfolio(true);
    original.rows[0].potential.contact_name = Some("Jens Hansen".into());
    let bytes = workbook(&original).unwrap();
    let back = read_workbook(&bytes).unwrap();
    assert_eq!(back.len(), 2);
    for (b, o) in back.iter().zip(&original.rows) {
        let p = &o.potential;
        assert_eq!(b.id, p.id.0);
        assert_eq!(b.title, p.title);
        assert_eq!(b.description, p.description);
        assert_eq!(b.status, p.status);
        assert_eq!(b.unit_path, o.unit_path);
        assert_eq!(b.fagomraade, o.fagomraade);
        assert_eq!(b.technology, o.technology);
        assert_eq!(b.source, p.source);
        assert_eq!(b.benefit_owner, o.benefit_owner);
        assert_eq!(b.digital_agent, o.digital_agent);
        assert_eq!(b.submitted_by, o.submitted_by);
        assert_eq!(b.tags, p.tags);
        assert_eq!(b.contact_name, p.contact_name);
        // Lines, amounts (even 0.12345678901234567), factors, channels and risks.
        assert_eq!(b.case, o.case);
    }
    assert_eq!(back[0].row, 2);
    assert_eq!(back[1].case, None);
    assert_eq!(
        back[0].case.as_ref().unwrap().lines[3].amounts[1],
        dec!(0.12345678901234567)
    );
}

#[test]
fn exports_are_recognised_and_other_workbooks_refused() {
    let bytes = workbook(&portfolio(false)).unwrap();
    let mut wb = read(&bytes);
    let names = wb.sheet_names();
    let first = headers(&rows(&mut wb, "Potentialer")[0]);
    assert!(is_portfolio_export(&names, &first));
    assert!(!is_portfolio_export(&names, &first[1..]));
    // Exports made before the «Kontaktperson» column are still recognised.
    assert_eq!(first.last().map(String::as_str), Some("Kontaktperson"));
    assert!(is_portfolio_export(&names, &first[..first.len() - 1]));
    assert!(!is_portfolio_export(&names[..1], &first));

    let err = read_workbook(b"not a workbook").unwrap_err();
    assert!(err.0.starts_with("Filen kan ikke læses som .xlsx"), "{err}");

    let mut other = rust_xlsxwriter::Workbook::new();
    other.add_worksheet().set_name("Ark1").unwrap();
    let bytes = other.save_to_buffer().unwrap();
    assert_eq!(
        read_workbook(&bytes).unwrap_err().0,
        "Filen har ikke arket «Potentialer» fra en gevinst-eksport."
    );

    // A line whose kind was edited into nonsense names the sheet, row and column.
    let mut p = portfolio(false);
    p.rows[0].case.as_mut().unwrap().lines.truncate(1);
    let good = workbook(&p).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("Potentialer").unwrap();
    let pot = rows(&mut read(&good), "Potentialer");
    copy(sheet, &pot);
    let sheet = wb.add_worksheet();
    sheet.set_name("Business cases").unwrap();
    let mut lines = rows(&mut read(&good), "Business cases");
    lines[2][3] = s("Guldgrube");
    copy(sheet, &lines);
    let bytes = wb.save_to_buffer().unwrap();
    assert_eq!(
        read_workbook(&bytes).unwrap_err().0,
        "Arket «Business cases», række 3: kolonnen «Art» har en ugyldig eller tom værdi."
    );
}

fn copy(sheet: &mut rust_xlsxwriter::Worksheet, rows: &[Vec<Data>]) {
    for (r, row) in rows.iter().enumerate() {
        for (c, d) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match d {
                Data::String(t) => {
                    sheet.write_string(r, c, t).unwrap();
                }
                Data::Float(x) => {
                    sheet.write_number(r, c, *x).unwrap();
                }
                Data::DateTime(x) => {
                    sheet.write_number(r, c, x.as_f64()).unwrap();
                }
                _ => {}
            }
        }
    }
}
