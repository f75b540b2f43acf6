//! Reading a file's bytes into a [`Table`]: format detection, limits, the zip-bomb guard,
//! workbooks through calamine and CSV text with encoding and delimiter detection.

use std::io::{Cursor, Read};

use calamine::{Data, Reader};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use gevinst_domain::danish::format_count;

use super::csv_text;
use super::error::{ErrorKind, ImportError};
use super::table::{Cell, Row, Table};

/// The limits a file must stay within. [`Limits::default`] gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest file accepted, in bytes (default 50 MB).
    pub max_file_bytes: usize,
    /// The most data rows a sheet may have (default 20,000).
    pub max_rows: usize,
    /// The most columns a sheet may have (default 256).
    pub max_columns: usize,
    /// The most a zip container (.xlsx, .ods) may expand to in total (default 200 MB).
    pub max_uncompressed_bytes: u64,
    /// The highest compression ratio allowed for an entry larger than
    /// [`Limits::ratio_applies_above`] (default 200:1).
    pub max_compression_ratio: u64,
    /// Entries smaller than this (uncompressed, default 10 MB) may have any ratio: small
    /// XML files of repeated empty cells compress extremely well and are harmless.
    pub ratio_applies_above: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_rows: 20_000,
            max_columns: 256,
            max_uncompressed_bytes: 200 * 1024 * 1024,
            max_compression_ratio: 200,
            ratio_applies_above: 10 * 1024 * 1024,
        }
    }
}

/// Rows above the header (title rows, blank rows) allowed on top of [`Limits::max_rows`]
/// while reading; the exact data-row count is checked once the header is known.
const HEADER_ALLOWANCE: usize = 50;

/// The file formats gevinst reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Office Open XML workbook (.xlsx, .xlsm).
    Xlsx,
    /// Excel 97–2003 workbook (.xls).
    Xls,
    /// OpenDocument spreadsheet (.ods).
    Ods,
    /// Delimited text.
    Csv,
}

/// A sheet of a workbook, as listed for the user to choose from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SheetInfo {
    /// The sheet's name.
    pub name: String,
    /// True when the sheet is hidden (or very hidden) in the workbook.
    pub hidden: bool,
}

/// How a CSV file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-16 little-endian with a byte-order mark (Excel's "Unicode text").
    Utf16Le,
    /// UTF-16 big-endian with a byte-order mark.
    Utf16Be,
    /// UTF-16 little-endian without a byte-order mark (recognised by its zero bytes).
    Utf16LeWithoutBom,
    /// UTF-16 big-endian without a byte-order mark.
    Utf16BeWithoutBom,
    /// Windows-1252 (Danish Excel's default CSV).
    Windows1252,
}

impl TextEncoding {
    /// How the UI and the CLI name it.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 med BOM",
            TextEncoding::Utf16Le => "UTF-16 LE med BOM",
            TextEncoding::Utf16Be => "UTF-16 BE med BOM",
            TextEncoding::Utf16LeWithoutBom => "UTF-16 LE uden BOM",
            TextEncoding::Utf16BeWithoutBom => "UTF-16 BE uden BOM",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// The result of [`read`]: what the file was and the chosen sheet's cells.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOutput {
    /// The detected format.
    pub format: Format,
    /// All sheets, in workbook order (one sheet named "CSV" for text files).
    pub sheets: Vec<SheetInfo>,
    /// The name of the sheet that was read.
    pub sheet: String,
    /// For CSV: the detected encoding.
    pub encoding: Option<TextEncoding>,
    /// For CSV: the detected delimiter.
    pub delimiter: Option<char>,
    /// The sheet's non-empty rows.
    pub table: Table,
}

/// Detects the format of `bytes` without reading the data. Zip containers are told apart
/// by their entries; an encrypted OOXML file (an OLE file with an `EncryptedPackage`
/// stream) is an [`ErrorKind::Encrypted`] error.
pub fn detect_format(bytes: &[u8]) -> Result<Format, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::new(ErrorKind::NoData, "Filen er tom."));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|_| ImportError::corrupt("zip-indholdet kan ikke læses"))?;
        if archive.index_for_name("xl/workbook.xml").is_some() {
            return Ok(Format::Xlsx);
        }
        if archive.index_for_name("xl/workbook.bin").is_some() {
            return Err(ImportError::new(
                ErrorKind::UnsupportedFormat,
                "Filen er en binær Excel-projektmappe (.xlsb). Gem den som almindelig Excel-projektmappe (.xlsx), og prøv igen.",
            ));
        }
        if archive.index_for_name("content.xml").is_some()
            || archive.index_for_name("mimetype").is_some()
        {
            return Ok(Format::Ods);
        }
        return Err(ImportError::new(
            ErrorKind::UnsupportedFormat,
            "Filen er en zip-fil, men hverken et Excel-regneark (.xlsx) eller et OpenDocument-regneark (.ods).",
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
            return Err(ImportError::encrypted());
        }
        return Ok(Format::Xls);
    }
    Ok(Format::Csv)
}

fn contains_utf16(haystack: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    haystack
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

/// Walks the zip central directory and refuses a decompression bomb before calamine
/// touches the file: the declared sizes must stay within the limits, and each entry is
/// then decompressed into a counter that stops at its declared size, so a lying header
/// cannot smuggle more data through.
pub fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), ImportError> {
    let bomb = || {
        ImportError::new(
            ErrorKind::DecompressionBomb,
            format!(
                "Filen pakker sig ud til mere end {} MB eller er pakket mistænkeligt hårdt sammen (en såkaldt zip-bombe). Den er afvist.",
                limits.max_uncompressed_bytes / (1024 * 1024)
            ),
        )
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| ImportError::corrupt("zip-indholdet kan ikke læses"))?;
    let mut total: u64 = 0;
    let mut declared = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|_| ImportError::corrupt("en del af zip-indholdet mangler"))?;
        if entry.encrypted() {
            return Err(ImportError::encrypted());
        }
        let size = entry.size();
        let compressed = entry.compressed_size().max(1);
        total = total.saturating_add(size);
        if total > limits.max_uncompressed_bytes {
            return Err(bomb());
        }
        if size > limits.ratio_applies_above && size / compressed > limits.max_compression_ratio {
            return Err(bomb());
        }
        declared.push(size);
    }
    for (i, size) in declared.into_iter().enumerate() {
        let entry = archive
            .by_index(i)
            .map_err(|_| ImportError::corrupt("en del af zip-indholdet kan ikke pakkes ud"))?;
        let mut limited = entry.take(size.saturating_add(1));
        let n = std::io::copy(&mut limited, &mut std::io::sink())
            .map_err(|_| ImportError::corrupt("en del af zip-indholdet kan ikke pakkes ud"))?;
        if n > size {
            return Err(bomb());
        }
    }
    Ok(())
}

/// Reads `bytes` (a whole file) and returns the cells of one sheet: the sheet called
/// `sheet` if given, else the first visible sheet. Formulas give their cached values.
/// Every failure is an [`ImportError`] with a Danish message; hostile input never panics.
pub fn read(bytes: &[u8], sheet: Option<&str>, limits: &Limits) -> Result<ReadOutput, ImportError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ImportError::new(
            ErrorKind::FileTooLarge,
            format!(
                "Filen fylder {} MB; grænsen er {} MB. Del filen op, eller spørg en administrator om at hæve grænsen.",
                bytes.len().div_ceil(1024 * 1024),
                limits.max_file_bytes / (1024 * 1024)
            ),
        ));
    }
    let format = detect_format(bytes)?;
    match format {
        Format::Csv => {
            if let Some(name) = sheet {
                if name != CSV_SHEET {
                    return Err(sheet_not_found(name));
                }
            }
            let text = csv_text::read_csv(bytes, limits)?;
            Ok(ReadOutput {
                format,
                sheets: vec![SheetInfo {
                    name: CSV_SHEET.to_owned(),
                    hidden: false,
                }],
                sheet: CSV_SHEET.to_owned(),
                encoding: Some(text.encoding),
                delimiter: Some(text.delimiter),
                table: text.table,
            })
        }
        Format::Xlsx => {
            check_zip(bytes, limits)?;
            let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(map_xlsx_error)?;
            let (sheets, name) = choose_sheet(book.sheets_metadata(), sheet)?;
            let table = read_xlsx_sheet(&mut book, &name, limits)?;
            Ok(workbook_output(format, sheets, name, table))
        }
        Format::Ods => {
            check_zip(bytes, limits)?;
            let book: calamine::Ods<_> =
                calamine::Ods::new(Cursor::new(bytes)).map_err(map_other_error)?;
            read_whole_sheet(book, format, sheet, limits)
        }
        Format::Xls => {
            let book: calamine::Xls<_> =
                calamine::Xls::new(Cursor::new(bytes)).map_err(map_other_error)?;
            read_whole_sheet(book, format, sheet, limits)
        }
    }
}

/// Reads the chosen sheet of an opened .ods or .xls workbook as one range (these formats
/// have no streaming reader).
fn read_whole_sheet<'a, R>(
    mut book: R,
    format: Format,
    sheet: Option<&str>,
    limits: &Limits,
) -> Result<ReadOutput, ImportError>
where
    R: Reader<Cursor<&'a [u8]>>,
    R::Error: std::fmt::Debug,
{
    let (sheets, name) = choose_sheet(book.sheets_metadata(), sheet)?;
    let range = book.worksheet_range(&name).map_err(map_other_error)?;
    let table = range_to_table(&range, limits)?;
    Ok(workbook_output(format, sheets, name, table))
}

/// The one sheet of a CSV file.
pub const CSV_SHEET: &str = "CSV";

fn workbook_output(
    format: Format,
    sheets: Vec<SheetInfo>,
    sheet: String,
    table: Table,
) -> ReadOutput {
    ReadOutput {
        format,
        sheets,
        sheet,
        encoding: None,
        delimiter: None,
        table,
    }
}

fn sheet_not_found(name: &str) -> ImportError {
    ImportError::new(
        ErrorKind::SheetNotFound,
        format!(
            "Arket «{}» findes ikke i filen.",
            name.chars().take(60).collect::<String>()
        ),
    )
}

fn choose_sheet(
    meta: &[calamine::Sheet],
    wanted: Option<&str>,
) -> Result<(Vec<SheetInfo>, String), ImportError> {
    let sheets: Vec<SheetInfo> = meta
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| SheetInfo {
            name: s.name.clone(),
            hidden: s.visible != calamine::SheetVisible::Visible,
        })
        .collect();
    let name = match wanted {
        Some(w) => sheets
            .iter()
            .find(|s| s.name == w)
            .map(|s| s.name.clone())
            .ok_or_else(|| sheet_not_found(w))?,
        None => sheets
            .iter()
            .find(|s| !s.hidden)
            .or(sheets.first())
            .map(|s| s.name.clone())
            .ok_or_else(|| ImportError::new(ErrorKind::NoData, "Projektmappen har ingen ark."))?,
    };
    Ok((sheets, name))
}

fn is_password_error(debug: &str) -> bool {
    let lower = debug.to_lowercase();
    lower.contains("password") || lower.contains("encrypt")
}

/// A reader's error: encrypted if it speaks of a password or encryption, else corrupt
/// with `what` as the Danish description.
fn unreadable(e: impl std::fmt::Debug, what: &str) -> ImportError {
    if is_password_error(&format!("{e:?}")) {
        ImportError::encrypted()
    } else {
        ImportError::corrupt(what)
    }
}

fn map_xlsx_error(e: calamine::XlsxError) -> ImportError {
    unreadable(e, "Excel-indholdet kan ikke læses")
}

fn map_other_error<E: std::fmt::Debug>(e: E) -> ImportError {
    unreadable(e, "regnearkets indhold kan ikke læses")
}

pub(crate) fn too_many_rows(limits: &Limits) -> ImportError {
    ImportError::new(
        ErrorKind::TooManyRows,
        format!(
            "Arket har mere end {} rækker med data; grænsen er {}. Del filen op i flere filer.",
            format_count(limits.max_rows),
            format_count(limits.max_rows)
        ),
    )
}

pub(crate) fn too_many_columns(limits: &Limits) -> ImportError {
    ImportError::new(
        ErrorKind::TooManyColumns,
        format!(
            "Arket har data i mere end {} kolonner. Slet de kolonner, der ikke skal importeres, og prøv igen.",
            limits.max_columns
        ),
    )
}

/// Collects non-empty cells into rows, enforcing the limits as it goes so a hostile sheet
/// is stopped early instead of filling memory.
struct Collector<'l> {
    rows: Vec<Row>,
    limits: &'l Limits,
}

impl<'l> Collector<'l> {
    fn new(limits: &'l Limits) -> Self {
        Collector {
            rows: Vec::new(),
            limits,
        }
    }

    fn push(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), ImportError> {
        if cell.is_blank() {
            return Ok(());
        }
        let col = col as usize;
        if col >= self.limits.max_columns {
            return Err(too_many_columns(self.limits));
        }
        let number = row.saturating_add(1);
        let found = match self.rows.last() {
            Some(last) if last.number == number => Ok(self.rows.len() - 1),
            _ => self.rows.binary_search_by_key(&number, |r| r.number),
        };
        let index = match found {
            Ok(i) => i,
            Err(at) => {
                if self.rows.len() >= self.limits.max_rows + HEADER_ALLOWANCE {
                    return Err(too_many_rows(self.limits));
                }
                self.rows.insert(
                    at,
                    Row {
                        number,
                        cells: Vec::new(),
                    },
                );
                at
            }
        };
        let cells = &mut self.rows[index].cells;
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = cell;
        Ok(())
    }

    fn finish(self) -> Table {
        Table::new(self.rows)
    }
}

fn read_xlsx_sheet(
    book: &mut calamine::Xlsx<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
) -> Result<Table, ImportError> {
    let mut reader = book.worksheet_cells_reader(name).map_err(map_xlsx_error)?;
    let mut out = Collector::new(limits);
    while let Some(cell) = reader.next_cell().map_err(map_xlsx_error)? {
        let (row, col) = cell.get_position();
        let data: Data = cell.get_value().clone().into();
        out.push(row, col, convert(data))?;
    }
    Ok(out.finish())
}

fn range_to_table(range: &calamine::Range<Data>, limits: &Limits) -> Result<Table, ImportError> {
    let mut out = Collector::new(limits);
    for (row, col, data) in range.used_cells() {
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let row = u32::try_from(row).unwrap_or(u32::MAX).saturating_add(r0);
        let col = u32::try_from(col).unwrap_or(u32::MAX).saturating_add(c0);
        out.push(row, col, convert(data.clone()))?;
    }
    Ok(out.finish())
}

/// calamine's value → gevinst's [`Cell`].
fn convert(data: Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s)
            }
        }
        Data::Int(i) => Cell::Number(i as f64),
        Data::Float(f) => Cell::Number(f),
        Data::Bool(b) => Cell::Bool(b),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                return Cell::Number(dt.as_f64());
            }
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            let date = NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d));
            match date {
                Some(date) if hh == 0 && mm == 0 && ss == 0 => Cell::Date(date),
                Some(date) => {
                    match NaiveTime::from_hms_opt(u32::from(hh), u32::from(mm), u32::from(ss)) {
                        Some(t) => Cell::DateTime(NaiveDateTime::new(date, t)),
                        None => Cell::Date(date),
                    }
                }
                None => Cell::Number(dt.as_f64()),
            }
        }
        Data::DateTimeIso(s) => {
            if let Ok(dt) = NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f") {
                if dt.time() == NaiveTime::MIN {
                    Cell::Date(dt.date())
                } else {
                    Cell::DateTime(dt)
                }
            } else if let Ok(d) = NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
                Cell::Date(d)
            } else {
                Cell::Text(s)
            }
        }
        Data::DurationIso(s) => Cell::Text(s),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}
