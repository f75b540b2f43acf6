//! The tenant's existing potentials, indexed for matching rows.

use std::collections::HashMap;

use gevinst_domain::text::search_key;
use gevinst_domain::{Potential, PotentialId, PotentialQuery, Tenant};
use gevinst_store::{Store, StoredBusinessCase};

use super::EXTERNAL_ID_TAG;
use crate::potentials::TenantLists;
use crate::Result;

/// The tenant's potentials (all of them) and business cases.
pub(super) struct Existing {
    pub(super) potentials: Vec<Potential>,
    pub(super) by_id: HashMap<PotentialId, usize>,
    pub(super) by_title_unit: HashMap<String, Vec<usize>>,
    pub(super) by_tag: HashMap<String, usize>,
    pub(super) cases: HashMap<PotentialId, StoredBusinessCase>,
}

pub(super) fn title_unit_key(title: &str, unit: &str) -> String {
    format!("{}|{}", search_key(title), search_key(unit))
}

/// A numeric id that an earlier version tagged with thousands separators (`"1.234"`, from
/// a number cell), as the import reads it now (`"1234"`).
fn ungrouped(id: &str) -> Option<String> {
    let mut groups = id.split('.');
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    (!rest.is_empty()
        && digits(first)
        && first.len() <= 3
        && rest.iter().all(|g| g.len() == 3 && digits(g)))
    .then(|| id.replace('.', ""))
}

pub(super) async fn existing(
    store: &dyn Store,
    tenant: &Tenant,
    lists: &TenantLists,
) -> Result<Existing> {
    let query = PotentialQuery {
        sort: gevinst_domain::SortKey::Created,
        descending: false,
        ..PotentialQuery::default()
    };
    let potentials = crate::export::all_pages(store, tenant, &query, None).await?;
    let mut e = Existing {
        by_id: HashMap::new(),
        by_title_unit: HashMap::new(),
        by_tag: HashMap::new(),
        cases: store
            .list_business_cases(tenant.id)
            .await?
            .into_iter()
            .map(|c| (c.potential_id, c))
            .collect(),
        potentials: Vec::new(),
    };
    for (i, p) in potentials.iter().enumerate() {
        e.by_id.insert(p.id, i);
        let unit = lists
            .units
            .get(p.unit_id)
            .map(|u| u.name.as_str())
            .unwrap_or("");
        e.by_title_unit
            .entry(title_unit_key(&p.title, unit))
            .or_default()
            .push(i);
        for t in &p.tags {
            if let Some(id) = t.strip_prefix(EXTERNAL_ID_TAG) {
                let id = id.trim().to_lowercase();
                if let Some(plain) = ungrouped(&id) {
                    e.by_tag.insert(plain, i);
                }
                e.by_tag.insert(id, i);
            }
        }
    }
    e.potentials = potentials;
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::ungrouped;

    #[test]
    fn ids_tagged_with_thousands_separators_are_read_without() {
        assert_eq!(ungrouped("1.234").as_deref(), Some("1234"));
        assert_eq!(ungrouped("12.345.678").as_deref(), Some("12345678"));
        assert_eq!(ungrouped("1234"), None);
        assert_eq!(ungrouped("1.23"), None);
        assert_eq!(ungrouped("a.123"), None);
        assert_eq!(ungrouped("2.5.1"), None);
    }
}
