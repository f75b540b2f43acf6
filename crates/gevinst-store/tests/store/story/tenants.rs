//! Tenants and their catalogues, and the wall between two tenants.

use super::*;
use gevinst_testkit::TestDb;

gevinst_testkit::on_both_databases!(tenants_and_catalogues, tenant_isolation);

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
                &gevinst_testkit::valid_potential("Kapret", w.a_unit),
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
                &gevinst_testkit::valid_potential("B's unit", w.b_unit),
                Status::Ide,
                None
            )
            .await
        ),
        nf
    );
    let with_fag = ValidPotential {
        fagomraade_id: Some(w.b_fag),
        ..gevinst_testkit::valid_potential("B's fagområde", w.a_unit)
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
        ..gevinst_testkit::valid_potential("B's technology", w.a_unit)
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
        ..gevinst_testkit::valid_potential("B's owner", w.a_unit)
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
        ..gevinst_testkit::valid_potential("B's agent", w.a_unit)
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
                &gevinst_testkit::valid_potential("B submitted", w.a_unit),
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
                &gevinst_testkit::valid_potential("Flyttet", w.b_unit),
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
