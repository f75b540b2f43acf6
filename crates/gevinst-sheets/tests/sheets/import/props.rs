//! Property tests: random bytes at the readers, random text at the value parsers, and
//! Danish formatting round trips.

use gevinst_domain::danish::{format_decimal, format_kr, parse_kr, parse_number};
use gevinst_sheets::import::{self, values, Cell, Limits};
use proptest::prelude::*;
use rust_decimal::Decimal;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn danish_numbers_round_trip(mantissa in any::<i64>(), scale in 0u32..8) {
        let d = Decimal::new(mantissa, scale);
        prop_assert_eq!(parse_number(&format_decimal(d, scale)), Ok(d));
        let whole = d.round();
        prop_assert_eq!(parse_kr(&format_kr(whole)).map(|a| a.value), Ok(whole));
        let cell = Cell::Text(format_decimal(d, scale));
        let parsed = values::amount(&cell).unwrap().unwrap();
        prop_assert_eq!(parsed.value, d);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = import::read(&bytes, None, &Limits::default());
    }

    #[test]
    fn random_zip_like_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = import::read(&bytes, None, &Limits::default());
    }

    #[test]
    fn random_text_never_panics_the_pipeline(text in "(\\PC{0,12}[;,\t\n]){0,40}") {
        if let Ok(file) = import::read(text.as_bytes(), None, &Limits::default()) {
            if let Ok(header) = import::detect_header(&file.table) {
                let mapping = import::Mapping::suggest(&header);
                let _ = import::preview(&file.table, &header, &mapping, &super::fixtures::known(), &Limits::default());
            }
        }
    }

    #[test]
    fn value_parsers_never_panic(s in "\\PC{0,40}", n in any::<f64>()) {
        for cell in [Cell::Text(s.clone()), Cell::Number(n)] {
            let _ = values::amount(&cell);
            let _ = values::quantity(&cell, &["timer"]);
            let _ = values::percent(&cell);
            let _ = values::date(&cell);
            let _ = values::year(&cell);
        }
        let _ = values::match_known(&s, &["I drift".to_owned(), "Idé".to_owned()]);
        let _ = import::suggest_field(&s);
    }
}
