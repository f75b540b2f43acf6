//! Test databases: SQLite always, PostgreSQL when `GEVINST_TEST_POSTGRES_URL` names a server
//! where the tests may create databases (required when `CI` is set or
//! `GEVINST_REQUIRE_POSTGRES=1`).

use std::path::Path;
use std::sync::Arc;

use gevinst_domain::{AuditDraft, TenantId};
use gevinst_store::postgres::{create_test_database, drop_test_database, PostgresStore};
use gevinst_store::prelude::*;
use gevinst_store::sqlite::SqliteStore;

/// Whether a missing PostgreSQL server must fail the tests instead of skipping them:
/// when `CI` is set, or `GEVINST_REQUIRE_POSTGRES=1`.
pub fn postgres_required() -> bool {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty());
    let forced = std::env::var("GEVINST_REQUIRE_POSTGRES").as_deref() == Ok("1");
    ci || forced
}

/// The URL of the PostgreSQL test server (`GEVINST_TEST_POSTGRES_URL`), or `None` when
/// there is none and none is required: the caller then skips its test.
///
/// # Panics
///
/// When no server is set but [`postgres_required`].
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("GEVINST_TEST_POSTGRES_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            assert!(
                !postgres_required(),
                "GEVINST_TEST_POSTGRES_URL is not set but PostgreSQL tests are required \
                 (CI or GEVINST_REQUIRE_POSTGRES=1); start one with scripts/pg-test-cluster"
            );
            eprintln!("skipping PostgreSQL test: GEVINST_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// One fresh, migrated database.
pub enum TestDb {
    /// A temp-file SQLite database; the folder goes away on drop.
    Sqlite {
        /// The store.
        store: SqliteStore,
        /// The folder of the file.
        _dir: tempfile::TempDir,
    },
    /// A freshly created PostgreSQL database, dropped in [`TestDb::cleanup`].
    Postgres {
        /// The store.
        store: PostgresStore,
        /// The server's URL, which may drop the database.
        admin_url: String,
        /// The database's URL.
        url: String,
    },
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
    /// configured and none is required (see [`postgres_admin_url`]).
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = postgres_admin_url()?;
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

    /// The store under test as the shared handle the app takes.
    pub fn shared(&self) -> DynStore {
        match self {
            TestDb::Sqlite { store, .. } => Arc::new(store.clone()),
            TestDb::Postgres { store, .. } => Arc::new(store.clone()),
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

/// Runs each named story, an `async fn(&TestDb)`, against SQLite (`NAME::sqlite`) and
/// PostgreSQL (`NAME::postgres`, skipped without a server unless required). The calling
/// crate needs `tokio` with its test macro.
#[macro_export]
macro_rules! on_both_databases {
    ($($story:ident),* $(,)?) => {
        $(
            mod $story {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::TestDb::sqlite().await;
                    super::$story(&db).await;
                    db.cleanup().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = $crate::TestDb::postgres().await else { return };
                    super::$story(&db).await;
                    db.cleanup().await;
                }
            }
        )*
    };
}

/// A fresh, migrated SQLite store in a temp folder (kept while the folder lives).
pub async fn sqlite_store() -> (DynStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/gevinst.db", dir.path().display());
    let store = gevinst_store::connect(&url, true)
        .await
        .expect("open sqlite");
    (store, dir)
}

/// A fresh, migrated SQLite store in memory, private to the caller.
pub async fn memory_store() -> DynStore {
    gevinst_store::connect("sqlite::memory:", true)
        .await
        .expect("open sqlite in memory")
}

/// The store of an HTTP test: a SQLite file in `dir` by default; a new database on the
/// PostgreSQL test server when `GEVINST_HTTP_DATABASE=postgres` (then
/// `GEVINST_TEST_POSTGRES_URL` must name it). `scripts/test` runs the HTTP tests once on
/// each. The PostgreSQL databases are left behind for the throwaway cluster to take with
/// it, since a test's server outlives its last request.
pub async fn http_store(dir: &Path) -> DynStore {
    let url = match std::env::var("GEVINST_HTTP_DATABASE").as_deref() {
        Ok("postgres") => {
            let admin = std::env::var("GEVINST_TEST_POSTGRES_URL")
                .expect("GEVINST_HTTP_DATABASE=postgres needs GEVINST_TEST_POSTGRES_URL");
            create_test_database(&admin)
                .await
                .expect("create PostgreSQL test database")
        }
        Ok("sqlite") | Err(_) => format!("sqlite://{}/gevinst.db", dir.display()),
        Ok(other) => panic!("GEVINST_HTTP_DATABASE must be sqlite or postgres, not {other:?}"),
    };
    gevinst_store::connect(&url, true)
        .await
        .expect("open store")
}

/// An empty PostgreSQL database on the test server, dropped with the value: for tests
/// that hand a database URL to the `gevinst` binary. Its methods block, so they work in
/// plain and in async tests alike.
pub struct PgDatabase {
    admin_url: String,
    /// The database's URL.
    pub url: String,
}

impl PgDatabase {
    /// A fresh database, or `None` (skip) when no server is configured and none is
    /// required (see [`postgres_admin_url`]).
    pub fn create() -> Option<PgDatabase> {
        let admin_url = postgres_admin_url()?;
        let admin = admin_url.clone();
        let url = block_on_own_runtime(async move { create_test_database(&admin).await })
            .expect("create a PostgreSQL test database");
        Some(PgDatabase { admin_url, url })
    }

    /// The URL of the server's admin role (may create roles and databases).
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin, url) = (self.admin_url.clone(), self.url.clone());
        let _ = block_on_own_runtime(async move { drop_test_database(&admin, &url).await });
    }
}

/// Runs a future to completion on a runtime of its own, in a thread of its own, so that
/// it works both in plain and in async tests.
fn block_on_own_runtime<T: Send + 'static>(
    fut: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(fut)
    })
    .join()
    .expect("runtime thread")
}
