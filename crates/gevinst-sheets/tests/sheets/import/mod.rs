//! Import tests: realistic messy workbooks and CSV files, hostile files, property tests
//! and the committed corpus in `tests/import-corpus/`.

mod corpus;
mod fixtures;
mod hostile;
mod props;
mod text_files;
mod workbooks;

use gevinst_sheets::import::{self, Limits, Mapping, Preview, ReadOutput};

/// Reads, finds the header, suggests a mapping and previews with the test's known names.
pub fn run(bytes: &[u8], sheet: Option<&str>) -> (ReadOutput, import::Header, Preview) {
    let limits = Limits::default();
    let file = import::read(bytes, sheet, &limits).expect("file reads");
    let header = import::detect_header(&file.table).expect("header found");
    let mapping = Mapping::suggest(&header);
    let preview = import::preview(&file.table, &header, &mapping, &fixtures::known(), &limits)
        .expect("preview");
    (file, header, preview)
}
