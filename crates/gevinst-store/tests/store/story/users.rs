//! Users, sessions, tokens and units, and writers that race.

use super::*;
use gevinst_testkit::TestDb;

gevinst_testkit::on_both_databases!(users_sessions_tokens, units, concurrent_writers);

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
    let edit = |t: &str| gevinst_testkit::valid_potential(t, w.a_unit);
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
