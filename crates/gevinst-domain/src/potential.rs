//! Potentials (*potentialer*): the register of improvement ideas with an expected gain.

use crate::cpr;
use crate::ids::{FagomraadeId, PotentialId, TechnologyId, TenantId, UnitId, UserId};
use crate::status::Status;
use crate::text::{char_len, clean, search_fold};
use crate::validation::FieldErrors;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a potential came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A workshop with employees.
    Workshop,
    /// A unit's digital agent.
    DigitalAgent,
    /// An employee's own proposal.
    EmployeeProposal,
    /// A proven case from the shared catalogue.
    Catalogue,
    /// Anything else.
    Other,
}

impl Source {
    /// All sources.
    pub const ALL: [Source; 5] = [
        Source::Workshop,
        Source::DigitalAgent,
        Source::EmployeeProposal,
        Source::Catalogue,
        Source::Other,
    ];

    /// Stable API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Workshop => "workshop",
            Source::DigitalAgent => "digital_agent",
            Source::EmployeeProposal => "employee_proposal",
            Source::Catalogue => "catalogue",
            Source::Other => "other",
        }
    }

    /// Parses the API name.
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// Danish label.
    pub fn label(self) -> &'static str {
        match self {
            Source::Workshop => "Workshop",
            Source::DigitalAgent => "Digital agent",
            Source::EmployeeProposal => "Medarbejderforslag",
            Source::Catalogue => "Case fra kataloget",
            Source::Other => "Andet",
        }
    }
}

/// A potential as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Potential {
    /// Id.
    pub id: PotentialId,
    /// Tenant.
    pub tenant_id: TenantId,
    /// Short title.
    pub title: String,
    /// Description of the problem and the idea.
    pub description: String,
    /// The unit where the gain arises.
    pub unit_id: UnitId,
    /// Fagområde, when known.
    pub fagomraade_id: Option<FagomraadeId>,
    /// Technology type, when known.
    pub technology_id: Option<TechnologyId>,
    /// Where the idea came from.
    pub source: Source,
    /// Who submitted it.
    pub submitted_by: Option<UserId>,
    /// *Gevinstejer*: the line manager who owns the benefit.
    pub benefit_owner: Option<UserId>,
    /// The unit's digital agent following the potential.
    pub digital_agent: Option<UserId>,
    /// A contact person by name, e.g. an «Ansvarlig» from an imported list who is not a
    /// user (yet), so the potential can be linked to a user later.
    #[serde(default)]
    pub contact_name: Option<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Lifecycle status.
    pub status: Status,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1 and grows by one on every change.
    pub version: i64,
}

/// Input for creating or editing a potential, as sent by the API or a form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PotentialDraft {
    /// Title, 3–200 characters.
    #[serde(default)]
    pub title: String,
    /// Description, up to 10,000 characters.
    #[serde(default)]
    pub description: String,
    /// Unit (required).
    pub unit_id: Option<UnitId>,
    /// Fagområde.
    pub fagomraade_id: Option<FagomraadeId>,
    /// Technology type.
    pub technology_id: Option<TechnologyId>,
    /// Source, by API name; defaults to `employee_proposal`.
    pub source: Option<String>,
    /// Benefit owner (gevinstejer).
    pub benefit_owner: Option<UserId>,
    /// Digital agent.
    pub digital_agent: Option<UserId>,
    /// Contact person by name (not a user), up to 200 characters; empty is none.
    #[serde(default)]
    pub contact_name: Option<String>,
    /// Tags, each 1–40 characters, at most 20.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A validated draft, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidPotential {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Unit.
    pub unit_id: UnitId,
    /// Fagområde.
    pub fagomraade_id: Option<FagomraadeId>,
    /// Technology type.
    pub technology_id: Option<TechnologyId>,
    /// Source.
    pub source: Source,
    /// Benefit owner.
    pub benefit_owner: Option<UserId>,
    /// Digital agent.
    pub digital_agent: Option<UserId>,
    /// Contact person by name, cleaned; `None` when empty.
    pub contact_name: Option<String>,
    /// Tags, cleaned and deduplicated.
    pub tags: Vec<String>,
}

/// Answers whether referenced records exist in the tenant. The application layer
/// implements it from the tenant's lists.
pub trait References {
    /// Is this an active unit of the tenant?
    fn unit(&self, id: UnitId) -> bool;
    /// Is this a fagområde of the tenant?
    fn fagomraade(&self, id: FagomraadeId) -> bool;
    /// Is this a technology type of the tenant?
    fn technology(&self, id: TechnologyId) -> bool;
    /// Is this an active user of the tenant?
    fn user(&self, id: UserId) -> bool;
}

const CPR_MESSAGE: &str =
    "Feltet ser ud til at indeholde et CPR-nummer. Fjern eller maskér det: potentialer må ikke indeholde personoplysninger.";

impl PotentialDraft {
    /// Validates and cleans the draft. All problems are reported at once.
    pub fn validate(&self, refs: &dyn References) -> Result<ValidPotential, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = clean(&self.title, false);
        match char_len(&title) {
            0 => e.add("title", "required", "Titlen skal udfyldes."),
            1..=2 => e.add("title", "too_short", "Titlen skal være mindst 3 tegn."),
            n if n > 200 => e.add("title", "too_long", "Titlen må højst være 200 tegn."),
            _ => {}
        }
        if !cpr::find_cpr(&title).is_empty() {
            e.add("title", "cpr", CPR_MESSAGE);
        }
        let description = clean(&self.description, true);
        if char_len(&description) > 10_000 {
            e.add(
                "description",
                "too_long",
                "Beskrivelsen må højst være 10.000 tegn.",
            );
        }
        if !cpr::find_cpr(&description).is_empty() {
            e.add("description", "cpr", CPR_MESSAGE);
        }
        match self.unit_id {
            None => e.add("unit_id", "required", "Vælg en enhed."),
            Some(u) if !refs.unit(u) => e.add("unit_id", "unknown", "Enheden findes ikke."),
            _ => {}
        }
        if self.fagomraade_id.is_some_and(|f| !refs.fagomraade(f)) {
            e.add("fagomraade_id", "unknown", "Fagområdet findes ikke.");
        }
        if self.technology_id.is_some_and(|t| !refs.technology(t)) {
            e.add("technology_id", "unknown", "Teknologitypen findes ikke.");
        }
        let source = match self
            .source
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Some(Source::EmployeeProposal),
            Some(s) => Source::parse(s),
        };
        if source.is_none() {
            e.add("source", "invalid", "Vælg en gyldig kilde.");
        }
        if self.benefit_owner.is_some_and(|u| !refs.user(u)) {
            e.add("benefit_owner", "unknown", "Gevinstejeren findes ikke.");
        }
        if self.digital_agent.is_some_and(|u| !refs.user(u)) {
            e.add(
                "digital_agent",
                "unknown",
                "Den digitale agent findes ikke.",
            );
        }
        let contact_name = self
            .contact_name
            .as_deref()
            .map(|n| clean(n, false))
            .filter(|n| !n.is_empty());
        if let Some(n) = &contact_name {
            if char_len(n) > 200 {
                e.add(
                    "contact_name",
                    "too_long",
                    "Kontaktpersonen må højst være 200 tegn.",
                );
            }
            if !cpr::find_cpr(n).is_empty() {
                e.add("contact_name", "cpr", CPR_MESSAGE);
            }
        }
        let mut tags: Vec<String> = Vec::new();
        for t in &self.tags {
            let t = clean(t, false);
            if t.is_empty() || tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                continue;
            }
            if char_len(&t) > 40 {
                e.add("tags", "too_long", "Et tag må højst være 40 tegn.");
                break;
            }
            if !cpr::find_cpr(&t).is_empty() {
                e.add("tags", "cpr", CPR_MESSAGE);
                break;
            }
            tags.push(t);
        }
        if tags.len() > 20 {
            e.add("tags", "too_many", "Højst 20 tags.");
        }
        // A missing unit or source has already been reported in `e`.
        let (Some(unit_id), Some(source)) = (self.unit_id, source) else {
            return Err(e);
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidPotential {
            title,
            description,
            unit_id,
            fagomraade_id: self.fagomraade_id,
            technology_id: self.technology_id,
            source,
            benefit_owner: self.benefit_owner,
            digital_agent: self.digital_agent,
            contact_name,
            tags,
        })
    }
}

impl ValidPotential {
    /// The lower-cased, folded text that list searches match against (see
    /// [`search_fold`]).
    pub fn search_text(&self) -> String {
        search_fold(&format!(
            "{} {} {}",
            self.title,
            self.description,
            self.tags.join(" ")
        ))
    }
}

impl Potential {
    /// The editable fields as a draft, e.g. to fill an edit form.
    pub fn to_draft(&self) -> PotentialDraft {
        PotentialDraft {
            title: self.title.clone(),
            description: self.description.clone(),
            unit_id: Some(self.unit_id),
            fagomraade_id: self.fagomraade_id,
            technology_id: self.technology_id,
            source: Some(self.source.as_str().to_owned()),
            benefit_owner: self.benefit_owner,
            digital_agent: self.digital_agent,
            contact_name: self.contact_name.clone(),
            tags: self.tags.clone(),
        }
    }

    /// This potential with the validated fields applied (for computing the audit diff).
    pub fn with(&self, v: &ValidPotential) -> Potential {
        Potential {
            title: v.title.clone(),
            description: v.description.clone(),
            unit_id: v.unit_id,
            fagomraade_id: v.fagomraade_id,
            technology_id: v.technology_id,
            source: v.source,
            benefit_owner: v.benefit_owner,
            digital_agent: v.digital_agent,
            contact_name: v.contact_name.clone(),
            tags: v.tags.clone(),
            ..self.clone()
        }
    }
}

/// A recorded status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    /// Potential.
    pub potential_id: PotentialId,
    /// From.
    pub from: Status,
    /// To.
    pub to: Status,
    /// Reason, required for afvist and parkeret.
    pub reason: Option<String>,
    /// Who.
    pub user_id: Option<UserId>,
    /// When.
    pub at: DateTime<Utc>,
}

/// What a list of potentials can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Title, alphabetically.
    Title,
    /// Status in lifecycle order.
    Status,
    /// Creation time.
    Created,
    /// Last change (default).
    #[default]
    Updated,
    /// Unit name.
    Unit,
}

impl SortKey {
    /// Parses the API name.
    pub fn parse(s: &str) -> Option<SortKey> {
        match s.trim() {
            "title" => Some(SortKey::Title),
            "status" => Some(SortKey::Status),
            "created" => Some(SortKey::Created),
            "updated" => Some(SortKey::Updated),
            "unit" => Some(SortKey::Unit),
            _ => None,
        }
    }

    /// Stable API name.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Title => "title",
            SortKey::Status => "status",
            SortKey::Created => "created",
            SortKey::Updated => "updated",
            SortKey::Unit => "unit",
        }
    }
}

/// A filtered, sorted page of potentials. Built by the application layer from request
/// parameters; the store only executes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PotentialQuery {
    /// Only these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Only these units (already expanded to sub-units); `None`: all.
    pub unit_ids: Option<Vec<UnitId>>,
    /// Only this fagområde.
    pub fagomraade_id: Option<FagomraadeId>,
    /// Only this technology type.
    pub technology_id: Option<TechnologyId>,
    /// Text that must occur in title, description or tags (already a [`search_fold`]).
    pub text: Option<String>,
    /// Technology types whose name matches `text`: their potentials match the text too
    /// ("RPA" finds every potential of the technology "RPA/softwarerobot"). Ignored without
    /// `text`.
    pub text_technology_ids: Vec<TechnologyId>,
    /// Sort key.
    pub sort: SortKey,
    /// Descending order.
    pub descending: bool,
    /// Page number, from 1.
    pub page: u32,
    /// Rows per page, 1–200.
    pub per_page: u32,
}

impl Default for PotentialQuery {
    fn default() -> Self {
        PotentialQuery {
            statuses: Vec::new(),
            unit_ids: None,
            fagomraade_id: None,
            technology_id: None,
            text: None,
            text_technology_ids: Vec::new(),
            sort: SortKey::Updated,
            descending: true,
            page: 1,
            per_page: 50,
        }
    }
}

impl PotentialQuery {
    /// Largest page size.
    pub const MAX_PER_PAGE: u32 = 200;

    /// Offset of the first row.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.max(1) - 1) * u64::from(self.per_page)
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Rows matching the filter across all pages.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

impl<T> Page<T> {
    /// Number of pages (at least 1).
    pub fn pages(&self) -> u32 {
        let per = u64::from(self.per_page.max(1));
        u32::try_from(self.total.div_ceil(per).max(1)).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct AllExist;
    impl References for AllExist {
        fn unit(&self, id: UnitId) -> bool {
            id.0 < 100
        }
        fn fagomraade(&self, id: FagomraadeId) -> bool {
            id.0 < 100
        }
        fn technology(&self, id: TechnologyId) -> bool {
            id.0 < 100
        }
        fn user(&self, id: UserId) -> bool {
            id.0 < 100
        }
    }

    fn draft() -> PotentialDraft {
        PotentialDraft {
            title: "  Robot til sygedagpengeopfølgning ".into(),
            description: "Manuel indtastning af oplysninger\r\nfra to systemer.".into(),
            unit_id: Some(UnitId(1)),
            tags: vec!["RPA".into(), " rpa ".into(), "".into(), "Jobcenter".into()],
            ..Default::default()
        }
    }

    #[test]
    fn valid_draft_is_cleaned() {
        let v = draft().validate(&AllExist).unwrap();
        assert_eq!(v.title, "Robot til sygedagpengeopfølgning");
        assert_eq!(
            v.description,
            "Manuel indtastning af oplysninger\nfra to systemer."
        );
        assert_eq!(v.tags, vec!["RPA", "Jobcenter"]);
        assert_eq!(v.source, Source::EmployeeProposal);
        assert!(v.search_text().contains("sygedagpengeopfoelgning"));
        assert_eq!(v.contact_name, None);
        let named = PotentialDraft {
            contact_name: Some("  Jens Hansen ".into()),
            ..draft()
        };
        let v = named.validate(&AllExist).unwrap();
        assert_eq!(v.contact_name.as_deref(), Some("Jens Hansen"));
        let blank = PotentialDraft {
            contact_name: Some("  ".into()),
            ..draft()
        };
        assert_eq!(blank.validate(&AllExist).unwrap().contact_name, None);
        let bad = PotentialDraft {
            contact_name: Some("Jens 010203-1234".into()),
            ..draft()
        };
        let e = bad.validate(&AllExist).unwrap_err();
        assert_eq!(e.0[0].field, "contact_name");
    }

    #[test]
    fn every_problem_is_reported() {
        let d = PotentialDraft {
            title: "ab".into(),
            description: "Borgeren 010203-1234 ringer dagligt".into(),
            unit_id: Some(UnitId(500)),
            fagomraade_id: Some(FagomraadeId(500)),
            technology_id: Some(TechnologyId(500)),
            source: Some("rygte".into()),
            benefit_owner: Some(UserId(500)),
            digital_agent: Some(UserId(500)),
            contact_name: None,
            tags: vec!["x".repeat(41)],
        };
        let e = d.validate(&AllExist).unwrap_err();
        let codes: Vec<(&str, &str)> =
            e.0.iter()
                .map(|e| (e.field.as_str(), e.code.as_str()))
                .collect();
        assert_eq!(
            codes,
            [
                ("title", "too_short"),
                ("description", "cpr"),
                ("unit_id", "unknown"),
                ("fagomraade_id", "unknown"),
                ("technology_id", "unknown"),
                ("source", "invalid"),
                ("benefit_owner", "unknown"),
                ("digital_agent", "unknown"),
                ("tags", "too_long"),
            ]
        );
    }

    #[test]
    fn missing_unit_and_title() {
        let e = PotentialDraft::default().validate(&AllExist).unwrap_err();
        assert_eq!(e.message_for("title"), Some("Titlen skal udfyldes."));
        assert_eq!(e.message_for("unit_id"), Some("Vælg en enhed."));
    }

    #[test]
    fn paging() {
        let p: Page<u8> = Page {
            items: vec![],
            total: 101,
            page: 1,
            per_page: 50,
        };
        assert_eq!(p.pages(), 3);
        let q = PotentialQuery {
            page: 3,
            per_page: 50,
            ..Default::default()
        };
        assert_eq!(q.offset(), 100);
    }
}
