//! The organisation hierarchy in a sheet: several unit columns (forvaltning → afdeling →
//! enhed, in any combination) read as one unit path.
//!
//! The most specific column maps to [`Field::Unit`] (the unit itself); the columns above
//! it map to [`Target::UnitLevel`] 1 (the top), 2, … A row's unit path is its non-empty
//! level values in level order, then its unit value. A sheet with a single unit column
//! keeps [`Field::Unit`] alone, and its names are matched anywhere in the unit tree.
//!
//! ```
//! use gevinst_sheets::import::{self, Field, Limits, Mapping, Target};
//! let csv = "Titel;Forvaltning;Enhed\nRobot;Børn og Unge;Skoler\n";
//! let file = import::read(csv.as_bytes(), None, &Limits::default()).unwrap();
//! let header = import::detect_header(&file.table).unwrap();
//! let mapping = Mapping::suggest(&header);
//! assert_eq!(mapping.columns[1].target, Target::UnitLevel(1));
//! assert_eq!(mapping.columns[2].target, Target::Field(Field::Unit));
//! ```

use super::header::Header;
use super::mapping::{suggest_field, Field, Mapping, Target};
use super::values::normalise_key;

/// The deepest level a mapping offers above the unit.
pub const MAX_LEVEL: u8 = 3;

/// How high in an organisation a header's unit word sits: 1 for a directorate
/// (forvaltning), 2 for a department (afdeling, center), 3 for a unit or team.
fn rank(header: &str) -> u8 {
    let key = normalise_key(header);
    let starts = |words: &[&str]| words.iter().any(|w| key.starts_with(&normalise_key(w)));
    if starts(&["Forvaltning", "Direktørområde", "Direktion", "Organisation"]) {
        1
    } else if starts(&["Afdeling", "Department", "Center"]) {
        2
    } else {
        3
    }
}

/// When two or more columns name unit fields, maps them as a unit path: the most
/// specific (the last of the lowest rank) becomes [`Field::Unit`], the others levels
/// 1, 2, … from the top. Columns the caller mapped to other fields are left alone.
pub(super) fn suggest_levels(header: &Header, mapping: &mut Mapping) {
    let mut unit_cols: Vec<(u8, usize)> = header
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            suggest_field(&c.name) == Some(Field::Unit)
                && mapping
                    .columns
                    .get(*i)
                    .is_some_and(|m| matches!(m.target, Target::Field(Field::Unit) | Target::Note))
        })
        .map(|(i, c)| (rank(&c.name), i))
        .collect();
    if unit_cols.len() < 2 {
        return;
    }
    unit_cols.sort();
    let last = unit_cols.len() - 1;
    for (n, (_, i)) in unit_cols.iter().enumerate() {
        let target = if n == last {
            Target::Field(Field::Unit)
        } else {
            Target::UnitLevel(u8::try_from(n + 1).unwrap_or(MAX_LEVEL).min(MAX_LEVEL))
        };
        mapping.columns[*i].target = target;
    }
}

/// The Danish label of a unit level, for the mapping form.
pub fn level_label(level: u8) -> String {
    match level {
        1 => "Enhedssti, niveau 1 (øverst, fx forvaltning)".to_owned(),
        2 => "Enhedssti, niveau 2 (fx afdeling)".to_owned(),
        n => format!("Enhedssti, niveau {n}"),
    }
}

/// Danish problems with the unit levels of a mapping: a level chosen for two columns, or
/// a level outside 1 to [`MAX_LEVEL`].
pub(super) fn problems(mapping: &Mapping) -> Vec<String> {
    let mut out = Vec::new();
    for level in 0..=u8::MAX {
        let n = mapping
            .columns
            .iter()
            .filter(|c| c.target == Target::UnitLevel(level))
            .count();
        if n == 0 {
            continue;
        }
        if !(1..=MAX_LEVEL).contains(&level) {
            out.push(format!(
                "Enhedsstien har kun niveau 1 til {MAX_LEVEL}; vælg et af dem."
            ));
        } else if n > 1 {
            out.push(format!(
                "«{}» er valgt til {n} kolonner; vælg én.",
                level_label(level)
            ));
        }
    }
    out
}

/// The unit path a mapping reads, as header names from the top: e.g. `["Forvaltning",
/// "Afdeling", "Enhed"]`; empty when no unit level is mapped.
pub fn path_headers(mapping: &Mapping) -> Vec<String> {
    let mut levels: Vec<(u8, &str)> = mapping
        .columns
        .iter()
        .filter_map(|c| match c.target {
            Target::UnitLevel(l) => Some((l, c.header.as_str())),
            _ => None,
        })
        .collect();
    if levels.is_empty() {
        return Vec::new();
    }
    levels.sort_by_key(|l| l.0);
    let mut out: Vec<String> = levels.into_iter().map(|l| l.1.to_owned()).collect();
    out.extend(
        mapping
            .columns
            .iter()
            .filter(|c| c.target == Target::Field(Field::Unit))
            .map(|c| c.header.clone()),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Column, ColumnMapping};

    fn header(names: &[&str]) -> Header {
        Header {
            rows: vec![1],
            columns: names
                .iter()
                .enumerate()
                .map(|(index, n)| Column {
                    index,
                    name: (*n).to_owned(),
                    has_header: true,
                })
                .collect(),
            data_from: 1,
        }
    }

    fn targets(names: &[&str]) -> Vec<Target> {
        Mapping::suggest(&header(names))
            .columns
            .into_iter()
            .map(|c| c.target)
            .collect()
    }

    #[test]
    fn hierarchy_columns_become_a_path() {
        use Target::{Field as F, UnitLevel as L};
        assert_eq!(
            targets(&["Titel", "Forvaltning", "Afdeling", "Enhed"]),
            vec![F(Field::Title), L(1), L(2), F(Field::Unit)]
        );
        // Any order and any combination.
        assert_eq!(
            targets(&["Enhed", "Titel", "Forvaltning"]),
            vec![F(Field::Unit), F(Field::Title), L(1)]
        );
        assert_eq!(
            targets(&["Titel", "Forvaltning", "Afdeling"]),
            vec![F(Field::Title), L(1), F(Field::Unit)]
        );
        assert_eq!(
            targets(&["Titel", "Afdeling", "Team"]),
            vec![F(Field::Title), L(1), F(Field::Unit)]
        );
    }

    #[test]
    fn one_unit_column_stays_the_unit() {
        assert_eq!(
            targets(&["Titel", "Forvaltning", "Bemærkning"]),
            vec![
                Target::Field(Field::Title),
                Target::Field(Field::Unit),
                Target::Note
            ]
        );
    }

    #[test]
    fn path_headers_and_problems() {
        let m = Mapping::suggest(&header(&["Titel", "Enhed", "Forvaltning"]));
        assert_eq!(path_headers(&m), vec!["Forvaltning", "Enhed"]);
        assert!(m.problems().is_empty());
        let twice = Mapping {
            columns: vec![
                ColumnMapping {
                    header: "Titel".into(),
                    target: Target::Field(Field::Title),
                },
                ColumnMapping {
                    header: "A".into(),
                    target: Target::UnitLevel(1),
                },
                ColumnMapping {
                    header: "B".into(),
                    target: Target::UnitLevel(1),
                },
            ],
        };
        assert_eq!(
            twice.problems(),
            vec![
                "«Enhedssti, niveau 1 (øverst, fx forvaltning)» er valgt til 2 kolonner; vælg én."
            ]
        );
    }

    #[test]
    fn saved_mappings_stay_readable() {
        let old = r#"{"columns":[{"header":"Navn","target":{"field":"title"}},{"header":"Enhed","target":{"field":"unit"}}]}"#;
        let m = Mapping::from_json(old).unwrap();
        assert_eq!(m.columns[1].target, Target::Field(Field::Unit));
        let with_levels = Mapping {
            columns: vec![ColumnMapping {
                header: "Forvaltning".into(),
                target: Target::UnitLevel(1),
            }],
        };
        let json = with_levels.to_json();
        assert_eq!(
            json,
            r#"{"columns":[{"header":"Forvaltning","target":{"unit_level":1}}]}"#
        );
        assert_eq!(Mapping::from_json(&json).unwrap(), with_levels);
    }
}
