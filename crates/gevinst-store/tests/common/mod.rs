//! Test databases for the conformance story: SQLite always, PostgreSQL when
//! `GEVINST_TEST_POSTGRES_URL` is set (required when `CI` is set or
//! `GEVINST_REQUIRE_POSTGRES=1`).

#![allow(dead_code)]

use gevinst_domain::{
    AuditDraft, Email, Role, Slug, Source, TenantId, UnitId, UserId, ValidPotential, ValidUser,
};
use gevinst_store::postgres::{create_test_database, drop_test_database, PostgresStore};
use gevinst_store::prelude::*;
use gevinst_store::sqlite::SqliteStore;

/// One fresh, migrated database.
pub enum TestDb {
    /// A temp-file SQLite database; the folder goes away on drop.
    Sqlite {
        store: SqliteStore,
        _dir: tempfile::TempDir,
    },
    /// A freshly created PostgreSQL database, dropped in [`TestDb::cleanup`].
    Postgres {
        store: PostgresStore,
        admin_url: String,
        url: String,
    },
}

/// Whether a missing PostgreSQL URL must fail the tests.
pub fn postgres_required() -> bool {
    let ci = std::env::var("CI").map(|v| !v.is_empty()).unwrap_or(false);
    let forced = std::env::var("GEVINST_REQUIRE_POSTGRES")
        .map(|v| v == "1")
        .unwrap_or(false);
    ci || forced
}

impl TestDb {
    /// A migrated SQLite database in a temp folder (the folder of the file is created by
    /// the store itself).
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/sub/dir/gevinst.db", dir.path().display());
        let store = SqliteStore::open(&url).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        TestDb::Sqlite { store, _dir: dir }
    }

    /// A migrated, isolated PostgreSQL database, or `None` (skip) when no server is
    /// configured and none is required.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = match std::env::var("GEVINST_TEST_POSTGRES_URL") {
            Ok(u) if !u.trim().is_empty() => u,
            _ => {
                if postgres_required() {
                    panic!(
                        "GEVINST_TEST_POSTGRES_URL is not set but PostgreSQL tests are required \
                         (CI or GEVINST_REQUIRE_POSTGRES=1); start one with scripts/pg-test-cluster"
                    );
                }
                eprintln!("skipping PostgreSQL test: GEVINST_TEST_POSTGRES_URL is not set");
                return None;
            }
        };
        let url = create_test_database(&admin_url)
            .await
            .expect("create test database");
        let store = PostgresStore::open(&url).await.expect("open postgres");
        store.migrate().await.expect("migrate postgres");
        Some(TestDb::Postgres {
            store,
            admin_url,
            url,
        })
    }

    /// The store under test.
    pub fn store(&self) -> &dyn Store {
        match self {
            TestDb::Sqlite { store, .. } => store,
            TestDb::Postgres { store, .. } => store,
        }
    }

    /// The concrete store under test, for what the app's handle cannot do.
    pub fn concrete(&self) -> Concrete {
        match self {
            TestDb::Sqlite { store, .. } => Concrete::Sqlite(store.clone()),
            TestDb::Postgres { store, .. } => Concrete::Postgres(store.clone()),
        }
    }

    /// Runs raw SQL outside the store, returning the number of affected rows.
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match self {
            TestDb::Sqlite { store, .. } => sqlx::query(sql)
                .execute(store.pool())
                .await
                .map(|r| r.rows_affected()),
            TestDb::Postgres { store, .. } => sqlx::query(sql)
                .execute(store.pool())
                .await
                .map(|r| r.rows_affected()),
        }
    }

    /// Runs a raw `SELECT COUNT(*)`-like query returning one integer.
    pub async fn raw_count(&self, sql: &str) -> i64 {
        match self {
            TestDb::Sqlite { store, .. } => {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(store.pool())
                    .await
            }
            TestDb::Postgres { store, .. } => {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(store.pool())
                    .await
            }
        }
        .expect("raw count")
    }

    /// Drops a PostgreSQL test database.
    pub async fn cleanup(self) {
        if let TestDb::Postgres {
            store,
            admin_url,
            url,
        } = self
        {
            store.close().await;
            drop_test_database(&admin_url, &url)
                .await
                .expect("drop test database");
        }
    }
}

/// The concrete store of a [`TestDb`]: it alone may append an audit entry that no
/// operation of the store records (to test the hash chain on its own).
#[derive(Clone)]
pub enum Concrete {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PostgresStore),
}

impl Concrete {
    /// Appends `entry` to the tenant's audit log in a transaction of its own.
    pub async fn append_audit(
        &self,
        tenant: TenantId,
        entry: &AuditDraft,
    ) -> gevinst_store::Result<()> {
        match self {
            Concrete::Sqlite(s) => s.append_audit(tenant, entry).await,
            Concrete::Postgres(s) => s.append_audit(tenant, entry).await,
        }
    }

    /// The same store, recording `operator` for changes without a tenant user.
    pub fn with_operator(&self, operator: &str) -> Concrete {
        match self {
            Concrete::Sqlite(s) => Concrete::Sqlite(s.with_operator(operator)),
            Concrete::Postgres(s) => Concrete::Postgres(s.with_operator(operator)),
        }
    }
}

/// Runs a story against SQLite (`NAME::sqlite`) and PostgreSQL (`NAME::postgres`).
macro_rules! on_both_databases {
    ($($story:ident),* $(,)?) => {
        $(
            mod $story {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = crate::common::TestDb::sqlite().await;
                    super::$story(&db).await;
                    db.cleanup().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = crate::common::TestDb::postgres().await else { return };
                    super::$story(&db).await;
                    db.cleanup().await;
                }
            }
        )*
    };
}

/// A tenant `slug` ("Kommune") with the unit "Social" and the porteføljeleder
/// `pl@SLUG.dk` ("Pia"): the common start of the stories' two sides.
pub async fn tenant_with_manager(s: &dyn Store, slug: &str) -> (TenantId, UnitId, UserId) {
    let tenant = s
        .create_tenant(&Slug::parse(slug).expect("slug"), "Kommune")
        .await
        .unwrap()
        .id;
    let unit = s
        .create_unit(tenant, None, None, "Social")
        .await
        .unwrap()
        .id;
    let user = s
        .create_user(
            tenant,
            None,
            &ValidUser {
                email: Email::parse(&format!("pl@{slug}.dk")).expect("email"),
                name: "Pia".into(),
                role: Role::Portefoljeleder,
                units: vec![],
            },
            "hash",
        )
        .await
        .unwrap()
        .id;
    (tenant, unit, user)
}

/// A valid potential in `unit`: an employee's proposal without description, tags or
/// references.
pub fn valid_potential(title: &str, unit: UnitId) -> ValidPotential {
    ValidPotential {
        title: title.into(),
        description: String::new(),
        unit_id: unit,
        fagomraade_id: None,
        technology_id: None,
        source: Source::EmployeeProposal,
        benefit_owner: None,
        digital_agent: None,
        tags: vec![],
    }
}
