//! CSV: encoding and delimiter detection, then the rows as text cells.

use super::error::{ErrorKind, ImportError};
use super::read::{too_many_columns, too_many_rows, Limits, TextEncoding};
use super::table::{Cell, Row, Table};
use crate::export::portfolio::{CSV_SECTIONS, POTENTIAL_HEADERS};

/// A decoded and split CSV file.
#[derive(Debug, Clone)]
pub(crate) struct CsvText {
    pub encoding: TextEncoding,
    pub delimiter: char,
    pub table: Table,
}

/// Decodes the bytes: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when
/// the zero bytes of Latin text show its byte order), or Windows-1252. A file that holds
/// valid UTF-8 multibyte sequences and also bytes that are not UTF-8 was saved with two
/// encodings and is refused rather than half-mangled; binary data (zero bytes or control
/// characters that no text has) is refused as not a readable file.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), ImportError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_owned(), TextEncoding::Utf8Bom))
            .map_err(|_| mixed_encoding());
    }
    let utf16 = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        Some((rest, encoding_rs::UTF_16LE, TextEncoding::Utf16Le))
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some((rest, encoding_rs::UTF_16BE, TextEncoding::Utf16Be))
    } else {
        utf16_without_bom(bytes).map(|(enc, e)| (bytes, enc, e))
    };
    if let Some((rest, enc, which)) = utf16 {
        let (text, had_errors) = enc.decode_without_bom_handling(rest);
        if had_errors {
            return Err(match which {
                TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                    ImportError::corrupt("teksten er ikke gyldig UTF-16")
                }
                _ => not_readable(),
            });
        }
        return Ok((text.into_owned(), which));
    }
    if looks_binary(bytes) {
        return Err(not_readable());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), TextEncoding::Utf8));
    }
    if has_utf8_multibyte(bytes) {
        return Err(mixed_encoding());
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    Ok((text.into_owned(), TextEncoding::Windows1252))
}

/// The file is neither text nor a spreadsheet.
pub(crate) fn not_readable() -> ImportError {
    ImportError::new(
        ErrorKind::UnsupportedFormat,
        "Filen er ikke en læsbar tekst- eller regnearksfil. Vælg en Excel-fil (.xlsx eller .xls), et OpenDocument-regneark (.ods) eller en CSV-fil.",
    )
}

/// How much of a file the text sniffers look at.
const SNIFF: usize = 64 * 1024;

/// UTF-16 without a byte-order mark: in Latin text every other byte is zero. Little-endian
/// when at least a third of the 16-bit units have a zero high byte (the second) and almost
/// none a zero low byte; big-endian the other way round.
fn utf16_without_bom(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, TextEncoding)> {
    let sample = &bytes[..bytes.len().min(SNIFF)];
    let units = sample.len() / 2;
    if units < 2 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let (mut high_zero, mut low_zero) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        match (pair[0] == 0, pair[1] == 0) {
            (false, true) => high_zero += 1,
            (true, false) => low_zero += 1,
            _ => {}
        }
    }
    let few = |n: usize| n * 50 <= units;
    let many = |n: usize| n * 3 >= units;
    if many(high_zero) && few(low_zero) {
        Some((encoding_rs::UTF_16LE, TextEncoding::Utf16LeWithoutBom))
    } else if many(low_zero) && few(high_zero) {
        Some((encoding_rs::UTF_16BE, TextEncoding::Utf16BeWithoutBom))
    } else {
        None
    }
}

/// Binary data: a zero byte, or more than 1 % control characters (other than tab, line
/// feed, carriage return and form feed) in the first bytes. Text in UTF-8 or Windows-1252
/// has neither.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SNIFF)];
    let control = sample
        .iter()
        .filter(|b| matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1F | 0x7F))
        .count();
    sample.contains(&0) || control * 100 > sample.len()
}

fn mixed_encoding() -> ImportError {
    ImportError::new(
        ErrorKind::MixedEncoding,
        "Filen blander to tegnsæt (UTF-8 og Windows-1252), så æ, ø og å kan ikke læses sikkert. Åbn filen i Excel, og gem den igen som «CSV UTF-8».",
    )
}

/// True when `bytes` holds at least one well-formed UTF-8 sequence of two or more bytes.
fn has_utf8_multibyte(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                i += 1;
                continue;
            }
        };
        if let Some(seq) = bytes.get(i..i + len) {
            if std::str::from_utf8(seq).is_ok() {
                return true;
            }
        }
        i += 1;
    }
    false
}

const CANDIDATES: [u8; 3] = [b';', b'\t', b','];

/// A reader of `text`'s records split by `delimiter`: no header row, records of any
/// length.
fn records_reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// Field counts of the first records of `text` split by `delimiter` (quotes respected).
fn field_counts(text: &str, delimiter: u8, lines: usize) -> Vec<usize> {
    let mut reader = records_reader(text, delimiter);
    reader
        .records()
        .take(lines)
        .filter_map(Result::ok)
        .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
        .map(|r| {
            // Trailing empty fields do not count (Excel pads rows with delimiters).
            let mut n = r.len();
            while n > 0 && r.get(n - 1).is_some_and(|f| f.trim().is_empty()) {
                n -= 1;
            }
            n
        })
        .collect()
}

/// Picks the delimiter whose field counts are most consistent over the first lines: the
/// most common count above 1 and how many lines have it. Title rows (one field) do not
/// count against a delimiter. Ties go to `;`, then tab, then `,`.
pub fn detect_delimiter(text: &str) -> u8 {
    let mut best = (b';', 0usize, 0usize);
    for d in CANDIDATES {
        let counts = field_counts(text, d, 30);
        let mut freq: std::collections::BTreeMap<usize, usize> = Default::default();
        for c in counts.iter().filter(|c| **c > 1) {
            *freq.entry(*c).or_default() += 1;
        }
        let Some((mode, hits)) = freq
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))
        else {
            continue;
        };
        if (hits, mode) > (best.1, best.2) {
            best = (d, hits, mode);
        }
    }
    best.0
}

/// Reads a CSV file into text cells within the limits.
pub(crate) fn read_csv(bytes: &[u8], limits: &Limits) -> Result<CsvText, ImportError> {
    let (text, encoding) = decode(bytes)?;
    let control = text
        .chars()
        .take(100_000)
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
        .count();
    if control > 0 && control * 100 > text.chars().take(100_000).count() {
        return Err(not_readable());
    }
    let delimiter = detect_delimiter(&text);
    let mut reader = records_reader(&text, delimiter);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut number: u32 = 0;
    // gevinst's own CSV export: its business-case sections do not count as data rows.
    let mut export: Option<bool> = None;
    let mut in_sections = false;
    let mut data_rows = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(ImportError::corrupt("CSV-teksten kan ikke deles i felter")),
        }
        // The csv reader skips empty lines, so the row number the user sees in a
        // spreadsheet program is taken from the reader's line count after the record,
        // less the record's own line breaks.
        let after = reader.position();
        let ended_by_newline = usize::try_from(after.byte())
            .ok()
            .and_then(|b| b.checked_sub(1))
            .and_then(|b| text.as_bytes().get(b))
            .is_some_and(|c| *c == b'\n' || *c == b'\r');
        let inner = record
            .iter()
            .map(|f| f.matches('\n').count())
            .sum::<usize>() as u64;
        let end = after.line().saturating_sub(u64::from(ended_by_newline));
        number = u32::try_from(end.saturating_sub(inner))
            .unwrap_or(number.saturating_add(1))
            .max(number.saturating_add(1));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut cells: Vec<Cell> = record
            .iter()
            .map(|f| {
                if f.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(f.to_owned())
                }
            })
            .collect();
        while cells.last().is_some_and(Cell::is_blank) {
            cells.pop();
        }
        if cells.len() > limits.max_columns {
            return Err(too_many_columns(limits));
        }
        let export = *export.get_or_insert_with(|| is_export_header(&record));
        in_sections = in_sections || (export && is_section_title(&record));
        if !in_sections {
            if data_rows >= limits.max_rows + 50 {
                return Err(too_many_rows(limits));
            }
            data_rows += 1;
        }
        rows.push(Row { number, cells });
    }
    if rows.is_empty() {
        return Err(ImportError::new(
            ErrorKind::NoData,
            "Filen indeholder ingen data.",
        ));
    }
    Ok(CsvText {
        encoding,
        delimiter: char::from(delimiter),
        table: Table::new(rows),
    })
}

/// The header of gevinst's CSV export.
fn is_export_header(record: &csv::StringRecord) -> bool {
    let fields: Vec<&str> = record.iter().map(str::trim).collect();
    fields
        .iter()
        .copied()
        .take_while(|f| !f.is_empty())
        .eq(POTENTIAL_HEADERS.iter().copied())
}

/// A line that opens a section of gevinst's CSV export: a section's name alone.
pub(crate) fn is_section_title(record: &csv::StringRecord) -> bool {
    let mut fields = record.iter().map(str::trim);
    fields
        .next()
        .is_some_and(|f| CSV_SECTIONS.contains(&f.trim_start_matches('\u{feff}')))
        && fields.all(str::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_keeps_danish_letters() {
        let bytes = b"Titel;Enhed\nR\xe6kke \xf8 \xe5;\xc6\xd8\xc5\n";
        let (text, enc) = decode(bytes).unwrap();
        assert_eq!(enc, TextEncoding::Windows1252);
        assert_eq!(text, "Titel;Enhed\nRække ø å;ÆØÅ\n");
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let (t, e) = decode("Æble".as_bytes()).unwrap();
        assert_eq!((t.as_str(), e), ("Æble", TextEncoding::Utf8));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("Æble".as_bytes());
        let (t, e) = decode(&b).unwrap();
        assert_eq!((t.as_str(), e), ("Æble", TextEncoding::Utf8Bom));
    }

    #[test]
    fn utf16_is_read_with_and_without_a_byte_order_mark() {
        let text = "Titel;Enhed\r\nRække ø;Ældre\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let with_bom = |bom: &[u8], body: &[u8]| [bom, body].concat();
        for (bytes, enc) in [
            (le.clone(), TextEncoding::Utf16LeWithoutBom),
            (be.clone(), TextEncoding::Utf16BeWithoutBom),
            (with_bom(&[0xFF, 0xFE], &le), TextEncoding::Utf16Le),
            (with_bom(&[0xFE, 0xFF], &be), TextEncoding::Utf16Be),
        ] {
            assert_eq!(decode(&bytes).unwrap(), (text.to_owned(), enc));
        }
    }

    #[test]
    fn binary_data_is_not_a_readable_file() {
        // A fixed pseudo-random byte string (xorshift), like a photo or a zip fragment.
        let mut x: u32 = 0x9E37_79B9;
        let random: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x.to_le_bytes()[0]
            })
            .collect();
        let one_zero = b"Titel;Enhed\nA;B\0\n".to_vec();
        for bytes in [random, one_zero, vec![0x01, 0x02, 0x03, 0x04, 0x05, 0x06]] {
            let err = decode(&bytes).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::UnsupportedFormat);
            assert!(
                err.message()
                    .starts_with("Filen er ikke en læsbar tekst- eller regnearksfil."),
                "{}",
                err.message()
            );
        }
    }

    #[test]
    fn mixed_encodings_are_refused() {
        let mut b = "Æble;".as_bytes().to_vec();
        b.extend_from_slice(b"P\xe6re\n");
        assert_eq!(decode(&b).unwrap_err().kind(), ErrorKind::MixedEncoding);
    }

    #[test]
    fn delimiters_are_detected_with_quotes_and_title_rows() {
        assert_eq!(detect_delimiter("Titel;Gevinst\nA;1.234,50\nB;2,5\n"), b';');
        assert_eq!(
            detect_delimiter("Titel,Gevinst\nA,1234\n\"B, C\",5\n"),
            b','
        );
        assert_eq!(
            detect_delimiter("Potentialer 2025\nTitel\tGevinst\tEnhed\nA\t1,5\tX\n"),
            b'\t'
        );
        assert_eq!(detect_delimiter("\"a;b\",c,d\n\"e;f\",g,h\n"), b',');
    }
}
