//! The potential form, shared by "Ny idé" and the edit form on a potential's page.

use super::{field, indent, merge_errors, Choice};
use gevinst_app::potentials::TenantLists;
use gevinst_domain::{
    FagomraadeId, FieldErrors, Potential, PotentialDraft, Source, TechnologyId, UnitId, UserId,
};
use std::str::FromStr;

/// The form's fields exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PotentialForm {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Unit id.
    pub unit_id: String,
    /// Fagområde id.
    pub fagomraade_id: String,
    /// Technology id.
    pub technology_id: String,
    /// Source (API name).
    pub source: String,
    /// Tags, comma-separated.
    pub tags: String,
    /// Benefit owner (user id).
    pub benefit_owner: String,
    /// Digital agent (user id).
    pub digital_agent: String,
    /// Contact person by name (not a user).
    pub contact_name: String,
}

fn id_text<T: ToString>(id: Option<T>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

impl PotentialForm {
    /// Reads the form from posted name/value pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        PotentialForm {
            title: field(pairs, "title"),
            description: field(pairs, "description"),
            unit_id: field(pairs, "unit_id"),
            fagomraade_id: field(pairs, "fagomraade_id"),
            technology_id: field(pairs, "technology_id"),
            source: field(pairs, "source"),
            tags: field(pairs, "tags"),
            benefit_owner: field(pairs, "benefit_owner"),
            digital_agent: field(pairs, "digital_agent"),
            contact_name: field(pairs, "contact_name"),
        }
    }

    /// A stored potential's values, to fill the edit form.
    pub fn from_potential(p: &Potential) -> Self {
        PotentialForm {
            title: p.title.clone(),
            description: p.description.clone(),
            unit_id: p.unit_id.to_string(),
            fagomraade_id: id_text(p.fagomraade_id),
            technology_id: id_text(p.technology_id),
            source: p.source.as_str().to_owned(),
            tags: p.tags.join(", "),
            benefit_owner: id_text(p.benefit_owner),
            digital_agent: id_text(p.digital_agent),
            contact_name: p.contact_name.clone().unwrap_or_default(),
        }
    }

    /// The values of an empty "Ny idé" form.
    pub fn blank() -> Self {
        PotentialForm {
            source: Source::EmployeeProposal.as_str().to_owned(),
            ..Default::default()
        }
    }

    /// Converts the text into a draft for the use cases. Ids that are not numbers become
    /// field errors. When `with_people` is false (læser), owner and agent are taken from
    /// `keep` (the stored potential) or left empty: the form does not offer them.
    pub fn to_draft(
        &self,
        with_people: bool,
        keep: Option<&Potential>,
    ) -> (PotentialDraft, FieldErrors) {
        let mut e = FieldErrors::new();
        let (benefit_owner, digital_agent, contact_name) = if with_people {
            (
                parse_opt::<UserId>(&mut e, "benefit_owner", &self.benefit_owner),
                parse_opt::<UserId>(&mut e, "digital_agent", &self.digital_agent),
                Some(self.contact_name.clone()),
            )
        } else {
            (
                keep.and_then(|p| p.benefit_owner),
                keep.and_then(|p| p.digital_agent),
                keep.and_then(|p| p.contact_name.clone()),
            )
        };
        let draft = PotentialDraft {
            title: self.title.clone(),
            description: self.description.clone(),
            unit_id: parse_opt::<UnitId>(&mut e, "unit_id", &self.unit_id),
            fagomraade_id: parse_opt::<FagomraadeId>(&mut e, "fagomraade_id", &self.fagomraade_id),
            technology_id: parse_opt::<TechnologyId>(&mut e, "technology_id", &self.technology_id),
            source: Some(self.source.trim().to_owned()).filter(|s| !s.is_empty()),
            benefit_owner,
            digital_agent,
            contact_name,
            tags: split_tags(&self.tags),
        };
        (draft, e)
    }
}

/// Splits the comma-separated tags field.
pub(crate) fn split_tags(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse_opt<T: FromStr>(e: &mut FieldErrors, name: &str, raw: &str) -> Option<T> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            e.add(name, "invalid", "Vælg en værdi fra listen.");
            None
        }
    }
}

/// Adds the draft's validation errors to the parsing errors, so that every problem is shown
/// at once even when some ids could not be read.
pub(crate) fn all_errors(
    parse_errors: FieldErrors,
    draft: &PotentialDraft,
    lists: &TenantLists,
) -> FieldErrors {
    let mut errors = parse_errors;
    if let Err(more) = draft.validate(lists) {
        merge_errors(&mut errors, more);
    }
    errors
}

/// Where an error link in the summary points, and its message.
#[derive(Debug, Clone)]
pub(crate) struct ErrorLink {
    /// The id of the field.
    pub target: String,
    /// The message.
    pub message: String,
}

/// Error summary entries: every error with a link to its field. Errors about fields the
/// form does not have point at `fallback`.
pub(crate) fn error_links(errors: &FieldErrors, known: &[&str], fallback: &str) -> Vec<ErrorLink> {
    errors
        .0
        .iter()
        .map(|e| ErrorLink {
            target: if known.contains(&e.field.as_str()) {
                e.field.clone()
            } else {
                fallback.to_owned()
            },
            message: e.message.clone(),
        })
        .collect()
}

/// Field names of the potential form, which are also the ids of its inputs.
pub(crate) const FORM_FIELDS: [&str; 10] = [
    "title",
    "description",
    "unit_id",
    "fagomraade_id",
    "technology_id",
    "source",
    "tags",
    "benefit_owner",
    "digital_agent",
    "contact_name",
];

/// Everything the form partial `_potential_fields.html` needs.
#[derive(Debug, Clone)]
pub(crate) struct FormView {
    /// The values as typed.
    pub values: PotentialForm,
    /// Field errors.
    pub errors: FieldErrors,
    /// Units, indented by depth.
    pub units: Vec<Choice>,
    /// Fagområder.
    pub fagomraader: Vec<Choice>,
    /// Technology types.
    pub technologies: Vec<Choice>,
    /// Sources.
    pub sources: Vec<Choice>,
    /// Benefit owner choices.
    pub owners: Vec<Choice>,
    /// Digital agent choices.
    pub agents: Vec<Choice>,
    /// Whether the owner and agent fields are shown (not for læser).
    pub show_people: bool,
}

impl FormView {
    /// Builds the view. `current` is the stored potential when editing: its unit, lists
    /// entries and people stay selectable even if they have been deactivated since.
    pub fn new(
        values: PotentialForm,
        errors: FieldErrors,
        lists: &TenantLists,
        show_people: bool,
        current: Option<&Potential>,
    ) -> Self {
        let units = lists
            .units
            .flatten()
            .into_iter()
            .filter(|(_, u)| u.active || current.is_some_and(|p| p.unit_id == u.id))
            .map(|(depth, u)| {
                let mut label = format!("{}{}", indent(depth), u.name);
                if !u.active {
                    label.push_str(" (nedlagt)");
                }
                Choice::new(u.id.to_string(), label, &values.unit_id)
            })
            .collect();
        let catalogue =
            |items: &[gevinst_domain::CatalogueItem], keep: Option<i64>, chosen: &str| {
                items
                    .iter()
                    .filter(|i| i.active || keep == Some(i.id))
                    .map(|i| Choice::new(i.id.to_string(), i.name.clone(), chosen))
                    .collect::<Vec<_>>()
            };
        let fagomraader = catalogue(
            &lists.fagomraader,
            current.and_then(|p| p.fagomraade_id).map(|f| f.0),
            &values.fagomraade_id,
        );
        let technologies = catalogue(
            &lists.technologies,
            current.and_then(|p| p.technology_id).map(|t| t.0),
            &values.technology_id,
        );
        let sources = Source::ALL
            .iter()
            .map(|s| Choice::new(s.as_str(), s.label(), &values.source))
            .collect();
        let people = |keep: Option<UserId>, chosen: &str| {
            lists
                .users
                .iter()
                .filter(|u| u.active || keep == Some(u.id))
                .map(|u| {
                    Choice::new(
                        u.id.to_string(),
                        format!("{} ({})", u.name, u.role.label()),
                        chosen,
                    )
                })
                .collect::<Vec<_>>()
        };
        let owners = people(current.and_then(|p| p.benefit_owner), &values.benefit_owner);
        let agents = people(current.and_then(|p| p.digital_agent), &values.digital_agent);
        FormView {
            values,
            errors,
            units,
            fagomraader,
            technologies,
            sources,
            owners,
            agents,
            show_people,
        }
    }

    /// The error message for a field.
    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors.message_for(name)
    }

    /// Whether the field has an error.
    pub fn bad(&self, name: &str) -> bool {
        self.err(name).is_some()
    }

    /// The error summary's entries.
    pub fn summary(&self) -> Vec<ErrorLink> {
        error_links(&self.errors, &FORM_FIELDS, "title")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_split_on_commas() {
        assert_eq!(split_tags(" RPA, jobcenter ,, "), vec!["RPA", "jobcenter"]);
        assert!(split_tags("").is_empty());
    }

    #[test]
    fn ids_that_are_not_numbers_are_field_errors() {
        let form = PotentialForm {
            title: "Robot".into(),
            unit_id: "x1".into(),
            benefit_owner: "7".into(),
            ..PotentialForm::blank()
        };
        let (draft, e) = form.to_draft(true, None);
        assert_eq!(draft.unit_id, None);
        assert_eq!(draft.benefit_owner, Some(UserId(7)));
        assert_eq!(e.message_for("unit_id"), Some("Vælg en værdi fra listen."));
        let (draft, e) = form.to_draft(false, None);
        assert_eq!(draft.benefit_owner, None);
        assert!(e.message_for("benefit_owner").is_none());
    }
}
