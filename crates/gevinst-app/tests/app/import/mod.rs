//! The import use cases on a real SQLite store: the export → import round trip, all or
//! nothing, only the valid rows, update / new / duplicate, value mapping, the CPR guard
//! and permissions.

mod cpr_and_csv;
mod decisions;
mod generic_files;
mod round_trip;
mod unit_path;
mod values;

use gevinst_testkit::{dec, principal, sqlite_store, valid_potential};

use gevinst_app::auth::Principal;
use gevinst_app::export::{ExportFormat, ExportOptions};
use gevinst_app::import::{
    self, ImportChoices, ImportInput, Importer, RowAction, UnknownValue, ValueChoice,
    ValueDecision, ValueKind,
};
use gevinst_app::potentials::TenantLists;
use gevinst_app::AppError;
use gevinst_domain::business_case::{
    BusinessCase, Channel, InvisibleCategory, Line, LineKind, Risk,
};
use gevinst_domain::{
    AuditAction, AuditDraft, EntityKind, Potential, PotentialDraft, PotentialQuery, Role, Slug,
    SortKey, Source, Status, Tenant, TenantId, UnitId, ValidPotential,
};
use gevinst_sheets::import::{Limits, Mapping};
use gevinst_store::prelude::*;
use gevinst_store::Catalogue;

async fn tenant(store: &DynStore, slug: &str) -> Tenant {
    store
        .create_tenant(&Slug::parse(slug).unwrap(), "Kommune")
        .await
        .unwrap()
}

async fn all_potentials(store: &DynStore, t: TenantId) -> Vec<Potential> {
    let q = PotentialQuery {
        sort: SortKey::Created,
        descending: false,
        per_page: 200,
        ..PotentialQuery::default()
    };
    let mut items = store.list_potentials(t, &q).await.unwrap().items;
    items.sort_by_key(|p| p.id);
    items
}

fn input<'a>(bytes: &'a [u8], limits: &'a Limits) -> ImportInput<'a> {
    ImportInput {
        bytes,
        filename: "potentialer.csv",
        sheet: None,
        mapping: None,
        limits,
    }
}

fn actions(p: &import::ImportPreview) -> Vec<(u32, RowAction)> {
    p.rows.iter().map(|r| (r.row, r.action)).collect()
}
