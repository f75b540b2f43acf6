//! The pure domain of gevinst: types, rules, validation and (later) calculations.
//!
//! This crate does no I/O: no database, no HTTP, no clock reads except where a caller
//! passes a time in. Everything a municipality's digitalisation programme decides about
//! its data lives here, so the storage and web layers only carry data.
//!
//! Key types:
//! - [`Potential`] (*potentiale*): an improvement idea with an expected gain.
//! - [`Status`]: the lifecycle of a potential, with [`Status::transition`] enforcing the
//!   allowed moves and the need for a reason.
//! - [`Role`] and [`Actor`]: who may do what ([`access`]).
//! - [`UnitTree`]: the organisation (forvaltning → enhed, any depth).
//! - [`FieldErrors`]: validation errors with machine-readable codes and Danish messages.
//! - [`business_case`]: exact business-case results, Monte Carlo and sensitivity.
//! - [`programme`]: programmes, targets, distribution keys, benefit plans, actuals, the
//!   programme overview and the forecast of reaching the targets.
//!
//! ```
//! use gevinst_domain::{Status, StatusChangeError};
//! assert!(Status::Ide.transition(Status::Vurderet, None).is_ok());
//! // Rejecting needs a reason.
//! assert_eq!(
//!     Status::Ide.transition(Status::Afvist, Some("  ")),
//!     Err(StatusChangeError::ReasonRequired)
//! );
//! ```
#![deny(missing_docs)]

pub mod access;
pub mod audit;
pub mod audit_chain;
pub mod business_case;
pub mod cpr;
pub mod danish;
pub mod glossary;
pub mod ids;
pub mod json_number;
pub mod lifecycle;
pub mod login_throttle;
pub mod potential;
pub mod potential_list;
pub mod programme;
pub mod reminder;
pub mod sso;
pub mod status;
pub mod status_words;
pub mod tenant;
pub mod text;
pub mod unit;
pub mod user;
pub mod validation;

pub use access::{Actor, Permission};
pub use audit::{AuditAction, AuditDraft, AuditEntry, EntityKind, FieldChange};
pub use ids::{FagomraadeId, PotentialId, ProgrammeId, TechnologyId, TenantId, UnitId, UserId};
pub use potential::{
    Page, Potential, PotentialDraft, PotentialQuery, References, SortKey, Source, StatusChange,
    ValidPotential,
};
pub use status::{Status, StatusChangeError};
pub use tenant::{CatalogueItem, Slug, Tenant, DEFAULT_FAGOMRAADER, DEFAULT_TECHNOLOGIES};
pub use unit::{Unit, UnitTree};
pub use user::{Email, NewUserDraft, Role, User, ValidUser};
pub use validation::{FieldError, FieldErrors};
