//! The fixtures every gevinst crate's tests share, so that each test binary builds its
//! world the same way:
//!
//! - [`TestDb`]: a fresh, migrated database on SQLite, or on PostgreSQL when
//!   `GEVINST_TEST_POSTGRES_URL` names a server (required when `CI` is set or
//!   `GEVINST_REQUIRE_POSTGRES=1`); [`on_both_databases!`] runs one story on each.
//!   [`PgDatabase`] is an empty PostgreSQL database for tests that start the binary, and
//!   [`sqlite_store`] a plain SQLite store behind [`DynStore`].
//! - [`seed_tenant`]: a tenant with units and one user of every role, each with a bearer
//!   token and the password [`PASSWORD`]; [`principal`] resolves a user the way the API
//!   does.
//! - [`sample_business_case`]: a business case with every kind of line, awkward decimals
//!   and a risk.
//! - [`messy_workbook`]: a realistic, messy municipal list of potentials (.xlsx) from a
//!   seed and a size, with the outcome a correct import gives ([`MessyExpected`]).
//! - [`dec`]: a decimal from a literal (`"1.5"` or `"1,5"`) or from an API response's
//!   decimal string.
//!
//! This crate is `publish = false` and only ever a dev-dependency. It may depend on the
//! store and the spreadsheets crate; the web crate's tests reach them only through the
//! re-exports in [`store`] and [`sheets`], so that the web crate itself never depends on
//! them.
//!
//! ```
//! use gevinst_testkit::dec;
//!
//! assert_eq!(dec("1,5"), dec("1.5"));
//! assert_eq!(dec(&serde_json::json!("1924.50")), dec("1924,5"));
//! ```

#![deny(missing_docs)]

mod case;
mod db;
mod messy_workbook;
mod world;

pub use case::sample_business_case;
pub use db::{
    http_store, memory_store, postgres_admin_url, postgres_required, sqlite_store, Concrete,
    PgDatabase, TestDb,
};
pub use messy_workbook::{
    messy_known_units, messy_workbook, CatalogueKind, MessyExpected, MessyRow, MessyWorkbook,
    NearCopy, Owner, DEFAULT_REASON, DEFAULT_ROWS, MESSY_HEADER, MESSY_SHEET, MIN_ROWS,
    NEW_TECHNOLOGY,
};
pub use world::{
    add_user, eksempel, foreign_potential, potential, principal, role_email, seed_tenant,
    seed_tenant_at, seed_tenant_for_case, tenant_with_manager, valid_potential, AllowAll, AsStore,
    SeededTenant, PASSWORD,
};

use gevinst_domain::business_case::Decimal;

/// What the store's tests and the web crate's tests use of the store: the area traits,
/// the shared handle, and the records and changes that only the store names.
pub mod store {
    pub use gevinst_store::prelude;
    pub use gevinst_store::{
        Catalogue, DynStore, ImportUploadChange, StoredActual, StoredBenefitPlan,
        StoredBusinessCase,
    };
}

/// What the web crate's tests use of the spreadsheets crate: reading a portfolio export
/// back, to check that a download holds what is stored.
pub mod sheets {
    pub use gevinst_sheets::export::portfolio::read_workbook;
}

/// The store's shared handle.
pub use gevinst_store::DynStore;

/// Text that holds a decimal: a literal, or a decimal string of an API response.
pub trait DecimalText {
    /// The text, or a panic naming what was not text.
    fn decimal_text(&self) -> &str;
}

impl DecimalText for str {
    fn decimal_text(&self) -> &str {
        self
    }
}

impl DecimalText for serde_json::Value {
    fn decimal_text(&self) -> &str {
        self.as_str()
            .unwrap_or_else(|| panic!("decimal string expected, got {self}"))
    }
}

/// A decimal from text: `"1.5"`, or the Danish way `"1,5"` (then points are thousands
/// separators, `"1.924,5"`), or an API response's decimal string (`&body["kr"]`).
/// Panics on anything else, naming it.
pub fn dec<T: DecimalText + ?Sized>(text: &T) -> Decimal {
    let text = text.decimal_text();
    let parsed = if text.contains(',') {
        text.replace('.', "").replace(',', ".").parse()
    } else {
        text.parse()
    };
    parsed.unwrap_or_else(|e| panic!("{text:?} is not a decimal: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_read_both_ways() {
        assert_eq!(dec("1,5").to_string(), "1.5");
        assert_eq!(dec("1.5").to_string(), "1.5");
        assert_eq!(dec("1.924,50").to_string(), "1924.50");
        assert_eq!(dec("-0,01").to_string(), "-0.01");
        assert_eq!(dec(&serde_json::json!("60000")).to_string(), "60000");
    }

    #[test]
    #[should_panic(expected = "decimal string expected")]
    fn a_json_number_is_not_a_decimal_string() {
        dec(&serde_json::json!(1.5));
    }

    #[test]
    #[should_panic(expected = "is not a decimal")]
    fn nonsense_is_refused() {
        dec("1,5 kr.");
    }
}
