//! The programme roadmap (*tidslinje*): its potentials by implementation year and status.

use super::assemble;
use crate::auth::Principal;
use crate::{Programmes, Result};
use gevinst_domain::programme::{roadmap, RoadmapItem};
use gevinst_domain::ProgrammeId;

impl Programmes<'_> {
    /// The programme's included potentials by implementation year (their business case's
    /// start year) and status, computed by the pure [`gevinst_domain::programme::roadmap`].
    /// Anyone in the tenant may read it.
    pub async fn roadmap(&self, who: &Principal, id: ProgrammeId) -> Result<Vec<RoadmapItem>> {
        let store = self.app.store();
        let t = who.tenant.id;
        let stored = store.programme(t, id).await?;
        let potentials = assemble(store, t, &stored.programme).await?;
        Ok(roadmap(&stored.programme, &potentials))
    }
}
