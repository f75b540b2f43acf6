//! Typed ids. Every id is a database integer wrapped so that a unit id can never be
//! passed where a potential id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    };
}

id_type!(
    /// A tenant: one municipality.
    TenantId
);
id_type!(
    /// A user account within a tenant.
    UserId
);
id_type!(
    /// An organisational unit (forvaltning, enhed, …).
    UnitId
);
id_type!(
    /// A potential (potentiale).
    PotentialId
);
id_type!(
    /// A fagområde (sector area) in a tenant's list.
    FagomraadeId
);
id_type!(
    /// A technology type in a tenant's list.
    TechnologyId
);
id_type!(
    /// A programme (program): targets, included potentials and distribution keys.
    ProgrammeId
);
