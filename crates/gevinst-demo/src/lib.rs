//! The demo tenant of gevinst: the seed data `gevinst serve --demo` loads into an empty
//! database. Used by the CLI and by tests only.
//!
//! [`generate`] builds the whole demo as plain data, deterministically from a seed: the
//! organisation of "Eksempel Kommune" (five forvaltninger with their enheder), one user per
//! role, and [`DEMO_POTENTIALS`] potentials with Danish titles and descriptions composed
//! from per-area and per-technology templates. It does no I/O, so tests can check it.
//!
//! [`demo_programme`] adds, just as deterministically, the programme
//! [`DEMO_PROGRAMME_NAME`] (2024–2027, 20 mio. kr. a year and 40 årsværk by 2027, with
//! milestones and distribution keys over the five forvaltninger), a benefits realisation
//! plan for every decided potential and actuals for 2024 and 2025: some ahead of plan,
//! more behind, harvests with budget references, reinvested time kept apart, and a chatbot
//! whose invisible work ran over and ate part of its gain.
//!
//! [`load_demo`] writes that data through the [`Store`](gevinst_store::Store) trait, but
//! only into a database that holds no tenant at all; on any other database it changes
//! nothing. It is a seed loader: the CLI calls it right after opening the store.
//!
//! ```
//! let a = gevinst_demo::generate(gevinst_demo::DEMO_SEED, 40);
//! let b = gevinst_demo::generate(gevinst_demo::DEMO_SEED, 40);
//! assert_eq!(a, b);
//! assert_eq!(a.potentials.len(), 40);
//! ```
//!
//! Inside, `texts` holds the Danish templates (static tables), `organisation` the units
//! and users, `potentials` [`generate`], `cases` the business cases, `programme`
//! [`demo_programme`] and `loading` [`load_demo`].
#![deny(missing_docs)]

use gevinst_domain::business_case::BusinessCase;
use gevinst_domain::{Role, Source, Status};

mod cases;
mod loading;
mod organisation;
mod potentials;
mod programme;
mod texts;

pub use cases::{business_case_draft, has_business_case};
pub use loading::load_demo;
pub use potentials::generate;
pub use programme::{
    demo_programme, DemoPlan, DemoProgramme, DEMO_ACTUAL_YEARS, DEMO_FTE_MILESTONES,
    DEMO_KR_MILESTONES, DEMO_PROGRAMME_FIRST_YEAR, DEMO_PROGRAMME_LAST_YEAR, DEMO_PROGRAMME_NAME,
    DEMO_TARGET_FTE, DEMO_TARGET_KR,
};

/// Slug of the demo tenant.
pub const DEMO_TENANT_SLUG: &str = "eksempel";
/// Display name of the demo tenant.
pub const DEMO_TENANT_NAME: &str = "Eksempel Kommune";
/// The one password shared by all demo users. It is public (printed and in the README),
/// so a demo database must never hold real data.
pub const DEMO_PASSWORD: &str = "demo-gevinst-2024";
/// Number of demo potentials: as many as Kalundborg found in its workshops.
pub const DEMO_POTENTIALS: usize = 331;
/// The fixed seed of the demo data.
pub const DEMO_SEED: u64 = 2023;

/// A demo unit. `parent` indexes [`DemoData::units`]; parents come before their children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUnit {
    /// Name, unique within the demo.
    pub name: &'static str,
    /// Index of the parent unit.
    pub parent: Option<usize>,
}

/// A demo user. `units` index [`DemoData::units`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    /// Login e-mail.
    pub email: &'static str,
    /// Full name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// Assigned units.
    pub units: Vec<usize>,
}

/// A demo potential with its references as indexes into the demo's own lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPotential {
    /// Title.
    pub title: String,
    /// Description (2–4 sentences).
    pub description: String,
    /// Index into [`DemoData::units`].
    pub unit: usize,
    /// Index into [`DEFAULT_FAGOMRAADER`](gevinst_domain::DEFAULT_FAGOMRAADER).
    pub fagomraade: usize,
    /// Index into [`DEFAULT_TECHNOLOGIES`](gevinst_domain::DEFAULT_TECHNOLOGIES).
    pub technology: usize,
    /// Source.
    pub source: Source,
    /// Status.
    pub status: Status,
    /// Index into [`DemoData::users`].
    pub submitted_by: Option<usize>,
    /// Index into [`DemoData::users`] (the leder, where the unit is theirs).
    pub benefit_owner: Option<usize>,
    /// Index into [`DemoData::users`] (the digital agent, where the unit is theirs).
    pub digital_agent: Option<usize>,
    /// Tags.
    pub tags: Vec<String>,
    /// The business case, for potentials from "business case" onwards (see
    /// [`has_business_case`]); `None` for earlier and closed ones.
    pub business_case: Option<BusinessCase>,
}

/// The whole demo as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoData {
    /// The organisation, parents first.
    pub units: Vec<DemoUnit>,
    /// One user per role.
    pub users: Vec<DemoUser>,
    /// The potentials.
    pub potentials: Vec<DemoPotential>,
}

/// What [`load_demo`] created, for printing the logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    /// Slug of the demo tenant.
    pub tenant_slug: String,
    /// `(e-mail, role label)` of each demo user.
    pub logins: Vec<(String, String)>,
    /// The shared demo password.
    pub password: String,
    /// Number of potentials created.
    pub potentials: usize,
    /// Number of business cases created.
    pub business_cases: usize,
    /// Number of benefits realisation plans created.
    pub benefit_plans: usize,
    /// Number of actuals recorded.
    pub actuals: usize,
}

#[cfg(test)]
mod tests;
