//! The generator keeps its promises: the expected outcome matches the rows it wrote.

use super::*;

#[test]
fn the_same_seed_gives_the_same_workbook() {
    let a = messy_workbook(7, 120);
    let b = messy_workbook(7, 120);
    assert_eq!(a.expected.rows, b.expected.rows);
    let c = messy_workbook(8, 120);
    assert_ne!(a.expected.rows, c.expected.rows);
}

#[test]
fn every_kind_of_mess_is_there() {
    let w = messy_workbook(1, DEFAULT_ROWS);
    let e = &w.expected;
    assert_eq!(e.rows.len(), DEFAULT_ROWS);
    assert_eq!(e.cpr_numbers.len(), 2);
    let dup = e.duplicate();
    let original = e.rows.iter().find(|r| r.row == dup.duplicate_of.unwrap());
    let original = original.expect("the original row");
    assert_ne!(original.nr, dup.nr);
    assert_eq!(original.unit_path, dup.unit_path);
    assert_ne!(original.title, dup.title);
    assert_eq!(original.title.to_lowercase(), dup.title.replace("  ", " "));
    for s in [Status::Afvist, Status::Parkeret] {
        let rows: Vec<_> = e.potentials().filter(|r| r.status == s).collect();
        assert!(rows.iter().any(|r| r.needs_reason()), "{s:?}");
        assert!(rows.iter().any(|r| !r.needs_reason()), "{s:?}");
    }
    for (word, _, _) in STATUSES {
        assert!(e.rows.iter().any(|r| r.status_written == *word), "{word}");
    }
    let owners: Vec<_> = e.rows.iter().filter_map(|r| r.owner.clone()).collect();
    assert!(owners.iter().any(|o| matches!(o, Owner::Contact(_))));
    assert!(owners.iter().any(|o| matches!(o, Owner::User(_))));
    let titles: BTreeSet<_> = e.potentials().map(|r| r.title.clone()).collect();
    assert_eq!(titles.len(), DEFAULT_ROWS - 1, "titles are unique");
    let rows: BTreeSet<_> = e.rows.iter().map(|r| r.row).collect();
    assert_eq!(rows.len(), e.rows.len());
    assert!(e.rows.iter().all(|r| r.row < e.total_row));
    assert!(e.blank_rows >= 1);
    // Decided rows carry figures; rows before a business case carry none.
    for r in &e.rows {
        if gevinst_domain::lifecycle::is_decided(r.status) {
            assert!(r.has_figures, "{r:?}");
        }
        if !gevinst_domain::lifecycle::may_create_case(r.status) {
            assert!(!r.has_figures, "{r:?}");
        }
    }
    assert!(w.bytes.starts_with(b"PK"));
}

#[test]
fn larger_files_keep_unique_titles() {
    let e = messy_workbook(3, 1000).expected;
    let titles: BTreeSet<_> = e.potentials().map(|r| r.title.to_lowercase()).collect();
    assert_eq!(titles.len(), 999);
}

#[test]
fn thousands_are_grouped_the_danish_way() {
    assert_eq!(thousands(1_234_567), "1.234.567");
    assert_eq!(thousands(250_000), "250.000");
    assert_eq!(thousands(999), "999");
}
