//! The lifecycle rules of [`gevinst_domain::lifecycle`] for a potential an import creates:
//! the reason a status needs comes from the row (a mapped column such as «Begrundelse»)
//! or from the one reason the user gives for all rows without one.

use gevinst_domain::lifecycle::{self, ImportedStatus, LifecycleError};
use gevinst_domain::Status;

use super::candidate::Candidate;
use super::model::ImportChoices;

/// Why a new row's status cannot be imported as it is.
pub(super) struct Refusal {
    /// The Danish message for the row.
    pub(super) message: String,
    /// True when a reason would make the row importable.
    pub(super) missing_reason: bool,
}

/// Checks creating `c` in `status`: `Ok` with the status change to record (if the status
/// needs one), or the row's refusal. Rows of gevinst's own export carry decisions made in
/// gevinst, with their reasons recorded there: they are created without a new record,
/// and a decided row without its case gets a warning in `warnings`.
pub(super) fn new_status_change(
    c: &Candidate,
    status: Status,
    choices: &ImportChoices,
    warnings: &mut Vec<String>,
) -> Result<Option<ImportedStatus>, Refusal> {
    let has_case = c.case.is_some();
    if c.exact {
        return match lifecycle::check_created(status, has_case) {
            Ok(()) => Ok(None),
            Err(LifecycleError::CreatedDecidedWithoutCase(s)) => {
                warnings.push(format!(
                    "Potentialet får status «{}» uden business case, fordi filen ikke har business casen med. Importér eksporten som regneark (xlsx) for at få den med.",
                    s.label()
                ));
                Ok(None)
            }
            Err(e) => Err(refusal(e)),
        };
    }
    let row_reason = c.status_reason.as_deref().filter(|r| !r.trim().is_empty());
    let reason = row_reason.or_else(|| choices.default_reason());
    lifecycle::check_imported(status, has_case, reason).map_err(refusal)
}

/// A lifecycle refusal as a row error, with what to do in the file.
pub(super) fn refusal(e: LifecycleError) -> Refusal {
    let (message, missing_reason) = match e {
        LifecycleError::CaseTooEarly(s) => (
            format!(
                "Rækken har tal til en business case, men status «{}». En business case kan først oprettes fra status «Business case»: ret status i filen, eller fjern tallene.",
                s.label()
            ),
            false,
        ),
        LifecycleError::CreatedDecidedWithoutCase(s) => (
            format!(
                "Rækken har status «{}», men ingen tal til en business case. Besluttet og senere kræver en business case eller en begrundelse for at beslutte uden: tilføj tallene eller en begrundelse i rækken (fx i en kolonne «Begrundelse»), eller giv én begrundelse for alle rækker uden.",
                s.label()
            ),
            true,
        ),
        LifecycleError::ReasonRequired(s) => (
            format!(
                "Rækken har status «{}», som kræver en begrundelse, men rækken har ingen. Tilføj begrundelsen i filen (fx i en kolonne «Begrundelse» eller «Årsag»), eller giv én begrundelse for alle rækker uden.",
                s.label()
            ),
            true,
        ),
        other => (other.to_string(), false),
    };
    Refusal {
        message,
        missing_reason,
    }
}
