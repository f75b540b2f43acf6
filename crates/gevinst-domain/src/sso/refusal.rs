//! Why a sign-in with the provider was refused, in words for the refusal page and codes for
//! the log and the audit entry.

/// What was wrong with the provider's answer. Each is logged and audited with its code;
/// the person sees one plain Danish sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// The ID token's signature does not verify against the provider's keys.
    BadSignature,
    /// The token names another issuer than the tenant's provider.
    WrongIssuer,
    /// The token is meant for another client (`aud`).
    WrongAudience,
    /// The token has expired (beyond the allowed clock skew) or is not yet valid.
    Expired,
    /// The nonce does not match the one this sign-in sent.
    WrongNonce,
    /// Anything else the token check refused.
    Invalid,
}

impl TokenProblem {
    /// The stable code, e.g. `bad_signature`.
    pub fn code(self) -> &'static str {
        match self {
            TokenProblem::BadSignature => "bad_signature",
            TokenProblem::WrongIssuer => "wrong_issuer",
            TokenProblem::WrongAudience => "wrong_audience",
            TokenProblem::Expired => "expired",
            TokenProblem::WrongNonce => "wrong_nonce",
            TokenProblem::Invalid => "invalid_token",
        }
    }
}

/// Every reason a sign-in through the provider ends without a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The person's groups map to no role in this municipality.
    NoMappedGroup {
        /// Whom to ask ([`super::SsoSettings::access_contact`], or the admins' names).
        contact: String,
    },
    /// The provider sent no usable e-mail in the configured claim.
    MissingEmail {
        /// The claim name looked for.
        claim: String,
    },
    /// The account exists but is deactivated in gevinst.
    Deactivated,
    /// A local user has the same e-mail and has not been linked by an administrator.
    LinkPending,
    /// The returned state is unknown, expired or already used (a replay or a stale tab).
    BadState,
    /// The provider's token failed a check.
    Token(TokenProblem),
    /// The provider could not be reached or answered with an error.
    ProviderUnavailable,
    /// The provider reported an error in the redirect (e.g. `access_denied`).
    ProviderError {
        /// The provider's `error` code, e.g. `access_denied`.
        error: String,
    },
    /// Single sign-on is not set up or not enabled for this municipality.
    NotEnabled,
}

impl Refusal {
    /// The stable code for logs, audit entries and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NoMappedGroup { .. } => "no_mapped_group",
            Refusal::MissingEmail { .. } => "missing_email",
            Refusal::Deactivated => "deactivated",
            Refusal::LinkPending => "link_pending",
            Refusal::BadState => "bad_state",
            Refusal::Token(p) => p.code(),
            Refusal::ProviderUnavailable => "provider_unavailable",
            Refusal::ProviderError { .. } => "provider_error",
            Refusal::NotEnabled => "not_enabled",
        }
    }

    /// The Danish heading and explanation the refusal page shows.
    pub fn message(&self) -> (&'static str, String) {
        match self {
            Refusal::NoMappedGroup { contact } => (
                "Du har ikke adgang til gevinst",
                format!(
                    "Du er logget ind hos kommunens login, men du er ikke med i en gruppe, \
                     der giver adgang til gevinst. Bed {contact} om at give dig adgang, og \
                     log så ind igen."
                ),
            ),
            Refusal::MissingEmail { claim } => (
                "Login mangler din e-mailadresse",
                format!(
                    "Kommunens login sendte ikke din e-mailadresse (claim «{claim}»), så \
                     gevinst kan ikke vide, hvem du er. Kontakt kommunens IT-afdeling."
                ),
            ),
            Refusal::Deactivated => (
                "Din bruger er deaktiveret",
                "Din bruger i gevinst er deaktiveret. Kontakt en administrator i gevinst, \
                 hvis du skal have adgang igen."
                    .to_owned(),
            ),
            Refusal::LinkPending => (
                "Din bruger venter på at blive koblet",
                "Der findes allerede en bruger i gevinst med din e-mailadresse. En \
                 administrator skal godkende, at den kobles til kommunens login, før du kan \
                 logge ind på denne måde. Din anmodning er sendt."
                    .to_owned(),
            ),
            Refusal::BadState => (
                "Login-forsøget er udløbet",
                "Login-forsøget var allerede brugt eller for gammelt. Start forfra fra \
                 login-siden."
                    .to_owned(),
            ),
            Refusal::Token(_) => (
                "Svaret fra kommunens login kunne ikke godkendes",
                "Svaret fra kommunens login bestod ikke kontrollen, så du er ikke logget ind. \
                 Prøv igen; sker det igen, så kontakt kommunens IT-afdeling."
                    .to_owned(),
            ),
            Refusal::ProviderUnavailable => (
                "Kommunens login svarer ikke",
                "gevinst kunne ikke få kontakt til kommunens login. Prøv igen om lidt. \
                 Administratorer med nødadgang kan logge ind med adgangskode."
                    .to_owned(),
            ),
            Refusal::ProviderError { .. } => (
                "Kommunens login afviste forsøget",
                "Kommunens login afsluttede login-forsøget uden at logge dig ind. Prøv igen, \
                 eller kontakt kommunens IT-afdeling."
                    .to_owned(),
            ),
            Refusal::NotEnabled => (
                "Single sign-on er ikke slået til",
                "Kommunen har ikke slået login med kommunens login til i gevinst. Log ind med \
                 e-mail og adgangskode."
                    .to_owned(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_a_code_and_danish_words() {
        let all = [
            Refusal::NoMappedGroup {
                contact: "IT-servicedesk".into(),
            },
            Refusal::MissingEmail {
                claim: "email".into(),
            },
            Refusal::Deactivated,
            Refusal::LinkPending,
            Refusal::BadState,
            Refusal::Token(TokenProblem::BadSignature),
            Refusal::ProviderUnavailable,
            Refusal::ProviderError {
                error: "access_denied".into(),
            },
            Refusal::NotEnabled,
        ];
        let mut codes: Vec<_> = all.iter().map(Refusal::code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for r in &all {
            let (heading, text) = r.message();
            assert!(!heading.is_empty() && text.len() > 40, "{r:?}");
        }
        assert!(all[0].message().1.contains("IT-servicedesk"));
    }
}
