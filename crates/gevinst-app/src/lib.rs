//! Application services for gevinst.
//!
//! The web UI, the JSON API and the CLI all go through this crate, so a rule is checked in
//! one place: authentication ([`auth`]), authorisation (the domain's [`gevinst_domain::access`]
//! rules applied to stored data) and the use cases that change data ([`potentials`],
//! [`business_cases`], [`programmes`], [`admin`], and the operator's [`operator`]). It
//! depends on the pure domain and on the [`gevinst_store::Store`] trait, never on a concrete
//! database or on HTTP.
//!
//! The door is [`App`]: it owns the store and everything shared by the requests of one
//! process, and lends a handle per area whose methods are the use cases
//! (`app.programmes().list(&who)`). The types the callers need from the store and the
//! spreadsheet crate are re-exported where they are used (e.g.
//! [`programmes::StoredProgramme`], [`import::Mapping`]).
#![deny(missing_docs)]

pub mod actuals;
pub mod admin;
mod app;
pub mod auth;
pub mod bulk;
pub mod business_cases;
pub mod calendar;
mod common;
pub mod compute;
mod error;
pub mod export;
pub mod front;
pub mod import;
pub mod maintenance;
pub mod measurements;
pub mod operator;
pub mod password;
pub mod potential_list;
pub mod potentials;
pub mod programmes;
pub mod reminders;
pub mod slots;

pub use app::{
    Admin, App, Auth, BusinessCases, Exports, Front, Imports, Maintenance, Operator, Potentials,
    Programmes, Uploads,
};
pub use error::AppError;

/// Result type of the services.
pub type Result<T, E = AppError> = std::result::Result<T, E>;
