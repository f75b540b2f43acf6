//! The conformance story: one suite, written against `&dyn Store`, run on SQLite always and
//! on PostgreSQL when `GEVINST_TEST_POSTGRES_URL` is set (see `main.rs`), one module per
//! topic.
//!
//! Every story gets a fresh database. Expected values are worked out by hand.

mod audit;
mod business_cases;
mod listing;
mod tenants;
mod users;

use chrono::{Duration, TimeZone, Utc};
use gevinst_domain::business_case::Economics;
use gevinst_domain::login_throttle::KeyHistory;
use gevinst_domain::{
    AuditAction, AuditDraft, Email, EntityKind, FagomraadeId, FieldChange, PotentialId,
    PotentialQuery, Role, Slug, SortKey, Status, TechnologyId, Tenant, TenantId, UnitId, UserId,
    ValidPotential, ValidUser,
};
use gevinst_store::prelude::*;
use gevinst_store::{Catalogue, ErrorKind, SessionRecord, StoreError};
use serde_json::json;

// ---------------------------------------------------------------- helpers

fn kind<T: std::fmt::Debug>(r: Result<T, StoreError>) -> ErrorKind {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.kind(),
    }
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("slug")
}

fn vuser(email: &str, name: &str, role: Role, units: Vec<UnitId>) -> ValidUser {
    ValidUser {
        email: Email::parse(email).expect("email"),
        name: name.into(),
        role,
        units,
    }
}

/// Two tenants with a unit, a user and a potential each.
struct World {
    a: Tenant,
    b: Tenant,
    a_unit: UnitId,
    b_unit: UnitId,
    a_user: UserId,
    b_user: UserId,
    a_pot: PotentialId,
    b_pot: PotentialId,
    b_fag: FagomraadeId,
    b_tech: TechnologyId,
}

async fn world(s: &dyn Store) -> World {
    let a = s
        .create_tenant(&slug("alpha"), "Alpha Kommune")
        .await
        .unwrap();
    let b = s
        .create_tenant(&slug("beta"), "Beta Kommune")
        .await
        .unwrap();
    let a_unit = s
        .create_unit(a.id, None, None, "Social A")
        .await
        .unwrap()
        .id;
    let b_unit = s
        .create_unit(b.id, None, None, "Social B")
        .await
        .unwrap()
        .id;
    let a_user = s
        .create_user(
            a.id,
            None,
            &vuser("anna@a.dk", "Anna", Role::Admin, vec![]),
            "hash-a",
        )
        .await
        .unwrap()
        .id;
    let b_user = s
        .create_user(
            b.id,
            None,
            &vuser("bo@b.dk", "Bo", Role::Admin, vec![]),
            "hash-b",
        )
        .await
        .unwrap()
        .id;
    let a_pot = s
        .create_potential(
            a.id,
            Some(a_user),
            &gevinst_testkit::valid_potential("Robot A", a_unit),
            Status::Ide,
            Some(a_user),
        )
        .await
        .unwrap()
        .id;
    let b_pot = s
        .create_potential(
            b.id,
            Some(b_user),
            &gevinst_testkit::valid_potential("Robot B", b_unit),
            Status::Ide,
            Some(b_user),
        )
        .await
        .unwrap()
        .id;
    let b_fag = FagomraadeId(
        s.list_catalogue(b.id, Catalogue::Fagomraader)
            .await
            .unwrap()[0]
            .id,
    );
    let b_tech = TechnologyId(
        s.list_catalogue(b.id, Catalogue::Technologies)
            .await
            .unwrap()[0]
            .id,
    );
    World {
        a,
        b,
        a_unit,
        b_unit,
        a_user,
        b_user,
        a_pot,
        b_pot,
        b_fag,
        b_tech,
    }
}
