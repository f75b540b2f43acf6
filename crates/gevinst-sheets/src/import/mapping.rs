//! Column mapping: which column feeds which field. Suggested from Danish and English
//! header synonyms, saved as JSON and reused with the next file by header text.

use serde::{Deserialize, Serialize};

use super::header::{Column, Header};
use super::values::normalise_key;

/// A field of a potential (and its rough business case) that a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Titel (required).
    Title,
    /// Beskrivelse.
    Description,
    /// Enhed.
    Unit,
    /// Fagområde.
    Fagomraade,
    /// Status.
    Status,
    /// Teknologi.
    Technology,
    /// Kilde.
    Source,
    /// Gevinstejer.
    Owner,
    /// Forventet gevinst (kr./år).
    Gain,
    /// Timer pr. år.
    Hours,
    /// Årsværk.
    Fte,
    /// Investering.
    Investment,
    /// Drift pr. år.
    Running,
    /// Startår.
    StartYear,
    /// Eksternt id.
    ExternalId,
    /// Begrundelse for status (afvist, parkeret, besluttet uden business case).
    StatusReason,
}

impl Field {
    /// All fields, in the order the mapping form shows them.
    pub const ALL: [Field; 16] = [
        Field::Title,
        Field::Description,
        Field::Unit,
        Field::Fagomraade,
        Field::Status,
        Field::Technology,
        Field::Source,
        Field::Owner,
        Field::Gain,
        Field::Hours,
        Field::Fte,
        Field::Investment,
        Field::Running,
        Field::StartYear,
        Field::ExternalId,
        Field::StatusReason,
    ];

    /// The Danish label.
    pub fn label(self) -> &'static str {
        match self {
            Field::Title => "Titel",
            Field::Description => "Beskrivelse",
            Field::Unit => "Enhed",
            Field::Fagomraade => "Fagområde",
            Field::Status => "Status",
            Field::Technology => "Teknologi",
            Field::Source => "Kilde",
            Field::Owner => "Gevinstejer",
            Field::Gain => "Forventet gevinst (kr./år)",
            Field::Hours => "Timer pr. år",
            Field::Fte => "Årsværk",
            Field::Investment => "Investering",
            Field::Running => "Drift pr. år",
            Field::StartYear => "Startår",
            Field::ExternalId => "Eksternt id",
            Field::StatusReason => "Begrundelse for status",
        }
    }

    /// Header texts that suggest this field, Danish and English (compared after
    /// [`normalise_key`]).
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Title => &[
                "Titel",
                "Navn",
                "Title",
                "Name",
                "Potentiale",
                "Potentialets navn",
                "Projekt",
                "Projektnavn",
                "Overskrift",
            ],
            Field::Description => &[
                "Beskrivelse",
                "Description",
                "Kort beskrivelse",
                "Formål",
                "Indhold",
            ],
            Field::Unit => &[
                "Enhed",
                "Afdeling",
                "Forvaltning",
                "Unit",
                "Department",
                "Organisation",
                "Organisatorisk enhed",
                "Center",
                "Direktørområde",
                "Team",
                "Sektion",
            ],
            Field::Fagomraade => &[
                "Fagområde",
                "Fagomrade",
                "Område",
                "Fagligt område",
                "Area",
                "Domain",
            ],
            Field::Status => &["Status", "Fase", "Stage", "State"],
            Field::Technology => &["Teknologi", "Technology", "Løsningstype", "Tech"],
            Field::Source => &["Kilde", "Source", "Ophav", "Idékilde"],
            Field::Owner => &[
                "Gevinstejer",
                "Ansvarlig",
                "Ejer",
                "Owner",
                "Benefit owner",
                "Gevinstansvarlig",
                "Kontaktperson",
            ],
            Field::Gain => &[
                "Forventet gevinst",
                "Forventet gevinst (kr.)",
                "Forventet gevinst (kr./år)",
                "Forventet gevinst kr. pr. år",
                "Gevinst",
                "Gevinst (kr.)",
                "Gevinst i kr.",
                "Gevinst pr. år",
                "Årlig gevinst",
                "Expected benefit",
                "Benefit",
                "Besparelse",
                "Savings",
            ],
            Field::Hours => &[
                "Timer pr. år",
                "Timer",
                "Hours",
                "Hours per year",
                "Sparede timer",
                "Frigjorte timer",
                "Timer årligt",
            ],
            Field::Fte => &["Årsværk", "FTE", "Årsværk pr. år", "ÅV"],
            Field::Investment => &[
                "Investering",
                "Investment",
                "Anskaffelse",
                "Engangsudgift",
                "Etablering",
                "Capex",
            ],
            Field::Running => &[
                "Drift pr. år",
                "Drift",
                "Driftsudgift",
                "Driftsomkostninger",
                "Årlig drift",
                "Running cost",
                "Running",
                "Opex",
            ],
            Field::StartYear => &["Startår", "Start", "År", "Year", "Start year", "Opstart"],
            Field::ExternalId => &[
                "Eksternt id",
                "Id",
                "External id",
                "Nr",
                "Nummer",
                "Løbenummer",
                "Ref",
                "Reference",
            ],
            Field::StatusReason => &[
                "Begrundelse for status",
                "Begrundelse",
                "Statusbegrundelse",
                "Årsag",
                "Bemærkning til status",
                "Statusbemærkning",
                "Reason",
                "Status reason",
            ],
        }
    }
}

/// Suggests a field for a header text: an exact synonym first, else the longest synonym
/// (of at least 5 letters) the header starts with, e.g. "Investering (kr.)".
pub fn suggest_field(header: &str) -> Option<Field> {
    match_header(header).map(|(f, _)| f)
}

/// How a header names its field (see [`match_header`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderMatch {
    /// The header is this synonym (compared normalised).
    Synonym(&'static str),
    /// The header begins with this synonym (the longest of at least five characters).
    Prefix(&'static str),
}

/// The field a header names and how: one of its synonyms exactly, else the longest synonym
/// of at least five characters the header begins with ("Forventet gevinst i kr." → the
/// expected gain). The one rule behind [`suggest_field`] and the import's explanations.
pub fn match_header(header: &str) -> Option<(Field, HeaderMatch)> {
    let key = normalise_key(header);
    if key.is_empty() {
        return None;
    }
    let synonyms = synonym_keys();
    if let Some((_, s, f)) = synonyms.iter().find(|(k, _, _)| *k == key) {
        return Some((*f, HeaderMatch::Synonym(s)));
    }
    synonyms
        .iter()
        .filter(|(k, _, _)| k.len() >= 5 && key.starts_with(k.as_str()))
        .max_by_key(|(k, _, _)| k.len())
        .map(|(_, s, f)| (*f, HeaderMatch::Prefix(s)))
}

/// Every field's synonyms: (normalised, as written, field).
fn synonym_keys() -> &'static [(String, &'static str, Field)] {
    static KEYS: std::sync::OnceLock<Vec<(String, &'static str, Field)>> =
        std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        Field::ALL
            .iter()
            .flat_map(|f| f.synonyms().iter().map(|s| (normalise_key(s), *s, *f)))
            .collect()
    })
}

/// What a column is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Fills a field.
    Field(Field),
    /// Each value becomes a tag.
    Tag,
    /// Appended to the description as a note `Header: value`.
    Note,
    /// A level of the unit path above the column mapped to [`Field::Unit`]: 1 is the top
    /// (e.g. forvaltning), 2 the next (e.g. afdeling). See [`crate::import::unit_levels`].
    UnitLevel(u8),
    /// Not imported.
    Ignore,
}

/// One column's use, identified by its header text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// The header text in the file.
    pub header: String,
    /// What the column is used for.
    pub target: Target,
}

/// A column mapping, saved as JSON and reused by header text.
///
/// ```
/// use gevinst_sheets::import::{Mapping, ColumnMapping, Target, Field};
/// let m = Mapping { columns: vec![ColumnMapping { header: "Navn".into(), target: Target::Field(Field::Title) }] };
/// let json = m.to_json();
/// assert_eq!(json, r#"{"columns":[{"header":"Navn","target":{"field":"title"}}]}"#);
/// assert_eq!(Mapping::from_json(&json).unwrap(), m);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// The columns, in file order.
    pub columns: Vec<ColumnMapping>,
}

/// The result of [`Mapping::adapt`]: a mapping for a new file, and what did not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adapted {
    /// The mapping for the new file's columns.
    pub mapping: Mapping,
    /// Headers of the saved mapping that the new file does not have.
    pub missing: Vec<String>,
    /// Headers of the new file that the saved mapping did not know (given suggestions).
    pub new_columns: Vec<String>,
}

impl Mapping {
    /// Suggests a mapping for a header: each column gets the field its header suggests
    /// (each field at most once, first column wins); other columns with a header become
    /// notes, columns without a header are ignored.
    pub fn suggest(header: &Header) -> Mapping {
        let mut used = Vec::new();
        let columns = header
            .columns
            .iter()
            .map(|c| ColumnMapping {
                header: c.name.clone(),
                target: suggest_target(c, &mut used),
            })
            .collect();
        let mut mapping = Mapping { columns };
        super::unit_levels::suggest_levels(header, &mut mapping);
        mapping
    }

    /// Applies a saved mapping to a new file: columns are matched by header text (after
    /// [`normalise_key`]; repeated headers in order), unknown columns get suggestions.
    pub fn adapt(&self, header: &Header) -> Adapted {
        let mut taken = vec![false; self.columns.len()];
        let mut used: Vec<Field> = Vec::new();
        let mut new_columns = Vec::new();
        let mut resolved: Vec<Option<Target>> = Vec::new();
        for c in &header.columns {
            let key = normalise_key(&c.name);
            let hit = self
                .columns
                .iter()
                .enumerate()
                .find(|(i, m)| !taken[*i] && normalise_key(&m.header) == key);
            match hit {
                Some((i, m)) => {
                    taken[i] = true;
                    if let Target::Field(f) = m.target {
                        used.push(f);
                    }
                    resolved.push(Some(m.target));
                }
                None => resolved.push(None),
            }
        }
        let columns = header
            .columns
            .iter()
            .zip(resolved)
            .map(|(c, r)| ColumnMapping {
                header: c.name.clone(),
                target: r.unwrap_or_else(|| {
                    new_columns.push(c.name.clone());
                    suggest_target(c, &mut used)
                }),
            })
            .collect();
        let missing = self
            .columns
            .iter()
            .zip(taken)
            .filter(|(_, t)| !t)
            .map(|(m, _)| m.header.clone())
            .collect();
        Adapted {
            mapping: Mapping { columns },
            missing,
            new_columns,
        }
    }

    /// The mapping as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A mapping from JSON, with a Danish message when it cannot be read.
    pub fn from_json(json: &str) -> Result<Mapping, String> {
        serde_json::from_str(json).map_err(|_| {
            "Den gemte kolonneopsætning kan ikke læses. Vælg kolonnerne igen.".to_owned()
        })
    }

    /// Danish problems that block a preview: no title column, or a field chosen for two
    /// columns.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self
            .columns
            .iter()
            .any(|c| c.target == Target::Field(Field::Title))
        {
            out.push("Vælg den kolonne, der indeholder potentialernes titel.".to_owned());
        }
        for f in Field::ALL {
            let n = self
                .columns
                .iter()
                .filter(|c| c.target == Target::Field(f))
                .count();
            if n > 1 {
                out.push(format!(
                    "Feltet «{}» er valgt til {n} kolonner; vælg én.",
                    f.label()
                ));
            }
        }
        out.extend(super::unit_levels::problems(self));
        out
    }
}

fn suggest_target(c: &Column, used: &mut Vec<Field>) -> Target {
    match suggest_field(&c.name) {
        Some(f) if !used.contains(&f) => {
            used.push(f);
            Target::Field(f)
        }
        _ if c.has_header => Target::Note,
        _ => Target::Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_suggest_fields() {
        assert_eq!(suggest_field("Navn"), Some(Field::Title));
        assert_eq!(suggest_field("TITLE"), Some(Field::Title));
        assert_eq!(suggest_field("Afdeling"), Some(Field::Unit));
        assert_eq!(suggest_field("Forvaltning"), Some(Field::Unit));
        assert_eq!(suggest_field("Ansvarlig"), Some(Field::Owner));
        assert_eq!(suggest_field("Forventet gevinst (kr.)"), Some(Field::Gain));
        assert_eq!(suggest_field("Expected benefit"), Some(Field::Gain));
        assert_eq!(suggest_field("Timer pr. år"), Some(Field::Hours));
        assert_eq!(suggest_field("timer pr år"), Some(Field::Hours));
        assert_eq!(suggest_field("Årsværk"), Some(Field::Fte));
        assert_eq!(suggest_field("Investering (kr.)"), Some(Field::Investment));
        assert_eq!(suggest_field("Drift pr. år (kr.)"), Some(Field::Running));
        assert_eq!(suggest_field("Fagomrade"), Some(Field::Fagomraade));
        assert_eq!(suggest_field("Startår"), Some(Field::StartYear));
        assert_eq!(suggest_field("Bemærkninger"), None);
    }
}
