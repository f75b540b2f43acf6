//! The cell-value parsers: Danish numbers, kr. amounts, percentages, dates, years and
//! name matching must never panic on any text or number.
#![no_main]

use gevinst_domain::danish;
use gevinst_sheets::import::{self, values, Cell};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = danish::parse_number(&text);
    let _ = danish::parse_kr(&text);
    let _ = danish::ambiguity(&text);
    let number = data
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .map(f64::from_le_bytes)
        .unwrap_or(0.0);
    for cell in [Cell::Text(text.to_string()), Cell::Number(number)] {
        let _ = values::amount(&cell);
        let _ = values::quantity(&cell, &["timer"]);
        let _ = values::percent(&cell);
        let _ = values::date(&cell);
        let _ = values::year(&cell);
        let _ = cell.display();
    }
    let _ = import::match_known(&text, &["I drift".to_owned(), "Jobcenter".to_owned()]);
    let _ = import::suggest_field(&text);
});
