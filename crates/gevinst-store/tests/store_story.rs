//! The conformance story: one suite, written against `&dyn Store`, run on SQLite always and
//! on PostgreSQL when `GEVINST_TEST_POSTGRES_URL` is set (see `common`).
//!
//! Every story gets a fresh database. Expected values are worked out by hand.

#[macro_use]
mod common;

use chrono::{Duration, TimeZone, Utc};
use common::TestDb;
use gevinst_domain::business_case::{
    BusinessCase, Channel, Decimal, Economics, InvisibleCategory, Line, LineKind, Risk,
};
use gevinst_domain::login_throttle::KeyHistory;
use gevinst_domain::{
    AuditAction, AuditDraft, Email, EntityKind, FagomraadeId, FieldChange, PotentialId,
    PotentialQuery, Role, Slug, SortKey, Status, TechnologyId, Tenant, TenantId, UnitId, UserId,
    ValidPotential, ValidUser,
};
use gevinst_store::prelude::*;
use gevinst_store::{Catalogue, ErrorKind, SessionRecord, StoreError};
use serde_json::json;

on_both_databases!(
    tenants_and_catalogues,
    tenant_isolation,
    versions_and_audit,
    audit_log_is_append_only,
    batch_is_all_or_nothing,
    listing_filters_sorting_paging,
    counts,
    users_sessions_tokens,
    units,
    concurrent_writers,
    business_case_round_trip,
    business_case_conflicts_and_isolation,
    economics_settings,
);

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
            &common::valid_potential("Robot A", a_unit),
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
            &common::valid_potential("Robot B", b_unit),
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

// ---------------------------------------------------------------- stories

async fn tenants_and_catalogues(db: &TestDb) {
    let s = db.store();
    assert!(s.health().await.is_ok());
    assert!(["sqlite", "postgres"].contains(&s.backend()));
    assert!(s.is_empty().await.unwrap());

    let z = s
        .create_tenant(&slug("zulu"), "Zulu Kommune")
        .await
        .unwrap();
    let a = s
        .create_tenant(&slug("alpha"), "Alpha Kommune")
        .await
        .unwrap();
    assert_eq!(z.version, 1);
    assert!(!s.is_empty().await.unwrap());
    assert_eq!(
        kind(s.create_tenant(&slug("alpha"), "Igen").await),
        ErrorKind::Duplicate
    );

    let slugs: Vec<String> = s
        .list_tenants()
        .await
        .unwrap()
        .iter()
        .map(|t| t.slug.to_string())
        .collect();
    assert_eq!(slugs, ["alpha", "zulu"]);
    assert_eq!(s.tenant_by_slug("zulu").await.unwrap(), z);
    assert_eq!(s.tenant(a.id).await.unwrap(), a);
    assert_eq!(kind(s.tenant_by_slug("nope").await), ErrorKind::NotFound);
    assert_eq!(kind(s.tenant(TenantId(987_654)).await), ErrorKind::NotFound);

    // Default lists, in order, for each tenant separately.
    let fag = s
        .list_catalogue(a.id, Catalogue::Fagomraader)
        .await
        .unwrap();
    let names: Vec<&str> = fag.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, gevinst_domain::DEFAULT_FAGOMRAADER);
    assert_eq!(
        fag.iter().map(|f| f.position).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert!(fag.iter().all(|f| f.active));
    let tech = s
        .list_catalogue(z.id, Catalogue::Technologies)
        .await
        .unwrap();
    assert_eq!(
        tech.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        gevinst_domain::DEFAULT_TECHNOLOGIES
    );

    // Renaming with optimistic concurrency.
    let renamed = s
        .update_tenant(a.id, None, 1, "Alfa Kommune")
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.version),
        ("Alfa Kommune", 2)
    );
    assert_eq!(
        kind(s.update_tenant(a.id, None, 1, "Stale").await),
        ErrorKind::Conflict
    );
    assert_eq!(s.tenant(a.id).await.unwrap().name, "Alfa Kommune");
    assert_eq!(
        kind(s.update_tenant(TenantId(987_654), None, 1, "X").await),
        ErrorKind::NotFound
    );

    let log = s.audit_for(a.id, EntityKind::Tenant, a.id.0).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].action, AuditAction::Create);
    assert!(log[0].changes.contains(&FieldChange {
        field: "slug".into(),
        before: json!(null),
        after: json!("alpha")
    }));
    assert_eq!(log[1].action, AuditAction::Update);
    assert_eq!(
        log[1].changes,
        vec![FieldChange {
            field: "name".into(),
            before: json!("Alpha Kommune"),
            after: json!("Alfa Kommune")
        }]
    );

    // Catalogue entries: appended at the end, unique per tenant, renamed and deactivated.
    let item = s
        .add_catalogue_item(a.id, None, Catalogue::Fagomraader, "Kultur og fritid")
        .await
        .unwrap();
    assert_eq!(item.position, 6);
    assert_eq!(
        kind(
            s.add_catalogue_item(a.id, None, Catalogue::Fagomraader, "Kultur og fritid")
                .await
        ),
        ErrorKind::Duplicate
    );
    assert_eq!(
        kind(
            s.add_catalogue_item(a.id, None, Catalogue::Fagomraader, "Beskæftigelse")
                .await
        ),
        ErrorKind::Duplicate
    );
    // The same name in another tenant is fine.
    assert_eq!(
        s.add_catalogue_item(z.id, None, Catalogue::Fagomraader, "Kultur og fritid")
            .await
            .unwrap()
            .position,
        6
    );
    let t = s
        .add_catalogue_item(a.id, None, Catalogue::Technologies, "Droner")
        .await
        .unwrap();
    assert_eq!(t.position, 11);
    let upd = s
        .update_catalogue_item(a.id, None, Catalogue::Fagomraader, item.id, "Kultur", false)
        .await
        .unwrap();
    assert_eq!(
        (upd.name.as_str(), upd.active, upd.position),
        ("Kultur", false, 6)
    );
    assert_eq!(
        kind(
            s.update_catalogue_item(
                a.id,
                None,
                Catalogue::Fagomraader,
                item.id,
                "Beskæftigelse",
                true
            )
            .await
        ),
        ErrorKind::Duplicate
    );
    assert_eq!(
        kind(
            s.update_catalogue_item(a.id, None, Catalogue::Technologies, 987_654, "X", true)
                .await
        ),
        ErrorKind::NotFound
    );
    let log = s
        .audit_for(a.id, EntityKind::Fagomraade, item.id)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(
        log[1].changes,
        vec![
            FieldChange {
                field: "active".into(),
                before: json!(true),
                after: json!(false)
            },
            FieldChange {
                field: "name".into(),
                before: json!("Kultur og fritid"),
                after: json!("Kultur")
            },
        ]
    );
    assert_eq!(
        s.list_catalogue(a.id, Catalogue::Fagomraader)
            .await
            .unwrap()
            .len(),
        6
    );
}

async fn tenant_isolation(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let (a, nf) = (w.a.id, ErrorKind::NotFound);

    // Reads of B's records through tenant A.
    assert_eq!(kind(s.potential(a, w.b_pot).await), nf);
    assert_eq!(kind(s.status_history(a, w.b_pot).await), nf);
    assert_eq!(
        kind(s.audit_for(a, EntityKind::Potential, w.b_pot.0).await),
        nf
    );
    assert_eq!(kind(s.audit_for(a, EntityKind::User, w.b_user.0).await), nf);
    assert_eq!(kind(s.audit_for(a, EntityKind::Unit, w.b_unit.0).await), nf);
    assert_eq!(kind(s.audit_for(a, EntityKind::Tenant, w.b.id.0).await), nf);
    assert_eq!(kind(s.user(a, w.b_user).await), nf);
    assert_eq!(kind(s.user_credentials(a, "bo@b.dk").await), nf);
    assert!(s.potential(a, w.a_pot).await.is_ok());

    // Writes to B's records through tenant A.
    let b_before = s.potential(w.b.id, w.b_pot).await.unwrap();
    let audit = AuditDraft {
        entity: EntityKind::Potential,
        entity_id: w.b_pot.0,
        action: AuditAction::Update,
        user_id: Some(w.a_user),
        actor: None,
        changes: vec![],
        reason: None,
    };
    assert_eq!(
        kind(
            s.update_potential(
                a,
                w.b_pot,
                1,
                &common::valid_potential("Kapret", w.a_unit),
                &audit
            )
            .await
        ),
        nf
    );
    assert_eq!(
        kind(
            s.change_status(
                a,
                Some(w.a_user),
                w.b_pot,
                1,
                Status::Ide,
                Status::Vurderet,
                None
            )
            .await
        ),
        nf
    );
    assert_eq!(s.potential(w.b.id, w.b_pot).await.unwrap(), b_before);
    assert_eq!(
        kind(
            s.update_user(
                a,
                None,
                w.b_user,
                1,
                &vuser("x@a.dk", "X", Role::Laeser, vec![]),
                true
            )
            .await
        ),
        nf
    );
    assert_eq!(kind(s.set_password(a, None, w.b_user, "stolen").await), nf);
    assert_eq!(
        s.user_credentials(w.b.id, "bo@b.dk")
            .await
            .unwrap()
            .password_hash,
        "hash-b"
    );
    assert_eq!(
        kind(s.update_unit(a, None, w.b_unit, None, "Kapret", true).await),
        nf
    );
    assert_eq!(
        kind(
            s.update_catalogue_item(a, None, Catalogue::Fagomraader, w.b_fag.0, "Kapret", true)
                .await
        ),
        nf
    );
    assert_eq!(
        kind(
            s.update_catalogue_item(a, None, Catalogue::Technologies, w.b_tech.0, "Kapret", true)
                .await
        ),
        nf
    );
    assert_eq!(
        s.list_catalogue(w.b.id, Catalogue::Fagomraader)
            .await
            .unwrap()[0]
            .name,
        "Beskæftigelse"
    );
    assert_eq!(s.list_units(w.b.id).await.unwrap()[0].name, "Social B");

    // References from A's records into B.
    assert_eq!(
        kind(
            s.create_potential(
                a,
                None,
                &common::valid_potential("B's unit", w.b_unit),
                Status::Ide,
                None
            )
            .await
        ),
        nf
    );
    let with_fag = ValidPotential {
        fagomraade_id: Some(w.b_fag),
        ..common::valid_potential("B's fagområde", w.a_unit)
    };
    assert_eq!(
        kind(
            s.create_potential(a, None, &with_fag, Status::Ide, None)
                .await
        ),
        nf
    );
    let with_tech = ValidPotential {
        technology_id: Some(w.b_tech),
        ..common::valid_potential("B's technology", w.a_unit)
    };
    assert_eq!(
        kind(
            s.create_potential(a, None, &with_tech, Status::Ide, None)
                .await
        ),
        nf
    );
    let with_owner = ValidPotential {
        benefit_owner: Some(w.b_user),
        ..common::valid_potential("B's owner", w.a_unit)
    };
    assert_eq!(
        kind(
            s.create_potential(a, None, &with_owner, Status::Ide, None)
                .await
        ),
        nf
    );
    let with_agent = ValidPotential {
        digital_agent: Some(w.b_user),
        ..common::valid_potential("B's agent", w.a_unit)
    };
    assert_eq!(
        kind(
            s.create_potential(a, None, &with_agent, Status::Ide, None)
                .await
        ),
        nf
    );
    assert_eq!(
        kind(
            s.create_potential(
                a,
                None,
                &common::valid_potential("B submitted", w.a_unit),
                Status::Ide,
                Some(w.b_user)
            )
            .await
        ),
        nf
    );
    // Moving A's potential to B's unit.
    let audit_a = AuditDraft {
        entity_id: w.a_pot.0,
        ..audit.clone()
    };
    assert_eq!(
        kind(
            s.update_potential(
                a,
                w.a_pot,
                1,
                &common::valid_potential("Flyttet", w.b_unit),
                &audit_a
            )
            .await
        ),
        nf
    );
    assert_eq!(s.potential(a, w.a_pot).await.unwrap().version, 1);
    assert_eq!(
        kind(
            s.create_user(
                a,
                None,
                &vuser("c@a.dk", "C", Role::Leder, vec![w.b_unit]),
                "h"
            )
            .await
        ),
        nf
    );
    assert_eq!(
        kind(s.create_unit(a, None, Some(w.b_unit), "Under B").await),
        nf
    );
    assert_eq!(
        kind(
            s.update_unit(a, None, w.a_unit, Some(w.b_unit), "Social A", true)
                .await
        ),
        nf
    );
    assert_eq!(s.list_units(a).await.unwrap()[0].parent_id, None);

    // Lists and counts see only their own tenant.
    let page = s
        .list_potentials(a, &PotentialQuery::default())
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(
        page.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [w.a_pot]
    );
    let b_units: Vec<UnitId> = vec![w.b_unit];
    let q = PotentialQuery {
        unit_ids: Some(b_units),
        ..Default::default()
    };
    assert_eq!(s.list_potentials(a, &q).await.unwrap().total, 0);
    assert_eq!(s.potential_counts(a).await.unwrap().total, 1);
    assert_eq!(s.list_users(a).await.unwrap().len(), 1);
    assert_eq!(s.list_units(a).await.unwrap().len(), 1);

    // Sessions and tokens.
    let far = Utc::now() + Duration::hours(1);
    let sess = SessionRecord {
        token_hash: "b-session".into(),
        tenant_id: w.b.id,
        user_id: w.b_user,
        csrf_token: "csrf".into(),
        expires_at: far,
        last_seen_at: Utc::now(),
    };
    s.create_session(&sess, None).await.unwrap();
    s.delete_user_sessions(a, w.b_user, None).await.unwrap();
    assert!(
        s.session("b-session", Utc::now()).await.is_ok(),
        "A must not delete B's sessions"
    );
    // A session pairing tenant A with B's user cannot be stored.
    let mixed = SessionRecord {
        token_hash: "mixed".into(),
        tenant_id: a,
        ..sess.clone()
    };
    assert!(s.create_session(&mixed, None).await.is_err());
    let tok = s
        .create_api_token(w.b.id, Some(w.b_user), w.b_user, "cli", "b-token", None)
        .await
        .unwrap();
    assert_eq!(kind(s.revoke_api_token(a, w.b_user, tok.id).await), nf);
    assert_eq!(kind(s.revoke_api_token(w.b.id, w.a_user, tok.id).await), nf);
    let used = s.use_api_token("b-token", Utc::now(), None).await.unwrap();
    assert_eq!((used.tenant_id, used.user_id), (w.b.id, w.b_user));
    // Tenant A cannot revoke B's tokens.
    assert_eq!(s.revoke_user_tokens(a, None, w.b_user).await.unwrap(), 0);
    assert!(s.use_api_token("b-token", Utc::now(), None).await.is_ok());
    assert!(s.list_api_tokens(a, w.b_user).await.unwrap().is_empty());
    assert!(s
        .create_api_token(a, Some(w.b_user), w.b_user, "x", "mixed-token", None)
        .await
        .is_err());
}

async fn versions_and_audit(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let (a, me) = (w.a.id, Some(w.a_user));
    let created = s.potential(a, w.a_pot).await.unwrap();
    assert_eq!(
        (created.version, created.status, created.submitted_by),
        (1, Status::Ide, Some(w.a_user))
    );
    assert_eq!(created.created_at, created.updated_at);

    // Create entry: every non-null field from null, no bookkeeping fields.
    let log = s
        .audit_for(a, EntityKind::Potential, w.a_pot.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    let e = &log[0];
    assert_eq!(
        (e.action, e.user_id, e.user_name.as_deref(), e.tenant_id),
        (AuditAction::Create, me, Some("Anna"), a)
    );
    assert!(e.changes.contains(&FieldChange {
        field: "title".into(),
        before: json!(null),
        after: json!("Robot A")
    }));
    assert!(e.changes.contains(&FieldChange {
        field: "status".into(),
        before: json!(null),
        after: json!("ide")
    }));
    assert!(!e
        .changes
        .iter()
        .any(|c| ["id", "version", "created_at"].contains(&c.field.as_str())));

    // Update with the right version.
    let edited = ValidPotential {
        title: "Robot til journalisering".into(),
        tags: vec!["RPA".into(), "Jobcenter".into()],
        ..common::valid_potential("", w.a_unit)
    };
    let after_model = created.with(&edited);
    let audit = AuditDraft {
        entity: EntityKind::Potential,
        entity_id: w.a_pot.0,
        action: AuditAction::Update,
        user_id: me,
        actor: None,
        changes: gevinst_domain::audit::changes(&created, &after_model),
        reason: None,
    };
    assert_eq!(audit.changes.len(), 2, "title and tags");
    let v2 = s
        .update_potential(a, w.a_pot, 1, &edited, &audit)
        .await
        .unwrap();
    assert_eq!(
        (v2.version, v2.title.as_str()),
        (2, "Robot til journalisering")
    );
    assert_eq!(v2.tags, ["RPA", "Jobcenter"]);
    assert!(v2.updated_at >= created.updated_at);
    assert_eq!(v2.created_at, created.created_at);
    assert_eq!(s.potential(a, w.a_pot).await.unwrap(), v2);

    // A stale version changes nothing, not even the audit log.
    let stale = ValidPotential {
        title: "Stale write".into(),
        ..edited.clone()
    };
    assert_eq!(
        kind(s.update_potential(a, w.a_pot, 1, &stale, &audit).await),
        ErrorKind::Conflict
    );
    assert_eq!(
        kind(s.update_potential(a, w.a_pot, 3, &stale, &audit).await),
        ErrorKind::Conflict
    );
    assert_eq!(s.potential(a, w.a_pot).await.unwrap(), v2);
    assert_eq!(
        s.audit_for(a, EntityKind::Potential, w.a_pot.0)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        kind(s.potential(a, PotentialId(987_654)).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(
            s.update_potential(a, PotentialId(987_654), 1, &stale, &audit)
                .await
        ),
        ErrorKind::NotFound
    );

    // Status changes: stale version, wrong `from`, then a good one.
    let to_vur =
        |v: i64, from: Status| s.change_status(a, me, w.a_pot, v, from, Status::Vurderet, None);
    assert_eq!(kind(to_vur(1, Status::Ide).await), ErrorKind::Conflict);
    assert_eq!(kind(to_vur(2, Status::Parkeret).await), ErrorKind::Conflict);
    assert_eq!(s.potential(a, w.a_pot).await.unwrap(), v2);
    assert!(s.status_history(a, w.a_pot).await.unwrap().is_empty());
    let v3 = to_vur(2, Status::Ide).await.unwrap();
    assert_eq!(
        (v3.version, v3.status, v3.title.as_str()),
        (3, Status::Vurderet, "Robot til journalisering")
    );
    let v4 = s
        .change_status(
            a,
            me,
            w.a_pot,
            3,
            Status::Vurderet,
            Status::Parkeret,
            Some("Afventer budget 2026"),
        )
        .await
        .unwrap();
    assert_eq!((v4.version, v4.status), (4, Status::Parkeret));

    let hist = s.status_history(a, w.a_pot).await.unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(
        (hist[0].from, hist[0].to, hist[0].reason.as_deref()),
        (Status::Ide, Status::Vurderet, None)
    );
    assert_eq!(
        (
            hist[1].from,
            hist[1].to,
            hist[1].reason.as_deref(),
            hist[1].user_id
        ),
        (
            Status::Vurderet,
            Status::Parkeret,
            Some("Afventer budget 2026"),
            me
        )
    );
    assert_eq!(hist[1].potential_id, w.a_pot);
    assert!(hist[0].at <= hist[1].at);
    // The tenant's latest changes: newest first, limited, and none of tenant B's.
    let recent = s.recent_status_changes(a, 10).await.unwrap();
    assert_eq!(recent, hist.iter().rev().cloned().collect::<Vec<_>>());
    assert_eq!(
        s.recent_status_changes(a, 1).await.unwrap(),
        [hist[1].clone()]
    );
    assert!(s
        .recent_status_changes(w.b.id, 10)
        .await
        .unwrap()
        .is_empty());

    let log = s
        .audit_for(a, EntityKind::Potential, w.a_pot.0)
        .await
        .unwrap();
    let actions: Vec<AuditAction> = log.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::StatusChange,
            AuditAction::StatusChange
        ]
    );
    assert!(
        log.windows(2)
            .all(|p| p[0].id < p[1].id && p[0].at <= p[1].at),
        "oldest first"
    );
    assert_eq!(
        log[1].changes,
        vec![
            FieldChange {
                field: "tags".into(),
                before: json!([]),
                after: json!(["RPA", "Jobcenter"])
            },
            FieldChange {
                field: "title".into(),
                before: json!("Robot A"),
                after: json!("Robot til journalisering")
            },
        ]
    );
    assert_eq!(
        log[3].changes,
        vec![FieldChange {
            field: "status".into(),
            before: json!("vurderet"),
            after: json!("parkeret")
        }]
    );
    assert_eq!(log[3].reason.as_deref(), Some("Afventer budget 2026"));
    assert_eq!(log[3].user_name.as_deref(), Some("Anna"));

    // append_audit, e.g. for an export; system actor has no name.
    let extra = AuditDraft {
        action: AuditAction::Revoke,
        user_id: None,
        actor: None,
        changes: vec![],
        ..audit.clone()
    };
    db.concrete().append_audit(a, &extra).await.unwrap();
    let log = s
        .audit_for(a, EntityKind::Potential, w.a_pot.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 5);
    assert_eq!(
        (log[4].action, log[4].user_id, log[4].user_name.as_deref()),
        (AuditAction::Revoke, None, None)
    );
    // B's audit is separate.
    assert_eq!(
        s.audit_for(w.b.id, EntityKind::Potential, w.b_pot.0)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn audit_log_is_append_only(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let before = db.raw_count("SELECT COUNT(*) FROM audit_log").await;
    assert!(
        before >= 8,
        "tenants, units, users and potentials were audited, got {before}"
    );
    assert!(db
        .raw_execute("UPDATE audit_log SET reason = 'tampered'")
        .await
        .is_err());
    assert!(db
        .raw_execute(&format!(
            "UPDATE audit_log SET user_id = NULL WHERE tenant_id = {}",
            w.a.id
        ))
        .await
        .is_err());
    assert!(db.raw_execute("DELETE FROM audit_log").await.is_err());
    assert!(db
        .raw_execute(&format!(
            "DELETE FROM audit_log WHERE entity_id = {}",
            w.a_pot
        ))
        .await
        .is_err());
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM audit_log").await, before);
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log WHERE reason = 'tampered'")
            .await,
        0
    );
    // An entry outside the hash chain is refused; appending through the store works.
    assert!(db
        .raw_execute(&format!(
            "INSERT INTO audit_log (tenant_id, entity, entity_id, action, at, changes) \
             VALUES ({}, 'potential', 1, 'update', '2024-01-01T00:00:00+00:00', '[]')",
            w.a.id
        ))
        .await
        .is_err());
    let extra = AuditDraft {
        entity: EntityKind::Potential,
        entity_id: w.a_pot.0,
        action: AuditAction::Update,
        user_id: None,
        actor: None,
        changes: vec![],
        reason: Some("appended".into()),
    };
    db.concrete().append_audit(w.a.id, &extra).await.unwrap();
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log").await,
        before + 1
    );
}

async fn batch_is_all_or_nothing(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let a = w.a.id;
    let audit_before = db.raw_count("SELECT COUNT(*) FROM audit_log").await;
    let bad_batches = [
        vec![
            (common::valid_potential("Et", w.a_unit), Status::Ide, None),
            (common::valid_potential("To", w.a_unit), Status::Ide, None),
            (
                common::valid_potential("B's unit", w.b_unit),
                Status::Ide,
                None,
            ),
        ],
        vec![
            (common::valid_potential("Et", w.a_unit), Status::Ide, None),
            (
                common::valid_potential("Ingen enhed", UnitId(987_654)),
                Status::Ide,
                None,
            ),
        ],
        vec![
            (
                common::valid_potential("Et", w.a_unit),
                Status::Ide,
                Some(w.a_user),
            ),
            (
                common::valid_potential("To", w.a_unit),
                Status::Ide,
                Some(w.b_user),
            ),
        ],
    ];
    for batch in &bad_batches {
        assert_eq!(
            kind(s.create_potentials(a, None, batch).await),
            ErrorKind::NotFound
        );
    }
    assert_eq!(
        s.list_potentials(a, &PotentialQuery::default())
            .await
            .unwrap()
            .total,
        1,
        "only the world's one"
    );
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log").await,
        audit_before
    );

    let good: Vec<_> = (1..=120)
        .map(|i| {
            (
                common::valid_potential(&format!("Import {i:03}"), w.a_unit),
                if i % 2 == 0 {
                    Status::Vurderet
                } else {
                    Status::Ide
                },
                None,
            )
        })
        .collect();
    let ids = s.create_potentials(a, None, &good).await.unwrap();
    assert_eq!(ids.len(), 120);
    assert!(ids.windows(2).all(|p| p[0] < p[1]));
    assert_eq!(s.potential(a, ids[119]).await.unwrap().title, "Import 120");
    assert_eq!(
        s.potential(a, ids[1]).await.unwrap().status,
        Status::Vurderet
    );
    assert_eq!(
        s.list_potentials(a, &PotentialQuery::default())
            .await
            .unwrap()
            .total,
        121
    );
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log").await,
        audit_before + 120
    );
    assert_eq!(s.create_potentials(a, None, &[]).await.unwrap(), vec![]);
}

/// Titles, units and statuses chosen so that every sort gives a different order.
async fn listing_filters_sorting_paging(db: &TestDb) {
    let s = db.store();
    let t = s
        .create_tenant(&slug("liste"), "Liste Kommune")
        .await
        .unwrap()
        .id;
    let other = s
        .create_tenant(&slug("anden"), "Anden Kommune")
        .await
        .unwrap()
        .id;
    let zeta = s.create_unit(t, None, None, "zeta").await.unwrap().id;
    let alfa = s.create_unit(t, None, Some(zeta), "alfa").await.unwrap().id;
    let other_unit = s.create_unit(other, None, None, "alfa").await.unwrap().id;
    let fag = s.list_catalogue(t, Catalogue::Fagomraader).await.unwrap();
    let tech = s.list_catalogue(t, Catalogue::Technologies).await.unwrap();
    let (f1, f2) = (FagomraadeId(fag[0].id), FagomraadeId(fag[1].id));
    let t1 = TechnologyId(tech[0].id);

    // created in this order: p0 .. p4
    let specs = [
        (
            "delta",
            zeta,
            Status::Besluttet,
            Some(f1),
            Some(t1),
            "Skærmbesøg i ældreplejen",
            vec!["æøå"],
        ),
        (
            "bravo",
            alfa,
            Status::Ide,
            Some(f2),
            None,
            "Spar 100% af tiden",
            vec![],
        ),
        (
            "echo",
            zeta,
            Status::Afvist,
            None,
            Some(t1),
            "Robot_til_post",
            vec![],
        ),
        (
            "alpha",
            alfa,
            Status::IDrift,
            Some(f1),
            None,
            "Ingen særlige tegn",
            vec!["RPA"],
        ),
        (
            "charlie",
            zeta,
            Status::Ide,
            None,
            None,
            "100 procent digital",
            vec![],
        ),
    ];
    let mut ids = Vec::new();
    for (title, unit, status, f, tc, desc, tags) in &specs {
        let v = ValidPotential {
            title: (*title).into(),
            description: (*desc).into(),
            fagomraade_id: *f,
            technology_id: *tc,
            tags: tags.iter().map(|x| x.to_string()).collect(),
            ..common::valid_potential("", *unit)
        };
        ids.push(
            s.create_potential(t, None, &v, *status, None)
                .await
                .unwrap()
                .id,
        );
    }
    // Noise in the other tenant that every filter would match.
    let noise = ValidPotential {
        description: "100% æøå robot_til_post".into(),
        ..common::valid_potential("alpha", other_unit)
    };
    s.create_potential(other, None, &noise, Status::Ide, None)
        .await
        .unwrap();
    // Touch p1 last so that it is the most recently updated.
    s.change_status(t, None, ids[1], 1, Status::Ide, Status::Vurderet, None)
        .await
        .unwrap();

    let ids = &ids;
    let list = |q: PotentialQuery| async move {
        let page = s.list_potentials(t, &q).await.unwrap();
        let idx: Vec<usize> = page
            .items
            .iter()
            .map(|p| ids.iter().position(|i| *i == p.id).unwrap())
            .collect();
        (idx, page.total)
    };
    let sorted = |sort, descending| PotentialQuery {
        sort,
        descending,
        ..Default::default()
    };

    // Sorting (statuses now: p0 besluttet, p1 vurderet, p2 afvist, p3 i_drift, p4 ide).
    assert_eq!(
        list(sorted(SortKey::Title, false)).await,
        (vec![3, 1, 4, 0, 2], 5)
    );
    assert_eq!(list(sorted(SortKey::Title, true)).await.0, [2, 0, 4, 1, 3]);
    assert_eq!(
        list(sorted(SortKey::Status, false)).await.0,
        [4, 1, 0, 3, 2]
    );
    assert_eq!(list(sorted(SortKey::Status, true)).await.0, [2, 3, 0, 1, 4]);
    assert_eq!(
        list(sorted(SortKey::Created, false)).await.0,
        [0, 1, 2, 3, 4]
    );
    assert_eq!(
        list(sorted(SortKey::Created, true)).await.0,
        [4, 3, 2, 1, 0]
    );
    assert_eq!(list(sorted(SortKey::Updated, true)).await.0[0], 1);
    assert_eq!(list(sorted(SortKey::Updated, false)).await.0[4], 1);
    // Unit name, ties broken by id in the same direction.
    assert_eq!(list(sorted(SortKey::Unit, false)).await.0, [1, 3, 0, 2, 4]);
    assert_eq!(list(sorted(SortKey::Unit, true)).await.0, [4, 2, 0, 3, 1]);
    assert_eq!(
        list(PotentialQuery::default()).await.0[0],
        1,
        "default: last updated first"
    );

    // Paging is stable and complete.
    let page = |n| PotentialQuery {
        page: n,
        per_page: 2,
        ..sorted(SortKey::Title, false)
    };
    assert_eq!(list(page(1)).await, (vec![3, 1], 5));
    assert_eq!(list(page(2)).await, (vec![4, 0], 5));
    assert_eq!(list(page(3)).await, (vec![2], 5));
    assert_eq!(list(page(4)).await, (vec![], 5));
    let p = s.list_potentials(t, &page(2)).await.unwrap();
    assert_eq!((p.page, p.per_page, p.pages()), (2, 2, 3));
    // Page 0 is page 1; oversized pages are capped.
    assert_eq!(list(page(0)).await.0, [3, 1]);
    let big = s
        .list_potentials(
            t,
            &PotentialQuery {
                per_page: 10_000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (big.per_page, big.items.len()),
        (PotentialQuery::MAX_PER_PAGE, 5)
    );

    // Filters.
    let f = |q: PotentialQuery| PotentialQuery {
        sort: SortKey::Created,
        descending: false,
        ..q
    };
    assert_eq!(
        list(f(PotentialQuery {
            statuses: vec![Status::Ide],
            ..Default::default()
        }))
        .await,
        (vec![4], 1)
    );
    assert_eq!(
        list(f(PotentialQuery {
            statuses: vec![Status::Afvist, Status::Besluttet],
            ..Default::default()
        }))
        .await,
        (vec![0, 2], 2)
    );
    assert_eq!(
        list(f(PotentialQuery {
            unit_ids: Some(vec![alfa]),
            ..Default::default()
        }))
        .await,
        (vec![1, 3], 2)
    );
    assert_eq!(
        list(f(PotentialQuery {
            unit_ids: Some(vec![alfa, zeta]),
            ..Default::default()
        }))
        .await
        .1,
        5
    );
    assert_eq!(
        list(f(PotentialQuery {
            unit_ids: Some(vec![]),
            ..Default::default()
        }))
        .await
        .1,
        0
    );
    assert_eq!(
        list(f(PotentialQuery {
            fagomraade_id: Some(f1),
            ..Default::default()
        }))
        .await,
        (vec![0, 3], 2)
    );
    assert_eq!(
        list(f(PotentialQuery {
            technology_id: Some(t1),
            ..Default::default()
        }))
        .await,
        (vec![0, 2], 2)
    );
    assert_eq!(
        list(f(PotentialQuery {
            fagomraade_id: Some(f1),
            technology_id: Some(t1),
            ..Default::default()
        }))
        .await,
        (vec![0], 1)
    );
    assert_eq!(
        list(f(PotentialQuery {
            statuses: vec![Status::IDrift],
            unit_ids: Some(vec![zeta]),
            ..Default::default()
        }))
        .await
        .1,
        0
    );

    // Text search: title, description and tags; Danish letters; LIKE wildcards are literal.
    let text = |t: &str| {
        f(PotentialQuery {
            text: Some(t.into()),
            ..Default::default()
        })
    };
    assert_eq!(list(text("æøå")).await, (vec![0], 1), "tag");
    assert_eq!(list(text("ældreplejen")).await, (vec![0], 1));
    assert_eq!(
        list(text("ÆLDREPLEJEN")).await,
        (vec![0], 1),
        "the store lower-cases too"
    );
    assert_eq!(list(text("sær")).await, (vec![3], 1));
    assert_eq!(list(text("100%")).await, (vec![1], 1), "not '100 procent'");
    assert_eq!(list(text("100")).await, (vec![1, 4], 2));
    assert_eq!(list(text("%")).await, (vec![1], 1));
    assert_eq!(
        list(text("t_l")).await,
        (vec![], 0),
        "'_' is not a wildcard"
    );
    assert_eq!(list(text("robot_til")).await, (vec![2], 1));
    assert_eq!(list(text("rpa")).await, (vec![3], 1));
    assert_eq!(list(text("bravo")).await, (vec![1], 1));
    assert_eq!(list(text("\\")).await.1, 0);
    assert_eq!(list(text("' OR 1=1 --")).await.1, 0);
    assert_eq!(list(text("")).await.1, 5, "empty text: no filter");
    let combined = f(PotentialQuery {
        text: Some("100".into()),
        statuses: vec![Status::Ide],
        ..Default::default()
    });
    assert_eq!(list(combined).await, (vec![4], 1));
}

async fn counts(db: &TestDb) {
    let s = db.store();
    let t = s
        .create_tenant(&slug("tal"), "Tal Kommune")
        .await
        .unwrap()
        .id;
    let other = s.create_tenant(&slug("andet"), "Andet").await.unwrap().id;
    let empty = s.potential_counts(t).await.unwrap();
    assert_eq!(empty.total, 0);
    assert_eq!(
        empty.by_status,
        Status::ALL.iter().map(|s| (*s, 0)).collect::<Vec<_>>()
    );
    assert!(
        empty.by_unit.is_empty()
            && empty.by_fagomraade.is_empty()
            && empty.by_technology.is_empty()
    );

    let u1 = s.create_unit(t, None, None, "Et").await.unwrap().id;
    let u2 = s.create_unit(t, None, None, "To").await.unwrap().id;
    let ou = s.create_unit(other, None, None, "Andet").await.unwrap().id;
    let fag = s.list_catalogue(t, Catalogue::Fagomraader).await.unwrap();
    let tech = s.list_catalogue(t, Catalogue::Technologies).await.unwrap();
    let (f1, f2, t1) = (
        FagomraadeId(fag[0].id),
        FagomraadeId(fag[1].id),
        TechnologyId(tech[2].id),
    );
    let row = |u, st, f, tc| {
        (
            ValidPotential {
                fagomraade_id: f,
                technology_id: tc,
                ..common::valid_potential("P", u)
            },
            st,
            None,
        )
    };
    let rows = vec![
        row(u1, Status::Ide, Some(f1), None),
        row(u1, Status::Ide, Some(f1), Some(t1)),
        row(u1, Status::Parkeret, None, Some(t1)),
        row(u2, Status::GevinstRealiseret, Some(f2), None),
        row(u2, Status::Ide, None, None),
    ];
    s.create_potentials(t, None, &rows).await.unwrap();
    s.create_potentials(other, None, &[row(ou, Status::Afvist, None, None)])
        .await
        .unwrap();

    let c = s.potential_counts(t).await.unwrap();
    assert_eq!(c.total, 5);
    assert_eq!(
        c.by_status,
        vec![
            (Status::Ide, 3),
            (Status::Vurderet, 0),
            (Status::BusinessCase, 0),
            (Status::Besluttet, 0),
            (Status::IImplementering, 0),
            (Status::IDrift, 0),
            (Status::GevinstRealiseret, 1),
            (Status::Afvist, 0),
            (Status::Parkeret, 1),
        ]
    );
    let mut by_unit = c.by_unit.clone();
    by_unit.sort();
    assert_eq!(by_unit, vec![(u1, 3), (u2, 2)]);
    let mut by_fag = c.by_fagomraade.clone();
    by_fag.sort();
    assert_eq!(by_fag, vec![(None, 2), (Some(f1), 2), (Some(f2), 1)]);
    let mut by_tech = c.by_technology.clone();
    by_tech.sort();
    assert_eq!(by_tech, vec![(None, 3), (Some(t1), 2)]);
    assert_eq!(s.potential_counts(other).await.unwrap().total, 1);
}

async fn users_sessions_tokens(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let a = w.a.id;
    let u2 = s.create_unit(a, None, None, "Teknik A").await.unwrap().id;

    // Users: duplicates per tenant only, listing by name.
    let cid = s
        .create_user(
            a,
            Some(w.a_user),
            &vuser("Carl@A.dk", "Carl", Role::Leder, vec![w.a_unit, u2]),
            "hash-c1",
        )
        .await
        .unwrap();
    assert_eq!(
        (cid.email.as_str(), cid.version, cid.active),
        ("carl@a.dk", 1, true)
    );
    assert_eq!(cid.units, [w.a_unit, u2]);
    assert_eq!(
        kind(
            s.create_user(
                a,
                None,
                &vuser("carl@a.dk", "Carl 2", Role::Laeser, vec![]),
                "h"
            )
            .await
        ),
        ErrorKind::Duplicate
    );
    s.create_user(
        w.b.id,
        None,
        &vuser("carl@a.dk", "Carl i B", Role::Laeser, vec![]),
        "h",
    )
    .await
    .unwrap();
    s.create_user(
        a,
        None,
        &vuser("berit@a.dk", "Berit", Role::Laeser, vec![]),
        "h",
    )
    .await
    .unwrap();
    let names: Vec<String> = s
        .list_users(a)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Anna", "Berit", "Carl"]);
    let creds = s.user_credentials(a, "carl@a.dk").await.unwrap();
    assert_eq!(
        (creds.password_hash.as_str(), creds.user.id),
        ("hash-c1", cid.id)
    );
    assert_eq!(creds.user, cid);
    assert!(!format!("{creds:?}").contains("hash-c1"));
    assert_eq!(
        kind(s.user_credentials(a, "nobody@a.dk").await),
        ErrorKind::NotFound
    );
    assert_eq!(kind(s.user(a, UserId(987_654)).await), ErrorKind::NotFound);

    // update_user: versioned, units replaced, audited.
    let change = vuser("carl@a.dk", "Carl Hansen", Role::DigitalAgent, vec![u2]);
    let c2 = s
        .update_user(a, Some(w.a_user), cid.id, 1, &change, true)
        .await
        .unwrap();
    assert_eq!(
        (c2.name.as_str(), c2.role, c2.version),
        ("Carl Hansen", Role::DigitalAgent, 2)
    );
    assert_eq!(c2.units, [u2]);
    assert_eq!(
        kind(
            s.update_user(
                a,
                None,
                cid.id,
                1,
                &vuser("carl@a.dk", "Stale", Role::Admin, vec![]),
                true
            )
            .await
        ),
        ErrorKind::Conflict
    );
    assert_eq!(s.user(a, cid.id).await.unwrap(), c2);
    assert_eq!(
        kind(
            s.update_user(
                a,
                None,
                cid.id,
                2,
                &vuser("anna@a.dk", "Carl", Role::Admin, vec![]),
                true
            )
            .await
        ),
        ErrorKind::Duplicate
    );
    assert_eq!(s.user(a, cid.id).await.unwrap(), c2);
    assert_eq!(
        kind(
            s.update_user(
                a,
                None,
                cid.id,
                2,
                &vuser("carl@a.dk", "C", Role::Admin, vec![w.b_unit]),
                true
            )
            .await
        ),
        ErrorKind::NotFound
    );
    assert_eq!(
        s.user(a, cid.id).await.unwrap(),
        c2,
        "failed unit change rolled back"
    );

    // Passwords: audited without the hash.
    s.set_password(a, Some(cid.id), cid.id, "hash-c2")
        .await
        .unwrap();
    assert_eq!(
        s.user_credentials(a, "carl@a.dk")
            .await
            .unwrap()
            .password_hash,
        "hash-c2"
    );
    assert_eq!(s.user(a, cid.id).await.unwrap().version, 2);
    assert_eq!(
        kind(s.set_password(a, None, UserId(987_654), "h").await),
        ErrorKind::NotFound
    );
    let log = s.audit_for(a, EntityKind::User, cid.id.0).await.unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(
        (log[0].action, log[0].user_name.as_deref()),
        (AuditAction::Create, Some("Anna"))
    );
    assert_eq!(
        log[1].changes,
        vec![
            FieldChange {
                field: "name".into(),
                before: json!("Carl"),
                after: json!("Carl Hansen")
            },
            FieldChange {
                field: "role".into(),
                before: json!("leder"),
                after: json!("digital_agent")
            },
            FieldChange {
                field: "units".into(),
                before: json!([w.a_unit, u2]),
                after: json!([u2])
            },
        ]
    );
    assert_eq!(
        log[2].changes,
        vec![FieldChange {
            field: "password".into(),
            before: json!("***"),
            after: json!("***")
        }]
    );
    assert_eq!(log[2].user_name.as_deref(), Some("Carl Hansen"));
    let all = serde_json::to_string(&log).unwrap();
    assert!(!all.contains("hash-c"), "no hash in the audit log");

    // Sessions.
    let now = Utc.with_ymd_and_hms(2030, 5, 1, 12, 0, 0).unwrap();
    let sess = SessionRecord {
        token_hash: "s1".into(),
        tenant_id: a,
        user_id: cid.id,
        csrf_token: "csrf-1".into(),
        expires_at: now + Duration::hours(8),
        last_seen_at: now,
    };
    s.create_session(&sess, None).await.unwrap();
    assert_eq!(s.session("s1", now).await.unwrap(), sess);
    assert_eq!(
        s.session("s1", now + Duration::hours(8) - Duration::seconds(1))
            .await
            .unwrap(),
        sess
    );
    assert_eq!(
        kind(s.session("s1", now + Duration::hours(8)).await),
        ErrorKind::NotFound,
        "expired"
    );
    assert_eq!(
        kind(s.session("s1", now + Duration::days(30)).await),
        ErrorKind::NotFound
    );
    assert_eq!(kind(s.session("nope", now).await), ErrorKind::NotFound);
    s.delete_session("s1").await.unwrap();
    s.delete_session("s1").await.unwrap();
    assert_eq!(kind(s.session("s1", now).await), ErrorKind::NotFound);
    for h in ["s2", "s3"] {
        s.create_session(
            &SessionRecord {
                token_hash: h.into(),
                ..sess.clone()
            },
            None,
        )
        .await
        .unwrap();
    }
    s.create_session(
        &SessionRecord {
            token_hash: "anna".into(),
            user_id: w.a_user,
            ..sess.clone()
        },
        None,
    )
    .await
    .unwrap();
    s.delete_user_sessions(a, cid.id, Some("s3")).await.unwrap();
    assert_eq!(kind(s.session("s2", now).await), ErrorKind::NotFound);
    assert!(s.session("s3", now).await.is_ok(), "kept");
    s.delete_user_sessions(a, cid.id, None).await.unwrap();
    assert_eq!(kind(s.session("s3", now).await), ErrorKind::NotFound);
    assert!(s.session("anna", now).await.is_ok());
    // Activity is recorded for the idle timeout.
    s.touch_session("anna", now + Duration::minutes(7))
        .await
        .unwrap();
    assert_eq!(
        s.session("anna", now).await.unwrap().last_seen_at,
        now + Duration::minutes(7)
    );

    // API tokens.
    let t1 = s
        .create_api_token(a, Some(cid.id), cid.id, "laptop", "tok-1", None)
        .await
        .unwrap();
    let t2 = s
        .create_api_token(a, Some(cid.id), cid.id, "server", "tok-2", None)
        .await
        .unwrap();
    assert_eq!(
        (t1.name.as_str(), t1.revoked, t1.last_used_at),
        ("laptop", false, None)
    );
    assert!(
        s.create_api_token(a, Some(cid.id), cid.id, "again", "tok-1", None)
            .await
            .is_err(),
        "hash is unique"
    );
    let used_at = Utc.with_ymd_and_hms(2030, 5, 2, 8, 30, 0).unwrap();
    let used = s
        .use_api_token("tok-1", used_at, Some("10.0.0.1"))
        .await
        .unwrap();
    assert_eq!(
        (
            used.tenant_id,
            used.user_id,
            used.token_id,
            used.previous_client
        ),
        (a, cid.id, t1.id, None)
    );
    let again = s.use_api_token("tok-1", used_at, None).await.unwrap();
    assert_eq!(again.previous_client.as_deref(), Some("10.0.0.1"));
    assert_eq!(
        kind(s.use_api_token("tok-x", used_at, None).await),
        ErrorKind::NotFound
    );
    // A token with an expiry works until then.
    let t3 = s
        .create_api_token(
            a,
            Some(cid.id),
            cid.id,
            "kort",
            "tok-3",
            Some(used_at + Duration::days(1)),
        )
        .await
        .unwrap();
    assert_eq!(t3.expires_at, Some(used_at + Duration::days(1)));
    assert!(s.use_api_token("tok-3", used_at, None).await.is_ok());
    assert_eq!(
        kind(
            s.use_api_token("tok-3", used_at + Duration::days(1), None)
                .await
        ),
        ErrorKind::NotFound,
        "expired"
    );
    s.revoke_api_token(a, cid.id, t3.id).await.unwrap();
    let list = s.list_api_tokens(a, cid.id).await.unwrap();
    assert_eq!(
        list.iter().map(|t| t.id).collect::<Vec<_>>(),
        [t3.id, t2.id, t1.id],
        "newest first"
    );
    assert_eq!(list[2].last_used_at, Some(used_at));
    assert_eq!(list[2].last_used_from.as_deref(), Some("10.0.0.1"));
    assert_eq!(list[1].last_used_at, None);
    s.revoke_api_token(a, cid.id, t1.id).await.unwrap();
    s.revoke_api_token(a, cid.id, t1.id).await.unwrap();
    assert_eq!(
        kind(s.use_api_token("tok-1", used_at, None).await),
        ErrorKind::NotFound,
        "revoked"
    );
    assert!(s.list_api_tokens(a, cid.id).await.unwrap()[2].revoked);
    assert_eq!(
        kind(s.revoke_api_token(a, cid.id, 987_654).await),
        ErrorKind::NotFound
    );
    let tlog = s.audit_for(a, EntityKind::ApiToken, t1.id).await.unwrap();
    assert_eq!(
        tlog.iter().map(|e| e.action).collect::<Vec<_>>(),
        [AuditAction::Create, AuditAction::Revoke]
    );
    assert_eq!(
        tlog[1].changes,
        vec![FieldChange {
            field: "revoked".into(),
            before: json!(false),
            after: json!(true)
        }]
    );

    // Deactivation: tokens and sessions stop working; credentials still load.
    s.create_session(
        &SessionRecord {
            token_hash: "s4".into(),
            ..sess.clone()
        },
        None,
    )
    .await
    .unwrap();
    assert!(s.use_api_token("tok-2", used_at, None).await.is_ok());
    let c3 = s
        .update_user(a, None, cid.id, 2, &change, false)
        .await
        .unwrap();
    assert!(!c3.active);
    assert_eq!(
        kind(s.use_api_token("tok-2", used_at, None).await),
        ErrorKind::NotFound,
        "deactivated user"
    );
    assert_eq!(
        kind(s.session("s4", now).await),
        ErrorKind::NotFound,
        "deactivated user"
    );
    let creds = s.user_credentials(a, "carl@a.dk").await.unwrap();
    assert!(!creds.user.active);
    // Reactivated: the token works again (it was never revoked).
    s.update_user(a, None, cid.id, 3, &change, true)
        .await
        .unwrap();
    assert!(s.use_api_token("tok-2", used_at, None).await.is_ok());

    // An administrator's reset revokes every live token, each audited.
    assert_eq!(
        s.revoke_user_tokens(a, Some(w.a_user), cid.id)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        kind(s.use_api_token("tok-2", used_at, None).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        s.revoke_user_tokens(a, Some(w.a_user), cid.id)
            .await
            .unwrap(),
        0
    );
    let t2log = s.audit_for(a, EntityKind::ApiToken, t2.id).await.unwrap();
    assert_eq!(
        t2log.last().map(|e| (e.action, e.user_id)),
        Some((AuditAction::Revoke, Some(w.a_user)))
    );

    // Login throttling: attempts are reserved under their keys before the check.
    let t0 = Utc.with_ymd_and_hms(2030, 1, 1, 10, 0, 0).unwrap();
    let since = t0 - Duration::minutes(15);
    let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for (i, m) in [0, 5, 10].into_iter().enumerate() {
        let seen = s
            .reserve_login_attempt(
                &format!("a{i}"),
                &keys(&["alpha:carl@a.dk", "10.0.0.1"]),
                t0 + Duration::minutes(m),
                since,
            )
            .await
            .unwrap();
        // Each sees the ones before it, not itself.
        assert_eq!(seen[0].count, i as u32);
        assert_eq!(seen[1].count, i as u32);
    }
    let seen = s
        .reserve_login_attempt(
            "a3",
            &keys(&["alpha:carl@a.dk"]),
            t0 + Duration::minutes(15),
            t0 + Duration::minutes(5),
        )
        .await
        .unwrap();
    assert_eq!(
        seen,
        [KeyHistory {
            count: 2,
            oldest: Some(t0 + Duration::minutes(5)),
            newest: Some(t0 + Duration::minutes(10)),
        }],
        "inclusive window, oldest and newest"
    );
    // A released attempt no longer counts; a cleared key keeps nothing.
    s.release_login_attempt("a3").await.unwrap();
    s.release_login_attempt("a1").await.unwrap();
    let seen = s
        .reserve_login_attempt(
            "a4",
            &keys(&["alpha:carl@a.dk", "10.0.0.1", "alpha:nobody"]),
            t0,
            since,
        )
        .await
        .unwrap();
    assert_eq!(seen.iter().map(|h| h.count).collect::<Vec<_>>(), [2, 2, 0]);
    s.clear_login_failures("alpha:carl@a.dk").await.unwrap();
    let seen = s
        .reserve_login_attempt("a5", &keys(&["alpha:carl@a.dk", "10.0.0.1"]), t0, since)
        .await
        .unwrap();
    assert_eq!(seen.iter().map(|h| h.count).collect::<Vec<_>>(), [0, 3]);
}

async fn units(db: &TestDb) {
    let s = db.store();
    let t = s.create_tenant(&slug("org"), "Org").await.unwrap().id;
    let social = s
        .create_unit(t, None, None, "Social og Sundhed")
        .await
        .unwrap();
    let hjem = s
        .create_unit(t, None, Some(social.id), "Hjemmeplejen")
        .await
        .unwrap();
    let nord = s.create_unit(t, None, Some(hjem.id), "Nord").await.unwrap();
    let teknik = s.create_unit(t, None, None, "Teknik").await.unwrap();
    assert_eq!((hjem.parent_id, hjem.active), (Some(social.id), true));
    assert_eq!(
        kind(s.create_unit(t, None, Some(UnitId(987_654)), "X").await),
        ErrorKind::NotFound
    );

    let list = s.list_units(t).await.unwrap();
    assert_eq!(list.len(), 4);
    let tree = gevinst_domain::UnitTree::new(list);
    assert_eq!(
        tree.display_path(nord.id),
        "Social og Sundhed › Hjemmeplejen › Nord"
    );

    let moved = s
        .update_unit(t, None, nord.id, Some(teknik.id), "Nord-teamet", false)
        .await
        .unwrap();
    assert_eq!(
        (moved.parent_id, moved.name.as_str(), moved.active),
        (Some(teknik.id), "Nord-teamet", false)
    );
    let top = s
        .update_unit(t, None, hjem.id, None, "Hjemmeplejen", true)
        .await
        .unwrap();
    assert_eq!(top.parent_id, None);
    let tree = gevinst_domain::UnitTree::new(s.list_units(t).await.unwrap());
    assert_eq!(tree.display_path(moved.id), "Teknik › Nord-teamet");
    assert_eq!(
        kind(
            s.update_unit(t, None, UnitId(987_654), None, "X", true)
                .await
        ),
        ErrorKind::NotFound
    );

    let log = s.audit_for(t, EntityKind::Unit, nord.id.0).await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(log[0].changes.contains(&FieldChange {
        field: "parent_id".into(),
        before: json!(null),
        after: json!(hjem.id)
    }));
    assert_eq!(
        log[1].changes,
        vec![
            FieldChange {
                field: "active".into(),
                before: json!(true),
                after: json!(false)
            },
            FieldChange {
                field: "name".into(),
                before: json!("Nord"),
                after: json!("Nord-teamet")
            },
            FieldChange {
                field: "parent_id".into(),
                before: json!(hjem.id),
                after: json!(teknik.id)
            },
        ]
    );
    assert_eq!(
        kind(s.audit_for(t, EntityKind::Unit, 987_654).await),
        ErrorKind::NotFound
    );
}

/// Concurrent writers: one stale-version race has exactly one winner, and unrelated writes
/// all succeed (on SQLite they wait for the write lock instead of failing with "busy").
async fn concurrent_writers(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let a = w.a.id;
    let audit = AuditDraft {
        entity: EntityKind::Potential,
        entity_id: w.a_pot.0,
        action: AuditAction::Update,
        user_id: None,
        actor: None,
        changes: vec![],
        reason: None,
    };
    let edit = |t: &str| common::valid_potential(t, w.a_unit);
    let (e1, e2, e3, e4) = (
        edit("Første"),
        edit("Anden"),
        edit("Tredje"),
        edit("Fjerde"),
    );
    let (r1, r2, r3, r4) = tokio::join!(
        s.update_potential(a, w.a_pot, 1, &e1, &audit),
        s.update_potential(a, w.a_pot, 1, &e2, &audit),
        s.update_potential(a, w.a_pot, 1, &e3, &audit),
        s.update_potential(a, w.a_pot, 1, &e4, &audit),
    );
    let results = [r1, r2, r3, r4];
    let winners: Vec<&gevinst_domain::Potential> =
        results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "exactly one winner");
    for r in &results {
        if let Err(e) = r {
            assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
        }
    }
    let stored = s.potential(a, w.a_pot).await.unwrap();
    assert_eq!((stored.version, &stored.title), (2, &winners[0].title));
    assert_eq!(
        s.audit_for(a, EntityKind::Potential, w.a_pot.0)
            .await
            .unwrap()
            .len(),
        2
    );

    let (c1, c2, c3, c4) = tokio::join!(
        s.create_potential(a, None, &e1, Status::Ide, None),
        s.create_potential(a, None, &e2, Status::Ide, None),
        s.create_unit(a, None, Some(w.a_unit), "Under"),
        s.change_status(a, None, w.a_pot, 2, Status::Ide, Status::Vurderet, None),
    );
    assert!(c1.is_ok() && c2.is_ok() && c3.is_ok() && c4.is_ok());
    assert_eq!(s.potential_counts(a).await.unwrap().total, 3);
}

// ---------------------------------------------------------------- backend-independent

#[tokio::test]
async fn connect_picks_backend_by_scheme() {
    for bad in [
        "mysql://u:secret@h/db",
        "sqlit:/tmp/x.db",
        "/tmp/gevinst.db",
        "",
    ] {
        let e = match gevinst_store::connect(bad, true).await {
            Ok(_) => panic!("{bad} must be refused"),
            Err(e) => e,
        };
        assert_eq!(e.kind(), ErrorKind::Config, "{bad}");
        assert!(!e.to_string().contains("secret"), "password redacted: {e}");
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/new/folder/g.db", dir.path().display());
    let store = gevinst_store::connect(&url, true).await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    assert!(store.is_empty().await.unwrap());
    assert!(dir.path().join("new/folder/g.db").exists());
    // Running the migrations again is a no-op.
    let again = gevinst_store::connect(&url, true).await.unwrap();
    assert!(again.is_empty().await.unwrap());
}

#[tokio::test]
async fn postgres_is_configured_when_required() {
    if common::postgres_required() {
        let url = std::env::var("GEVINST_TEST_POSTGRES_URL").unwrap_or_default();
        assert!(
            !url.trim().is_empty(),
            "CI / GEVINST_REQUIRE_POSTGRES=1 need GEVINST_TEST_POSTGRES_URL"
        );
    }
}

// ---------------------------------------------------------------- business cases

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// A business case with every kind of line, awkward decimals and a risk.
fn sample_case() -> BusinessCase {
    let mut hours = Line::certain(
        LineKind::FrigjorteTimer,
        "Frigjort sagsbehandling",
        vec![dec("0"), dec("1924.5"), dec("0.1")],
    );
    hours.low = dec("0.7");
    hours.high = dec("1.25");
    hours.hjemtagbar = true;
    let mut shift = Line::certain(
        LineKind::Kanalomlaegning,
        "Fra telefon til selvbetjening",
        vec![dec("100"), dec("2000"), dec("3000")],
    );
    shift.from_channel = Some(Channel::Telephone);
    shift.to_channel = Some(Channel::Digital);
    let mut invisible = Line::certain(
        LineKind::UsynligtArbejde,
        "Fejlretning i robotten",
        vec![dec("0"), dec("192.40"), dec("192.4")],
    );
    invisible.category = Some(InvisibleCategory::Kompensation);
    BusinessCase {
        start_year: 2025,
        horizon: 3,
        discount_rate: Some(dec("0.035")),
        lines: vec![
            Line::certain(
                LineKind::Investering,
                "Udvikling",
                vec![dec("1234567.89"), dec("0"), dec("0")],
            ),
            Line::certain(
                LineKind::Drift,
                "Licens",
                vec![dec("0"), dec("40000.10"), dec("40000.1")],
            ),
            hours,
            Line::certain(
                LineKind::FrigjorteAarsvaerk,
                "Tid til kvalitet",
                vec![dec("0"), dec("0.5"), dec("2.25")],
            ),
            Line::certain(
                LineKind::DirekteBesparelse,
                "Porto",
                vec![dec("0.01"), dec("60000"), dec("9999999999999.99")],
            ),
            shift,
            invisible,
        ],
        risks: vec![Risk {
            description: "Forsinket integration – æøå".into(),
            probability: dec("0.1"),
            min: dec("10000"),
            likely: dec("40000.5"),
            max: dec("100000"),
            year: 1,
        }],
    }
}

fn case_audit(potential: PotentialId, action: AuditAction, who: UserId) -> AuditDraft {
    AuditDraft {
        entity: EntityKind::BusinessCase,
        entity_id: potential.0,
        action,
        user_id: Some(who),
        actor: None,
        changes: vec![FieldChange {
            field: "horizon".into(),
            before: serde_json::Value::Null,
            after: json!(3),
        }],
        reason: None,
    }
}

async fn business_case_round_trip(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let (a, p) = (w.a.id, w.a_pot);
    assert_eq!(s.business_case(a, p).await.unwrap(), None);
    assert!(s.list_business_cases(a).await.unwrap().is_empty());
    // A potential without a case has an empty business-case history.
    assert!(s
        .audit_for(a, EntityKind::BusinessCase, p.0)
        .await
        .unwrap()
        .is_empty());

    let case = sample_case();
    let created = s
        .put_business_case(
            a,
            Some(w.a_user),
            p,
            None,
            &case,
            &case_audit(p, AuditAction::Create, w.a_user),
        )
        .await
        .unwrap();
    assert_eq!(created.potential_id, p);
    assert_eq!(created.version, 1);
    assert_eq!(created.case, case);

    // Read back exactly: equal values, and the same decimal text (scale included).
    let read = s.business_case(a, p).await.unwrap().expect("stored case");
    assert_eq!(read, created);
    assert_eq!(
        serde_json::to_string(&read.case).unwrap(),
        serde_json::to_string(&case).unwrap()
    );
    assert_eq!(read.case.lines[0].amounts[0].to_string(), "1234567.89");
    assert_eq!(read.case.lines[2].amounts[2].to_string(), "0.1");
    assert_eq!(read.case.lines[1].amounts[1].to_string(), "40000.10");
    assert_eq!(
        read.case.lines[4].amounts[2].to_string(),
        "9999999999999.99"
    );
    assert_eq!(read.case.risks[0].probability, dec("0.1"));
    assert_eq!(s.list_business_cases(a).await.unwrap(), vec![read.clone()]);

    // Update with the version read.
    let mut changed = case.clone();
    changed.horizon = 2;
    changed.discount_rate = None;
    for l in &mut changed.lines {
        l.amounts.truncate(2);
    }
    let updated = s
        .put_business_case(
            a,
            Some(w.a_user),
            p,
            Some(1),
            &changed,
            &case_audit(p, AuditAction::Update, w.a_user),
        )
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.case, changed);
    assert!(updated.updated_at >= created.updated_at);
    assert_eq!(s.business_case(a, p).await.unwrap(), Some(updated.clone()));

    // Both writes are in the audit log, in order, with their field changes.
    let log = s.audit_for(a, EntityKind::BusinessCase, p.0).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].action, AuditAction::Create);
    assert_eq!(log[1].action, AuditAction::Update);
    assert_eq!(log[1].user_id, Some(w.a_user));
    assert_eq!(log[1].user_name.as_deref(), Some("Anna"));
    assert_eq!(log[0].changes[0].field, "horizon");
    // The potential's own history is untouched.
    assert_eq!(
        s.audit_for(a, EntityKind::Potential, p.0)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn business_case_conflicts_and_isolation(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let (a, b, p) = (w.a.id, w.b.id, w.a_pot);
    let case = sample_case();
    let create = case_audit(p, AuditAction::Create, w.a_user);
    let update = case_audit(p, AuditAction::Update, w.a_user);

    // Replacing a case that does not exist yet is a conflict, and writes nothing.
    assert_eq!(
        kind(
            s.put_business_case(a, Some(w.a_user), p, Some(1), &case, &update)
                .await
        ),
        ErrorKind::Conflict
    );
    assert_eq!(s.business_case(a, p).await.unwrap(), None);
    assert_eq!(
        db.raw_count("SELECT COUNT(*) FROM audit_log WHERE entity = 'business_case'")
            .await,
        0
    );

    let stored = s
        .put_business_case(a, Some(w.a_user), p, None, &case, &create)
        .await
        .unwrap();

    // Creating again, or replacing with a stale or future version: conflict, nothing changes.
    let mut other = case.clone();
    other.start_year = 2030;
    for (expected, audit) in [(None, &create), (Some(0), &update), (Some(2), &update)] {
        assert_eq!(
            kind(
                s.put_business_case(a, Some(w.a_user), p, expected, &other, audit)
                    .await
            ),
            ErrorKind::Conflict,
            "{expected:?}"
        );
    }
    assert_eq!(s.business_case(a, p).await.unwrap(), Some(stored.clone()));
    assert_eq!(
        s.audit_for(a, EntityKind::BusinessCase, p.0)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(db.raw_count("SELECT COUNT(*) FROM business_cases").await, 1);

    // Tenant B's potential through tenant A: NotFound for reads and writes.
    let nf = ErrorKind::NotFound;
    assert_eq!(kind(s.business_case(a, w.b_pot).await), nf);
    assert_eq!(
        kind(
            s.put_business_case(a, Some(w.a_user), w.b_pot, None, &case, &create)
                .await
        ),
        nf
    );
    assert_eq!(
        kind(
            s.put_business_case(a, Some(w.a_user), w.b_pot, Some(1), &case, &update)
                .await
        ),
        nf
    );
    assert_eq!(kind(s.business_case(a, PotentialId(987_654)).await), nf);
    assert_eq!(
        kind(s.audit_for(a, EntityKind::BusinessCase, w.b_pot.0).await),
        nf
    );
    // An acting user of another tenant cannot be recorded on A's case.
    let mut foreign = update.clone();
    foreign.user_id = Some(w.b_user);
    assert_eq!(
        kind(
            s.put_business_case(a, Some(w.b_user), p, Some(1), &other, &foreign)
                .await
        ),
        nf
    );
    assert_eq!(s.business_case(a, p).await.unwrap(), Some(stored.clone()));

    // B's own case is invisible to A; each tenant lists only its own.
    let b_case = s
        .put_business_case(
            b,
            Some(w.b_user),
            w.b_pot,
            None,
            &other,
            &case_audit(w.b_pot, AuditAction::Create, w.b_user),
        )
        .await
        .unwrap();
    assert_eq!(s.list_business_cases(a).await.unwrap(), vec![stored]);
    assert_eq!(s.list_business_cases(b).await.unwrap(), vec![b_case]);
    assert_eq!(kind(s.business_case(a, w.b_pot).await), nf);
}

async fn economics_settings(db: &TestDb) {
    let s = db.store();
    let w = world(s).await;
    let (a, b) = (w.a.id, w.b.id);

    // Nothing saved: the defaults, version 0.
    assert_eq!(s.economics(a).await.unwrap(), (Economics::default(), 0));
    assert_eq!(
        kind(s.economics(TenantId(987_654)).await),
        ErrorKind::NotFound
    );

    let first = Economics {
        annual_cost_per_fte: dec("1234567.89"),
        hourly_rate_override: Some(dec("0.1")),
        ..Economics::default()
    };
    assert_eq!(
        s.set_economics(a, Some(w.a_user), 0, &first).await.unwrap(),
        1
    );
    let (read, v) = s.economics(a).await.unwrap();
    assert_eq!((read.clone(), v), (first.clone(), 1));
    assert_eq!(read.annual_cost_per_fte.to_string(), "1234567.89");
    assert_eq!(read.discount_rate.to_string(), "0.035");

    // Stale versions change nothing and write no audit entry.
    let mut second = first.clone();
    second.discount_rate = dec("0.04");
    second.channel_costs.telephone = dec("55.5");
    for stale in [0, 2, 7] {
        assert_eq!(
            kind(s.set_economics(a, Some(w.a_user), stale, &second).await),
            ErrorKind::Conflict,
            "{stale}"
        );
    }
    assert_eq!(s.economics(a).await.unwrap(), (first.clone(), 1));

    assert_eq!(
        s.set_economics(a, Some(w.a_user), 1, &second)
            .await
            .unwrap(),
        2
    );
    assert_eq!(s.economics(a).await.unwrap(), (second.clone(), 2));

    // The other tenant keeps the defaults; tenant A cannot touch them.
    assert_eq!(s.economics(b).await.unwrap(), (Economics::default(), 0));
    assert_eq!(
        kind(s.audit_for(a, EntityKind::TenantSettings, b.0).await),
        ErrorKind::NotFound
    );

    // Audited with field-level before and after.
    let log = s
        .audit_for(a, EntityKind::TenantSettings, a.0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].action, AuditAction::Create);
    assert_eq!(
        log[0].changes,
        vec![
            FieldChange {
                field: "annual_cost_per_fte".into(),
                before: json!("500000"),
                after: json!("1234567.89"),
            },
            FieldChange {
                field: "hourly_rate_override".into(),
                before: serde_json::Value::Null,
                after: json!("0.1"),
            },
        ]
    );
    assert_eq!(log[1].action, AuditAction::Update);
    assert_eq!(log[1].user_id, Some(w.a_user));
    let fields: Vec<&str> = log[1].changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["channel_costs", "discount_rate"]);
    assert_eq!(log[1].changes[1].before, json!("0.035"));
    assert_eq!(log[1].changes[1].after, json!("0.04"));
}
