//! The rules that tie a potential's status to its business case, decided once here and
//! enforced the same way by the web pages, the API and the importer (through the app).
//!
//! 1. **A business case is created from status *business case* onwards**
//!    ([`may_create_case`]): business case, besluttet, i implementering, i drift and
//!    gevinst realiseret. An idé or a vurderet potential has no case yet; an afvist or
//!    parkeret one gets none. A case that exists stays editable whatever the status (a
//!    case may step back to vurderet for rework).
//! 2. **Besluttet and later need a business case, or an explicit reason**
//!    ([`check_decision`]). Moving into a decided status ([`is_decided`]) from an
//!    undecided one without a case needs a reason, which is recorded as
//!    «besluttet uden business case: …» in the status history and the audit log.
//! 3. **A potential is never created decided without a case** ([`check_created`]): the
//!    API and the importer may register existing work as besluttet or later only together
//!    with its business case (the importer's figures). To decide without a case, create the
//!    potential at *business case* and change its status with a reason. The one exception
//!    is a gevinst CSV export imported again: it carries decisions made in gevinst but not
//!    their cases, so its decided rows are created with a warning on the row.
//! 4. **An import follows the same rules as the pages** ([`check_imported`]): a row
//!    created afvist or parkeret needs the reason the status form asks for, and a row
//!    created decided without its figures needs the reason a decision without a case
//!    needs. Both reasons come from the file (or one reason the user gives for all) and
//!    are recorded as the status change the import stands in for.
//!
//! Each refusal has a stable, machine-readable code ([`LifecycleError::code`]) for the
//! API's 422 and a Danish message for pages and import previews.

use crate::status::Status;
use crate::validation::FieldErrors;

/// The words that open the recorded reason for deciding without a business case.
pub const DECIDED_WITHOUT_CASE: &str = "Besluttet uden business case: ";

/// Why a status or a business case breaks the lifecycle rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    /// A business case cannot be created at this status (before *business case*, or
    /// afvist / parkeret).
    #[error("En business case kan først oprettes, når potentialet har status «Business case» (potentialet har status «{}»). Skift status først.", .0.label())]
    CaseTooEarly(Status),
    /// Moving to a decided status without a case needs a reason.
    #[error("Potentialet har ingen business case. Opret business casen først, eller skriv i begrundelsen, hvorfor det besluttes uden (det logges som «besluttet uden business case»).")]
    CaseOrReasonRequired(Status),
    /// A potential cannot be created decided without a business case.
    #[error("Et potentiale kan ikke oprettes med status «{}» uden business case. Opret det med status «Business case», gem business casen, og skift derefter status.", .0.label())]
    CreatedDecidedWithoutCase(Status),
    /// Status afvist or parkeret needs a reason.
    #[error("Status «{}» kræver en begrundelse.", .0.label())]
    ReasonRequired(Status),
}

impl LifecycleError {
    /// The stable code for the API and tests.
    pub fn code(self) -> &'static str {
        match self {
            LifecycleError::CaseTooEarly(_) => "business_case_too_early",
            LifecycleError::CaseOrReasonRequired(_) => "business_case_required",
            LifecycleError::CreatedDecidedWithoutCase(_) => "business_case_required",
            LifecycleError::ReasonRequired(_) => "reason_required",
        }
    }

    /// The field the error belongs to in a form or an API body.
    pub fn field(self) -> &'static str {
        match self {
            LifecycleError::CaseTooEarly(_) | LifecycleError::CreatedDecidedWithoutCase(_) => {
                "status"
            }
            LifecycleError::CaseOrReasonRequired(_) | LifecycleError::ReasonRequired(_) => "reason",
        }
    }
}

impl From<LifecycleError> for FieldErrors {
    fn from(e: LifecycleError) -> Self {
        FieldErrors::single(e.field(), e.code(), e.to_string())
    }
}

/// Whether `status` is a decision or later: besluttet, i implementering, i drift, gevinst
/// realiseret.
pub fn is_decided(status: Status) -> bool {
    matches!(
        status,
        Status::Besluttet | Status::IImplementering | Status::IDrift | Status::GevinstRealiseret
    )
}

/// Whether a business case may be created for a potential in `status`: from *business
/// case* onwards.
pub fn may_create_case(status: Status) -> bool {
    status == Status::BusinessCase || is_decided(status)
}

/// Checks creating a business case for a potential in `status` that has none yet.
pub fn check_case_created(status: Status) -> Result<(), LifecycleError> {
    if may_create_case(status) {
        Ok(())
    } else {
        Err(LifecycleError::CaseTooEarly(status))
    }
}

/// Checks a move from `from` to `to` for a potential with or without a business case.
/// `reason` is the cleaned reason of the move (see [`Status::transition`]). Returns the
/// reason to record: unchanged, or for a decision without a case prefixed with
/// [`DECIDED_WITHOUT_CASE`] (once).
pub fn check_decision(
    from: Status,
    to: Status,
    has_case: bool,
    reason: Option<String>,
) -> Result<Option<String>, LifecycleError> {
    if has_case || !is_decided(to) || is_decided(from) {
        return Ok(reason);
    }
    let Some(reason) = reason else {
        return Err(LifecycleError::CaseOrReasonRequired(to));
    };
    let prefix = DECIDED_WITHOUT_CASE.trim_end().to_lowercase();
    if reason.to_lowercase().starts_with(&prefix) {
        Ok(Some(reason))
    } else {
        Ok(Some(format!("{DECIDED_WITHOUT_CASE}{reason}")))
    }
}

/// Checks creating a potential in `status`, with or without a business case created in
/// the same step (an import row's figures).
pub fn check_created(status: Status, has_case: bool) -> Result<(), LifecycleError> {
    if has_case {
        return check_case_created(status);
    }
    if is_decided(status) {
        return Err(LifecycleError::CreatedDecidedWithoutCase(status));
    }
    Ok(())
}

/// The status change an import records for a potential it creates in `status`: the
/// status it stands for a move from, and the reason to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedStatus {
    /// The status the recorded move starts from: *idé* for afvist and parkeret, *business
    /// case* for a decision without a case.
    pub from: Status,
    /// The cleaned reason, for a decision without a case prefixed with
    /// [`DECIDED_WITHOUT_CASE`].
    pub reason: String,
}

/// Checks creating a potential in `status` by an import, with or without a business case
/// from the row and with the row's reason, if any (see rule 4). Returns the status change
/// to record, if the status needs one. A decided row without a case is allowed here with
/// a reason, as a move to a decided status is in the UI; without one it is refused as by
/// [`check_created`].
pub fn check_imported(
    status: Status,
    has_case: bool,
    reason: Option<&str>,
) -> Result<Option<ImportedStatus>, LifecycleError> {
    let reason = reason
        .map(|r| crate::text::clean(r, true))
        .filter(|r| !r.is_empty());
    if has_case {
        check_case_created(status)?;
    }
    if status.needs_reason() {
        let reason = reason.ok_or(LifecycleError::ReasonRequired(status))?;
        return Ok(Some(ImportedStatus {
            from: Status::Ide,
            reason,
        }));
    }
    if is_decided(status) && !has_case {
        let Some(reason) = reason else {
            return Err(LifecycleError::CreatedDecidedWithoutCase(status));
        };
        let reason =
            check_decision(Status::BusinessCase, status, false, Some(reason))?.unwrap_or_default();
        return Ok(Some(ImportedStatus {
            from: Status::BusinessCase,
            reason,
        }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_is_created_from_business_case_onwards() {
        let allowed: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| may_create_case(*s))
            .collect();
        assert_eq!(
            allowed,
            vec![
                Status::BusinessCase,
                Status::Besluttet,
                Status::IImplementering,
                Status::IDrift,
                Status::GevinstRealiseret
            ]
        );
        let e = check_case_created(Status::Ide).unwrap_err();
        assert_eq!(e.code(), "business_case_too_early");
        assert!(e.to_string().contains("«Idé»"), "{e}");
    }

    #[test]
    fn deciding_without_a_case_needs_a_reason_that_is_marked() {
        use Status::*;
        assert_eq!(
            check_decision(BusinessCase, Besluttet, true, None),
            Ok(None)
        );
        assert_eq!(
            check_decision(BusinessCase, Besluttet, false, None),
            Err(LifecycleError::CaseOrReasonRequired(Besluttet))
        );
        assert_eq!(
            check_decision(BusinessCase, Besluttet, false, Some("Lovkrav".into())),
            Ok(Some("Besluttet uden business case: Lovkrav".into()))
        );
        assert_eq!(
            check_decision(
                BusinessCase,
                Besluttet,
                false,
                Some("besluttet uden business case: lovkrav".into())
            ),
            Ok(Some("besluttet uden business case: lovkrav".into()))
        );
        // Later moves of a decided potential, and undecided moves, need nothing more.
        assert_eq!(
            check_decision(Besluttet, IImplementering, false, None),
            Ok(None)
        );
        assert_eq!(
            check_decision(BusinessCase, Vurderet, false, None),
            Ok(None)
        );
        let e: FieldErrors = LifecycleError::CaseOrReasonRequired(Besluttet).into();
        assert_eq!(e.0[0].field, "reason");
        assert_eq!(e.0[0].code, "business_case_required");
    }

    #[test]
    fn creation_decided_needs_the_case_and_a_case_needs_the_status() {
        use Status::*;
        assert_eq!(check_created(Ide, false), Ok(()));
        assert_eq!(check_created(Besluttet, true), Ok(()));
        assert_eq!(
            check_created(IDrift, false),
            Err(LifecycleError::CreatedDecidedWithoutCase(IDrift))
        );
        assert_eq!(
            check_created(Vurderet, true),
            Err(LifecycleError::CaseTooEarly(Vurderet))
        );
        assert_eq!(check_created(Parkeret, false), Ok(()));
    }

    #[test]
    fn an_import_needs_the_reasons_the_pages_need() {
        use Status::*;
        assert_eq!(check_imported(Ide, false, Some("x")), Ok(None));
        assert_eq!(check_imported(BusinessCase, true, None), Ok(None));
        assert_eq!(check_imported(Besluttet, true, None), Ok(None));
        assert_eq!(
            check_imported(Afvist, false, None),
            Err(LifecycleError::ReasonRequired(Afvist))
        );
        assert_eq!(
            check_imported(Parkeret, false, Some("  ")),
            Err(LifecycleError::ReasonRequired(Parkeret))
        );
        assert_eq!(
            check_imported(Afvist, false, Some(" For dyrt ")),
            Ok(Some(ImportedStatus {
                from: Ide,
                reason: "For dyrt".into()
            }))
        );
        assert_eq!(
            check_imported(IDrift, false, None),
            Err(LifecycleError::CreatedDecidedWithoutCase(IDrift))
        );
        assert_eq!(
            check_imported(Besluttet, false, Some("Lovkrav")),
            Ok(Some(ImportedStatus {
                from: BusinessCase,
                reason: "Besluttet uden business case: Lovkrav".into()
            }))
        );
        // A reason never makes a case allowed before status business case.
        assert_eq!(
            check_imported(Vurderet, true, Some("x")),
            Err(LifecycleError::CaseTooEarly(Vurderet))
        );
        let e = LifecycleError::ReasonRequired(Afvist);
        assert_eq!((e.code(), e.field()), ("reason_required", "reason"));
    }
}
