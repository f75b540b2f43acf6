//! [`App`]: the one door of the web UI, the API and the CLI to data and calculations.
//!
//! An `App` owns everything that is shared by the requests of one process: the store, the
//! programme forecasts already computed, the limiter of simulations, the password gate and
//! the import commits running here. Clones are cheap and share all of it.
//!
//! The use cases are methods of small handles, one per area, borrowed from the app:
//!
//! ```no_run
//! # async fn example(app: gevinst_app::App, who: gevinst_app::auth::Principal) -> gevinst_app::Result<()> {
//! let programmes = app.programmes().list(&who).await?;
//! let lists = app.potentials().lists(&who).await?;
//! # Ok(()) }
//! ```

use std::sync::Arc;

use gevinst_store::{DynStore, Store};

use crate::compute::{ComputeLimiter, ComputeLimits};
use crate::import::uploads::RunningCommits;
use crate::password::PasswordGate;
use crate::programmes::ForecastCache;
use crate::Result;

/// The application: the store and the process-wide state of the use cases. Clones share it.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: DynStore,
    forecasts: ForecastCache,
    compute: ComputeLimiter,
    passwords: Arc<PasswordGate>,
    commits: RunningCommits,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("backend", &self.inner.store.backend())
            .field("compute", self.inner.compute.limits())
            .finish_non_exhaustive()
    }
}

impl App {
    /// An app on `store` with the default [`ComputeLimits`] (one worker per core).
    pub fn new(store: DynStore) -> App {
        App::with_compute_limits(store, ComputeLimits::default())
    }

    /// An app on `store` whose simulations and forecasts run within `limits`.
    pub fn with_compute_limits(store: DynStore, limits: ComputeLimits) -> App {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        App {
            inner: Arc::new(Inner {
                store,
                forecasts: ForecastCache::default(),
                compute: ComputeLimiter::new(limits),
                passwords: Arc::new(PasswordGate::new(cores, 8 * cores)),
                commits: RunningCommits::default(),
            }),
        }
    }

    /// The limiter of simulations and forecasts (shared by the clones of the app).
    pub fn compute(&self) -> &ComputeLimiter {
        &self.inner.compute
    }

    /// The gate of password checks: one check per core, and eight waiting per core.
    pub fn passwords(&self) -> &Arc<PasswordGate> {
        &self.inner.passwords
    }

    /// The database backend's name (`sqlite` or `postgres`).
    pub fn backend(&self) -> &'static str {
        self.inner.store.backend()
    }

    /// Whether the database answers.
    pub async fn health(&self) -> Result<()> {
        Ok(self.inner.store.health().await?)
    }

    pub(crate) fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    pub(crate) fn forecasts(&self) -> &ForecastCache {
        &self.inner.forecasts
    }

    pub(crate) fn commits(&self) -> &RunningCommits {
        &self.inner.commits
    }
}

/// Declares the handle of each area of use cases and the [`App`] method that lends it.
macro_rules! handles {
    ($($(#[$doc:meta])* $method:ident => $handle:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $handle<'a> {
                pub(crate) app: &'a App,
            }
        )*

        impl App {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> $handle<'_> {
                    $handle { app: self }
                }
            )*
        }
    };
}

handles! {
    /// Signing in and out, sessions, API tokens and own passwords ([`crate::auth`]).
    auth => Auth;
    /// Users, units, lists and the tenant's settings ([`crate::admin`]).
    admin => Admin;
    /// Potentials and the tenant's reference lists ([`crate::potentials`]).
    potentials => Potentials;
    /// Business cases, simulations and the economics settings ([`crate::business_cases`]).
    business_cases => BusinessCases;
    /// Programmes, benefits realisation plans, actuals and forecasts ([`crate::programmes`]).
    programmes => Programmes;
    /// The front page: what each role steers by ([`crate::front`]).
    front => Front;
    /// Exports of potentials and whole tenants ([`crate::export`]).
    export => Exports;
    /// Spreadsheet imports and saved column mappings ([`crate::import`]).
    import => Imports;
    /// Unfinished imports between the steps of the web UI ([`crate::import::uploads`]).
    uploads => Uploads;
    /// Periodic upkeep: purging what has expired ([`crate::maintenance`]).
    maintenance => Maintenance;
    /// The operator's commands from the shell ([`crate::operator`]).
    operator => Operator;
}
