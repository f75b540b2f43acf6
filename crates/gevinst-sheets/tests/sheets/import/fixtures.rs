//! Generators of realistic, messy and hostile import files. Shared by the import tests
//! and by `examples/make_corpus.rs`, which writes them to `tests/import-corpus/`.
#![allow(dead_code)]

use std::io::Write;

use rust_xlsxwriter::{Format, Formula, Workbook, XlsxError};

/// The known names the tests match against.
pub fn known() -> gevinst_sheets::import::KnownValues {
    gevinst_sheets::import::KnownValues {
        units: vec!["Borgerservice".into(), "Jobcenter".into()],
        fagomraader: vec!["Beskæftigelse".into()],
        statuses: vec![
            "Idé".into(),
            "Analyse".into(),
            "Besluttet".into(),
            "I drift".into(),
        ],
        technologies: vec!["Robotteknologi (RPA)".into(), "Chatbot".into()],
    }
}

/// A workbook as municipalities keep them: a merged title row, a blank row, a two-row
/// header (merged "Økonomi" over three columns, other headers merged vertically), Danish
/// numbers typed as text, a formula column with cached values, a blank row, an unknown
/// unit, a CPR number in a description, a row without a title, a duplicate, a total row,
/// and a hidden lookup sheet.
pub fn messy_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Potentialer")?;
    ws.merge_range(0, 0, 0, 9, "Digitaliseringspotentialer 2025", &bold)?;
    // Row 3 and 4: the header.
    ws.merge_range(2, 0, 3, 0, "Titel", &bold)?;
    ws.merge_range(2, 1, 3, 1, "Enhed", &bold)?;
    ws.merge_range(2, 2, 3, 2, "Beskrivelse", &bold)?;
    ws.merge_range(2, 3, 2, 5, "Økonomi", &bold)?;
    ws.write_string_with_format(3, 3, "Gevinst (kr.)", &bold)?;
    ws.write_string_with_format(3, 4, "Investering", &bold)?;
    ws.write_string_with_format(3, 5, "Timer pr. år", &bold)?;
    ws.merge_range(2, 6, 3, 6, "Årsværk", &bold)?;
    ws.merge_range(2, 7, 3, 7, "Status", &bold)?;
    ws.merge_range(2, 8, 3, 8, "Startår", &bold)?;
    ws.merge_range(2, 9, 3, 9, "Bemærkninger", &bold)?;
    // Row 5.
    ws.write_string(4, 0, "Robot til sygedagpenge")?;
    ws.write_string(4, 1, "Borgerservice")?;
    ws.write_string(4, 2, "RPA henter oplysninger fra eIndkomst")?;
    ws.write_string(4, 3, "1.234.567,50")?;
    ws.write_number(4, 4, 500000)?;
    ws.write_number(4, 5, 1628)?;
    ws.write_formula(4, 6, Formula::new("=F5/1628").set_result("1"))?;
    ws.write_string(4, 7, "I drift")?;
    ws.write_number(4, 8, 2025)?;
    ws.write_string(4, 9, "Pilot i 2024")?;
    // Row 6 is blank. Row 7.
    ws.write_string(6, 0, "Chatbot på hjemmesiden")?;
    ws.write_string(6, 1, " borgerservice ")?;
    ws.write_string(6, 2, "Svarer på de hyppigste spørgsmål")?;
    ws.write_string(6, 3, "1,5 mio.")?;
    ws.write_string(6, 4, "kr. 250.000")?;
    ws.write_number(6, 5, 800)?;
    ws.write_formula(6, 6, Formula::new("=F7/1600").set_result("0.5"))?;
    ws.write_string(6, 7, "i-drift")?;
    ws.write_string(6, 8, "2026")?;
    // Row 8.
    ws.write_string(7, 0, "Digital post")?;
    ws.write_string(7, 1, "Ældreområdet")?;
    ws.write_string(7, 2, "Borger 010203-1234 klagede over brevene")?;
    ws.write_string(7, 3, "250 t.kr.")?;
    ws.write_formula(7, 6, Formula::new("=F8/1628").set_result("0"))?;
    ws.write_string(7, 7, "Ide")?;
    ws.write_string(7, 8, "1-2-2024")?;
    // Row 9: no title, and a gain that is not a number.
    ws.write_string(8, 1, "Jobcenter")?;
    ws.write_string(8, 2, "Mangler en titel")?;
    ws.write_string(8, 3, "abc")?;
    // Row 10: repeats row 5.
    ws.write_string(9, 0, "Robot til sygedagpenge")?;
    ws.write_string(9, 1, "BORGERSERVICE")?;
    ws.write_string(9, 3, "1.234")?;
    // Row 11: the total.
    ws.write_string(10, 0, "I alt")?;
    ws.write_formula(10, 4, Formula::new("=SUM(E5:E10)").set_result("750000"))?;
    let hidden = wb.add_worksheet();
    hidden.set_name("Opslag")?;
    hidden.write_string(0, 0, "Status")?;
    hidden.write_string(1, 0, "Idé")?;
    hidden.set_hidden(true);
    wb.save_to_buffer()
}

/// A workbook whose first sheet is hidden (old data) and whose second, visible sheet
/// holds the potentials.
pub fn hidden_sheet_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let old = wb.add_worksheet();
    old.set_name("Gammel")?;
    old.write_string(0, 0, "Titel")?;
    old.write_string(0, 1, "Enhed")?;
    old.write_string(1, 0, "Forældet potentiale")?;
    old.write_string(1, 1, "Jobcenter")?;
    old.set_hidden(true);
    let ws = wb.add_worksheet();
    ws.set_name("Aktuelle")?;
    ws.set_active(true);
    ws.write_string(0, 0, "Navn")?;
    ws.write_string(0, 1, "Afdeling")?;
    ws.write_string(0, 2, "Forventet gevinst (kr.)")?;
    ws.write_string(1, 0, "Selvbetjening af flytning")?;
    ws.write_string(1, 1, "Borgerservice")?;
    ws.write_number(1, 2, 120000.5)?;
    wb.save_to_buffer()
}

/// CPR numbers in a description and a title.
pub fn cpr_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Titel")?;
    ws.write_string(0, 1, "Beskrivelse")?;
    ws.write_string(0, 2, "Enhed")?;
    ws.write_string(1, 0, "Sagsbehandling af 0102031234")?;
    ws.write_string(1, 1, "Eksempel: borger 290200-1234 og 3112991234")?;
    ws.write_string(1, 2, "Jobcenter")?;
    ws.write_string(2, 0, "Ren række")?;
    ws.write_string(2, 1, "Budget 1.234.567 kr. i 2025")?;
    ws.write_string(2, 2, "Jobcenter")?;
    wb.save_to_buffer()
}

/// A sheet with three data rows followed by 100,000 empty but formatted rows.
pub fn empty_formatted_rows_xlsx(rows: u32) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let fill = Format::new().set_background_color("#FFFF00");
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Titel")?;
    ws.write_string(0, 1, "Enhed")?;
    for (i, t) in ["A", "B", "C"].iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, format!("Potentiale {t}"))?;
        ws.write_string(i as u32 + 1, 1, "Jobcenter")?;
    }
    for r in 4..4 + rows {
        ws.write_blank(r, 0, &fill)?;
    }
    wb.save_to_buffer()
}

/// A sheet with `rows` data rows.
pub fn many_rows_xlsx(rows: u32) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Titel")?;
    ws.write_string(0, 1, "Forventet gevinst")?;
    for r in 1..=rows {
        ws.write_string(r, 0, format!("Potentiale {r}"))?;
        ws.write_number(r, 1, f64::from(r) * 1000.0)?;
    }
    wb.save_to_buffer()
}

/// A Windows-1252 CSV with `;`, Danish numbers and a title row, as Danish Excel saves.
pub fn windows_1252_csv() -> Vec<u8> {
    let text = "Potentialer fra Jobcentret;;;\r\n\
                Titel;Enhed;Forventet gevinst;Timer pr. år;Startår\r\n\
                Æbleordning for ledige;Jobcenter;1.234,50;1.500;2025\r\n\
                Øget brug af sms-påmindelser;Jobcenter;\"2 mio. kr.\";250,5;01.02.2026\r\n\
                Årlig opfølgning;Jobcentret;250 t.kr.;;2027\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    bytes.into_owned()
}

/// UTF-8 and Windows-1252 mixed in one file.
pub fn mixed_encoding_csv() -> Vec<u8> {
    let mut b = "Titel;Enhed\nÆbleordning;Jobcenter\n".as_bytes().to_vec();
    b.extend_from_slice(b"\xd8get brug af sms;Jobcenter\n");
    b
}

/// A tab-separated UTF-8 file with commas inside values.
pub fn tab_csv() -> Vec<u8> {
    "Title\tDepartment\tExpected benefit\tHours\n\
     Robot, fase 2\tJobcenter\t1.000.000\t2.000\n\
     Chatbot\tBorgerservice\t50.000,75\t\n"
        .as_bytes()
        .to_vec()
}

/// A UTF-8 file with a byte-order mark and `,` as delimiter.
pub fn bom_csv() -> Vec<u8> {
    let mut b = vec![0xEF, 0xBB, 0xBF];
    b.extend_from_slice(
        "Titel,Enhed,Gevinst\n\"Åben rådgivning, chat\",Borgerservice,\"1.500,00\"\n".as_bytes(),
    );
    b
}

/// A zip that looks like an .xlsx and expands a small file into `megabytes` MB of
/// zeros (about 1000:1).
pub fn zip_bomb_xlsx(megabytes: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(megabytes >= 4096);
    let small = |zip: &mut zip::ZipWriter<_>, name: &str, body: &str| {
        let _ = zip.start_file(name, opts);
        let _ = zip.write_all(body.as_bytes());
    };
    small(&mut zip, "[Content_Types].xml", "<Types/>");
    small(
        &mut zip,
        "xl/workbook.xml",
        "<workbook><sheets><sheet name=\"Ark1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
    );
    let _ = zip.start_file("xl/worksheets/sheet1.xml", opts);
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..megabytes {
        let _ = zip.write_all(&chunk);
    }
    let _ = zip.finish();
    out.into_inner()
}

/// An OLE compound file as Office writes for a password-protected .xlsx: the header
/// magic and a directory with `EncryptionInfo` and `EncryptedPackage` streams.
pub fn encrypted_xlsx() -> Vec<u8> {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(512, 0);
    for name in ["Root Entry", "EncryptionInfo", "EncryptedPackage"] {
        let mut entry: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        entry.resize(128, 0);
        b.extend_from_slice(&entry);
    }
    b.resize(2048, 0);
    b
}

/// The first half of the messy workbook.
pub fn truncated_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut b = messy_xlsx()?;
    b.truncate(b.len() / 2);
    Ok(b)
}

/// Like [`empty_formatted_rows_xlsx`] with 100,000 rows, but small enough for the corpus:
/// the empty formatted rows are written without row and cell references
/// (`<row><c s="1"></c></row>`, which the format allows), so they compress to almost
/// nothing while the reader still has to walk 100,000 rows of formatted empty cells.
pub fn empty_formatted_rows_compact_xlsx() -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    use std::io::Read;
    let base = empty_formatted_rows_xlsx(1)?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(base))?;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let name = entry.name()?.into_owned();
        let mut body = Vec::new();
        entry.read_to_end(&mut body)?;
        if name == "xl/worksheets/sheet1.xml" {
            let text = String::from_utf8(body)?;
            let empty_rows = "<row><c s=\"1\"></c></row>".repeat(100_000);
            let text = text
                .replace("</sheetData>", &format!("{empty_rows}</sheetData>"))
                .replace(
                    "<dimension ref=\"A1:B5\"/>",
                    "<dimension ref=\"A1:B100005\"/>",
                );
            body = text.into_bytes();
        }
        writer.start_file(name, opts)?;
        writer.write_all(&body)?;
    }
    writer.finish()?;
    Ok(out.into_inner())
}

/// A minimal OpenDocument spreadsheet: a header, one data row, then a row repeated a
/// million times with 1,024 repeated empty cells (what LibreOffice writes for formatted
/// empty space).
pub fn ods_with_repeated_empty_rows() -> Vec<u8> {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
<table:table table:name="Potentialer">
<table:table-row><table:table-cell office:value-type="string"><text:p>Titel</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Forventet gevinst</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>Ændret åbningstid</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1234.5"><text:p>1.234,5</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
</table:table>
</office:spreadsheet></office:body></office:document-content>"#;
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let _ = zip.start_file("mimetype", stored);
    let _ = zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet");
    let _ = zip.start_file("content.xml", deflated);
    let _ = zip.write_all(content.as_bytes());
    let _ = zip.start_file("META-INF/manifest.xml", deflated);
    let _ = zip.write_all(manifest.as_bytes());
    let _ = zip.finish();
    out.into_inner()
}
