//! The lifecycle of a potential.
//!
//! ```text
//! idé → vurderet → business case → besluttet → i implementering → i drift → gevinst realiseret
//!   ↘ afvist (needs a reason)        ↘ parkeret (needs a reason)
//! ```
//!
//! The allowed moves are in [`Status::allowed_next`]. Besides the main path forward:
//! - every open status (idé to i implementering) can be *afvist* or *parkeret*, with a reason;
//! - a case can step back one stage for rework (vurderet → idé, business case → vurderet);
//! - a parked potential resumes at idé, vurderet or business case;
//! - a rejected potential can be reopened as an idé (a new budget year, new technology);
//! - *gevinst realiseret* is final.

use serde::{Deserialize, Serialize};

/// The status of a potential. The serialised names are stable API values.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// *idé*: submitted, not yet assessed.
    Ide,
    /// *vurderet*: assessed and worth a business case.
    Vurderet,
    /// *business case*: a business case is being prepared.
    BusinessCase,
    /// *besluttet*: decided; funded and to be implemented.
    Besluttet,
    /// *i implementering*: being implemented.
    IImplementering,
    /// *i drift*: in operation; benefits are being realised.
    IDrift,
    /// *gevinst realiseret*: the benefit has been realised and followed up.
    GevinstRealiseret,
    /// *afvist*: rejected, with a reason.
    Afvist,
    /// *parkeret*: parked, with a reason.
    Parkeret,
}

/// Why a status change is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusChangeError {
    /// The move is not in the lifecycle.
    #[error("status kan ikke ændres fra {from} til {to}", from = .from.label(), to = .to.label())]
    NotAllowed {
        /// Current status.
        from: Status,
        /// Requested status.
        to: Status,
    },
    /// Rejecting or parking requires a reason.
    #[error("der skal angives en begrundelse")]
    ReasonRequired,
    /// The reason is longer than 2,000 characters.
    #[error("begrundelsen må højst være 2.000 tegn")]
    ReasonTooLong,
}

impl Status {
    /// All statuses in lifecycle order, the two side exits last.
    pub const ALL: [Status; 9] = [
        Status::Ide,
        Status::Vurderet,
        Status::BusinessCase,
        Status::Besluttet,
        Status::IImplementering,
        Status::IDrift,
        Status::GevinstRealiseret,
        Status::Afvist,
        Status::Parkeret,
    ];

    /// The stable API name, e.g. `business_case`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ide => "ide",
            Status::Vurderet => "vurderet",
            Status::BusinessCase => "business_case",
            Status::Besluttet => "besluttet",
            Status::IImplementering => "i_implementering",
            Status::IDrift => "i_drift",
            Status::GevinstRealiseret => "gevinst_realiseret",
            Status::Afvist => "afvist",
            Status::Parkeret => "parkeret",
        }
    }

    /// Parses the API name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s.trim())
    }

    /// The Danish label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ide => "Idé",
            Status::Vurderet => "Vurderet",
            Status::BusinessCase => "Business case",
            Status::Besluttet => "Besluttet",
            Status::IImplementering => "I implementering",
            Status::IDrift => "I drift",
            Status::GevinstRealiseret => "Gevinst realiseret",
            Status::Afvist => "Afvist",
            Status::Parkeret => "Parkeret",
        }
    }

    /// The statuses this one may move to.
    pub fn allowed_next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Ide => &[Vurderet, Afvist, Parkeret],
            Vurderet => &[BusinessCase, Ide, Afvist, Parkeret],
            BusinessCase => &[Besluttet, Vurderet, Afvist, Parkeret],
            Besluttet => &[IImplementering, Afvist, Parkeret],
            IImplementering => &[IDrift, Afvist, Parkeret],
            IDrift => &[GevinstRealiseret],
            GevinstRealiseret => &[],
            Afvist => &[Ide],
            Parkeret => &[Ide, Vurderet, BusinessCase],
        }
    }

    /// Whether moving *to* this status needs a reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Status::Afvist | Status::Parkeret)
    }

    /// Whether moving *to* this status is a decision that only a leder (in their units),
    /// a porteføljeleder or an admin may make.
    pub fn is_decision(self) -> bool {
        matches!(self, Status::Besluttet | Status::Afvist)
    }

    /// Checks a move from `self` to `to` with an optional reason, and returns the cleaned
    /// reason (empty reasons become `None`).
    pub fn transition(
        self,
        to: Status,
        reason: Option<&str>,
    ) -> Result<Option<String>, StatusChangeError> {
        if !self.allowed_next().contains(&to) {
            return Err(StatusChangeError::NotAllowed { from: self, to });
        }
        let reason = reason
            .map(|r| crate::text::clean(r, true))
            .filter(|r| !r.is_empty());
        if to.needs_reason() && reason.is_none() {
            return Err(StatusChangeError::ReasonRequired);
        }
        if reason.as_deref().map(crate::text::char_len).unwrap_or(0) > 2000 {
            return Err(StatusChangeError::ReasonTooLong);
        }
        Ok(reason)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn main_path_is_allowed() {
        let path = [
            Status::Ide,
            Status::Vurderet,
            Status::BusinessCase,
            Status::Besluttet,
            Status::IImplementering,
            Status::IDrift,
            Status::GevinstRealiseret,
        ];
        for w in path.windows(2) {
            assert_eq!(
                w[0].transition(w[1], None),
                Ok(None),
                "{:?} -> {:?}",
                w[0],
                w[1]
            );
        }
    }

    #[test]
    fn skipping_stages_is_refused() {
        assert_eq!(
            Status::Ide.transition(Status::Besluttet, None),
            Err(StatusChangeError::NotAllowed {
                from: Status::Ide,
                to: Status::Besluttet
            })
        );
        assert!(Status::GevinstRealiseret
            .transition(Status::Ide, Some("x"))
            .is_err());
        assert!(Status::IDrift
            .transition(Status::Afvist, Some("x"))
            .is_err());
    }

    #[test]
    fn reject_and_park_need_reason() {
        assert_eq!(
            Status::Vurderet.transition(Status::Afvist, None),
            Err(StatusChangeError::ReasonRequired)
        );
        assert_eq!(
            Status::Vurderet.transition(Status::Parkeret, Some(" \n ")),
            Err(StatusChangeError::ReasonRequired)
        );
        assert_eq!(
            Status::Vurderet.transition(Status::Parkeret, Some("  Afventer budget 2026 ")),
            Ok(Some("Afventer budget 2026".into()))
        );
        let long = "x".repeat(2001);
        assert_eq!(
            Status::Ide.transition(Status::Afvist, Some(&long)),
            Err(StatusChangeError::ReasonTooLong)
        );
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(Status::parse("nonsense"), None);
    }

    proptest! {
        #[test]
        fn transition_agrees_with_table(from in 0usize..9, to in 0usize..9, reason in proptest::option::of(".{0,20}")) {
            let (from, to) = (Status::ALL[from], Status::ALL[to]);
            let result = from.transition(to, reason.as_deref());
            let has_reason = reason.as_deref().map(|r| !crate::text::clean(r, true).is_empty()).unwrap_or(false);
            let expect_ok = from.allowed_next().contains(&to) && (!to.needs_reason() || has_reason);
            prop_assert_eq!(result.is_ok(), expect_ok);
            // No status may move to itself.
            prop_assert!(!from.allowed_next().contains(&from));
        }
    }
}
