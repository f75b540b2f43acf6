//! The file readers and everything after them: any bytes give a table or an error,
//! never a panic, and the header, mapping and preview steps cope with any table.
#![no_main]

use gevinst_sheets::import::{self, KnownValues, Limits, Mapping};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_rows: 2_000,
        max_uncompressed_bytes: 20 * 1024 * 1024,
        ..Limits::default()
    };
    let Ok(file) = import::read(data, None, &limits) else {
        return;
    };
    let Ok(header) = import::detect_header(&file.table) else {
        return;
    };
    let mapping = Mapping::suggest(&header);
    let known = KnownValues {
        units: vec!["Jobcenter".into()],
        ..KnownValues::default()
    };
    let _ = import::preview(&file.table, &header, &mapping, &known, &limits);
});
