//! Listing potentials (filters, sorting, paging) and counting them.

use super::*;
use gevinst_testkit::TestDb;

gevinst_testkit::on_both_databases!(listing_filters_sorting_paging, counts);

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
            ..gevinst_testkit::valid_potential("", *unit)
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
        ..gevinst_testkit::valid_potential("alpha", other_unit)
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
                ..gevinst_testkit::valid_potential("P", u)
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
