//! The programme forecasts already computed, kept while the tenant's data is unchanged.

use gevinst_domain::business_case::SimulationSettings;
use gevinst_domain::programme::Forecast;
use gevinst_domain::{ProgrammeId, TenantId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a cached forecast was computed for. Together with the tenant's data version it
/// decides whether the cached result still holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct ForecastKey {
    tenant: TenantId,
    programme: ProgrammeId,
    iterations: u32,
    seed: u64,
    current_year: i32,
}

impl ForecastKey {
    pub(super) fn new(
        tenant: TenantId,
        programme: ProgrammeId,
        settings: SimulationSettings,
        current_year: i32,
    ) -> Self {
        ForecastKey {
            tenant,
            programme,
            iterations: settings.iterations,
            seed: settings.seed,
            current_year,
        }
    }
}

/// A cached forecast with the tenant's data version it was computed at.
type CachedForecast = (i64, Arc<Forecast>);

/// Forecasts already computed, so the programme overview can show the last forecast without
/// running the Monte Carlo on every page load.
///
/// An entry is valid while the tenant's `Store::data_version` is the one it was computed
/// at: every change to potentials, business cases, plans, actuals, programmes or settings
/// writes an audit entry and so invalidates it. The cache holds at most
/// [`ForecastCache::CAPACITY`] entries; stale ones go first. Clones share the cache.
#[derive(Debug, Clone, Default)]
pub struct ForecastCache {
    entries: Arc<Mutex<HashMap<ForecastKey, CachedForecast>>>,
}

impl ForecastCache {
    /// Most entries kept.
    pub const CAPACITY: usize = 256;

    pub(super) fn get(&self, key: &ForecastKey, version: i64) -> Option<Arc<Forecast>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, f)| f.clone())
    }

    pub(super) fn put(&self, key: ForecastKey, version: i64, forecast: Arc<Forecast>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= Self::CAPACITY {
            let tenant = key.tenant;
            entries.retain(|k, (v, _)| k.tenant != tenant || *v == version);
        }
        if entries.len() >= Self::CAPACITY {
            if let Some(k) = entries.keys().next().copied() {
                entries.remove(&k);
            }
        }
        entries.insert(key, (version, forecast));
    }
}
