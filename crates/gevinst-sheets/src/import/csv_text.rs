//! CSV: encoding and delimiter detection, then the rows as text cells.

use super::error::{ErrorKind, ImportError};
use super::read::{too_many_columns, too_many_rows, Limits, TextEncoding};
use super::table::{Cell, Row, Table};

/// A decoded and split CSV file.
#[derive(Debug, Clone)]
pub(crate) struct CsvText {
    pub encoding: TextEncoding,
    pub delimiter: char,
    pub table: Table,
}

/// Decodes the bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.
/// A file that holds valid UTF-8 multibyte sequences and also bytes that are not UTF-8
/// was saved with two encodings and is refused rather than half-mangled.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), ImportError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_owned(), TextEncoding::Utf8Bom))
            .map_err(|_| mixed_encoding());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        let (text, had_errors) = if bytes.starts_with(&[0xFE, 0xFF]) {
            let (t, _, e) = encoding_rs::UTF_16BE.decode(bytes);
            (t, e)
        } else {
            (text, had_errors)
        };
        if had_errors {
            return Err(ImportError::corrupt("teksten er ikke gyldig UTF-16"));
        }
        return Ok((text.into_owned(), TextEncoding::Utf16));
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
        return Err(ImportError::new(
            ErrorKind::UnsupportedFormat,
            "Filen er hverken et regneark (.xlsx, .xls, .ods) eller en CSV-fil.",
        ));
    }
    let delimiter = detect_delimiter(&text);
    let mut reader = records_reader(&text, delimiter);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut number: u32 = 0;
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
        if rows.len() >= limits.max_rows + 50 {
            return Err(too_many_rows(limits));
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
