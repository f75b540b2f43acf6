//! The administration commands: `migrate`, `tenant`, `user`, `unit` and `token`.
//!
//! Every change they make is audited as the operator (`cli:USER@HOST`), never as a
//! tenant user: `token create --email` records the token's owner in the entry's changes.
//!
//! Each validates its input with the domain's own rules (the same as the web UI) and
//! explains problems in English, since this is an operator's tool.

use crate::args::{MigrateArgs, TenantCommand, TokenCommand, UnitCommand, UserCommand};
use crate::settings::DatabaseSettings;
use anyhow::{anyhow, bail, Context};
use gevinst_domain::user::validate_password;
use gevinst_domain::{FieldErrors, NewUserDraft, Role, Slug, Tenant, UnitId, UnitTree};
use gevinst_store::prelude::*;
use gevinst_store::{ErrorKind, StoreError};
use std::io::Read;

/// Opens the database (creating the data directory if needed) and runs the pending
/// migrations. Changes made through the store are recorded as the system's; see
/// [`open_store`] for the operator's commands.
pub async fn connect_store(db: &DatabaseSettings) -> anyhow::Result<DynStore> {
    if let Some(dir) = db.data_dir() {
        gevinst_store::sqlite::create_private_dir(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    }
    gevinst_store::connect(db.url(), true)
        .await
        .with_context(|| format!("cannot open the database {}", db.redacted_url()))
}

/// [`connect_store`], recording every change as made by the operator at this shell,
/// `cli:USER@HOST` (see [`operator`]).
pub async fn open_store(db: &DatabaseSettings) -> anyhow::Result<DynStore> {
    Ok(connect_store(db).await?.acting_as(&operator()))
}

/// Who runs this command, for the audit log: `cli:USER@HOST`, with the OS account the
/// process runs as (like `id -un`, not the spoofable `$USER`) and, under sudo, the
/// account that called sudo.
pub fn operator() -> String {
    let account = whoami::fallible::username().unwrap_or_else(|_| "unknown".to_owned());
    let user = match std::env::var("SUDO_USER") {
        Ok(by) if !by.is_empty() && by != account => format!("{account} (sudo {by})"),
        _ => account,
    };
    let host = whoami::fallible::hostname().unwrap_or_else(|_| "unknown".to_owned());
    gevinst_domain::audit::cli_actor(&user, &host)
}

/// `gevinst migrate [--grant-to ROLE]`.
pub async fn migrate(db: &DatabaseSettings, args: MigrateArgs) -> anyhow::Result<()> {
    let store = connect_store(db).await?;
    println!(
        "database is up to date ({}: {})",
        store.backend(),
        db.redacted_url()
    );
    if let Some(role) = args.grant_to {
        if store.backend() != "postgres" {
            bail!("--grant-to needs a PostgreSQL database; SQLite has no roles");
        }
        gevinst_store::postgres::grant_app_role(db.url(), &role)
            .await
            .with_context(|| format!("cannot grant the app role {role:?} its rights"))?;
        println!(
            "granted role {role} what gevinst needs (audit log: SELECT and INSERT only; no DDL)"
        );
    }
    Ok(())
}

/// `gevinst tenant …`.
pub async fn tenant(db: &DatabaseSettings, cmd: TenantCommand) -> anyhow::Result<()> {
    match cmd {
        TenantCommand::Add { slug, name } => {
            let slug = Slug::parse(&slug).map_err(|_| {
                anyhow!(
                    "invalid slug {slug:?}: use 2-40 characters a-z, 0-9 and '-', not starting or ending with '-'"
                )
            })?;
            let name = gevinst_domain::tenant::validate_tenant_name(&name).map_err(|_| {
                anyhow!("invalid tenant name {name:?}: it must be 1-120 characters")
            })?;
            let store = open_store(db).await?;
            let tenant = store
                .create_tenant(&slug, &name)
                .await
                .map_err(|e| match e.kind() {
                    ErrorKind::Duplicate => anyhow!("a tenant with the slug {slug} already exists"),
                    _ => anyhow!(e).context("cannot create the tenant"),
                })?;
            println!(
                "created tenant {} \"{}\" (id {})",
                tenant.slug, tenant.name, tenant.id
            );
        }
        TenantCommand::List => {
            let store = open_store(db).await?;
            let tenants = store.list_tenants().await.context("cannot list tenants")?;
            if tenants.is_empty() {
                eprintln!("no tenants yet; create one with `gevinst tenant add --slug S --name N`");
            }
            for t in tenants {
                println!("{:<6} {:<24} {}", t.id, t.slug, t.name);
            }
        }
    }
    Ok(())
}

/// `gevinst user …`.
pub async fn user(db: &DatabaseSettings, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add {
            tenant,
            email,
            name,
            role,
            units,
            password_stdin,
        } => {
            if !password_stdin {
                bail!("give --password-stdin and pipe the password in");
            }
            // Cheap checks first, so a typo fails before the password is read.
            let role_ok = Role::parse(&role)
                .ok_or_else(|| anyhow!("unknown role {role:?}: use one of {}", role_names()))?;
            let password = read_password(std::io::stdin().lock())?;
            validate_password(&password, &[&email, &name, &tenant]).map_err(|e| {
                match e.0.first().map(|f| f.code.as_str()) {
                    Some("too_weak") => anyhow!(
                        "the password is too easy to guess: use e.g. three or four random words joined by hyphens"
                    ),
                    _ => anyhow!(
                        "the password must be 10-200 characters long (got {})",
                        password.chars().count()
                    ),
                }
            })?;

            let store = open_store(db).await?;
            let tenant = find_tenant(&store, &tenant).await?;
            let known = store
                .list_units(tenant.id)
                .await
                .context("cannot read the units")?;
            let draft = NewUserDraft {
                email: email.clone(),
                name,
                role,
                units: units.iter().copied().map(UnitId).collect(),
            };
            let valid = draft
                .validate(|u| known.iter().any(|k| k.id == u))
                .map_err(|e| anyhow!(explain_user_errors(&e, &email, &units, &tenant)))?;
            if role_ok.is_unit_scoped() && valid.units.is_empty() {
                eprintln!(
                    "note: a {} without --unit has rights in no unit yet; see `gevinst unit list --tenant {}`",
                    role_ok.as_str(),
                    tenant.slug
                );
            }
            let hash = gevinst_app::auth::hash_password(&password).map_err(|e| anyhow!("{e}"))?;
            let user = store
                .create_user(tenant.id, None, &valid, &hash)
                .await
                .map_err(|e| match e.kind() {
                    ErrorKind::Duplicate => {
                        anyhow!(
                            "a user with the e-mail {} already exists in tenant {}",
                            valid.email,
                            tenant.slug
                        )
                    }
                    _ => anyhow!(e).context("cannot create the user"),
                })?;
            println!(
                "created user {} ({}) in tenant {} (id {})",
                user.email,
                user.role.as_str(),
                tenant.slug,
                user.id
            );
        }
        UserCommand::List { tenant } => {
            let store = open_store(db).await?;
            let tenant = find_tenant(&store, &tenant).await?;
            let users = store
                .list_users(tenant.id)
                .await
                .context("cannot list users")?;
            for u in users {
                let units: Vec<String> = u.units.iter().map(ToString::to_string).collect();
                println!(
                    "{:<6} {:<32} {:<16} {:<8} {:<12} {}",
                    u.id,
                    u.email,
                    u.role.as_str(),
                    if u.active { "active" } else { "inactive" },
                    if units.is_empty() {
                        "-".to_owned()
                    } else {
                        units.join(",")
                    },
                    u.name
                );
            }
        }
    }
    Ok(())
}

/// `gevinst unit …`.
pub async fn unit(db: &DatabaseSettings, cmd: UnitCommand) -> anyhow::Result<()> {
    match cmd {
        UnitCommand::List { tenant } => {
            let store = open_store(db).await?;
            let tenant = find_tenant(&store, &tenant).await?;
            let units = store
                .list_units(tenant.id)
                .await
                .context("cannot list units")?;
            let tree = UnitTree::new(units);
            for (depth, u) in tree.flatten() {
                let inactive = if u.active { "" } else { " (inactive)" };
                println!("{:<6} {}{}{}", u.id, "  ".repeat(depth), u.name, inactive);
            }
        }
    }
    Ok(())
}

/// `gevinst token …`.
pub async fn token(db: &DatabaseSettings, cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create {
            tenant,
            email,
            name,
            expires_days,
        } => {
            let label = gevinst_app::auth::token_name(&name)
                .map_err(|_| anyhow!("the token --name must be 1-80 characters"))?;
            let expires_at = gevinst_app::auth::token_expiry(expires_days, chrono::Utc::now())
                .map_err(|_| {
                    anyhow!(
                        "--expires-days must be 1-{}",
                        gevinst_app::auth::MAX_TOKEN_DAYS
                    )
                })?;
            let store = open_store(db).await?;
            let tenant = find_tenant(&store, &tenant).await?;
            let lookup = email.trim().to_lowercase();
            let creds = store.user_credentials(tenant.id, &lookup).await.map_err(|e| {
                if e.is_not_found() {
                    anyhow!("no user with the e-mail {lookup} in tenant {} (see `gevinst user list`)", tenant.slug)
                } else {
                    anyhow!(e).context("cannot read the user")
                }
            })?;
            if !creds.user.active {
                bail!(
                    "the user {} is deactivated; a token would not work",
                    creds.user.email
                );
            }
            let (token, hash) = gevinst_app::auth::new_api_token();
            store
                .create_api_token(tenant.id, None, creds.user.id, &label, &hash, expires_at)
                .await
                .context("cannot store the token")?;
            println!("{token}");
        }
    }
    Ok(())
}

/// The tenant with this slug (case and surrounding spaces ignored); an unknown one is an
/// error that points to `gevinst tenant list`.
pub(crate) async fn find_tenant(store: &DynStore, slug: &str) -> anyhow::Result<Tenant> {
    let wanted = slug.trim().to_lowercase();
    store
        .tenant_by_slug(&wanted)
        .await
        .map_err(|e: StoreError| {
            if e.is_not_found() {
                anyhow!("unknown tenant {slug:?} (see `gevinst tenant list`)")
            } else {
                anyhow!(e).context("cannot read the tenant")
            }
        })
}

/// An application error as a CLI error: field errors as their messages joined by "; ",
/// anything else with `what` as context.
pub(crate) fn app_error(e: gevinst_app::AppError, what: &str) -> anyhow::Error {
    match e {
        gevinst_app::AppError::Invalid(f) => anyhow!(
            "{what}: {}",
            f.0.iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow!(other).context(what.to_owned()),
    }
}

/// Reads a password from `input`: at most 4 KiB, without its trailing newline.
fn read_password(input: impl Read) -> anyhow::Result<String> {
    let mut buf = String::new();
    input
        .take(4096)
        .read_to_string(&mut buf)
        .context("cannot read the password from standard input (is it UTF-8?)")?;
    let pw = buf.strip_suffix('\n').unwrap_or(&buf);
    let pw = pw.strip_suffix('\r').unwrap_or(pw);
    if pw.is_empty() {
        bail!("no password on standard input; pipe it in, e.g. printf '%s' \"$PASSWORD\" | gevinst user add …");
    }
    Ok(pw.to_owned())
}

fn role_names() -> String {
    Role::ALL
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The English explanation of a user draft's field errors.
fn explain_user_errors(
    errors: &FieldErrors,
    email: &str,
    units: &[i64],
    tenant: &Tenant,
) -> String {
    let parts: Vec<String> = errors
        .0
        .iter()
        .map(|e| match (e.field.as_str(), e.code.as_str()) {
            ("email", _) => format!("invalid e-mail address {email:?}"),
            ("name", "required") => "the name is empty".to_owned(),
            ("name", "too_long") => "the name is longer than 120 characters".to_owned(),
            ("role", _) => format!("unknown role: use one of {}", role_names()),
            ("units", _) => format!(
                "unknown unit id among {units:?} in tenant {} (see `gevinst unit list --tenant {}`)",
                tenant.slug, tenant.slug
            ),
            (field, _) => format!("{field}: {}", e.message),
        })
        .collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_loses_only_its_trailing_newline() {
        assert_eq!(
            read_password(&b"hemmelig kode\n"[..]).unwrap(),
            "hemmelig kode"
        );
        assert_eq!(
            read_password(&b"hemmelig kode\r\n"[..]).unwrap(),
            "hemmelig kode"
        );
        assert_eq!(
            read_password(&b" mellemrum \n\n"[..]).unwrap(),
            " mellemrum \n"
        );
        assert_eq!(
            read_password(&b"ingen-linjeskift"[..]).unwrap(),
            "ingen-linjeskift"
        );
        assert!(read_password(&b"\n"[..]).is_err());
        assert!(read_password(&b""[..]).is_err());
        assert!(read_password(&[0xff, 0xfe][..]).is_err());
    }

    #[test]
    fn user_errors_are_explained_in_english() {
        let tenant = Tenant {
            id: gevinst_domain::TenantId(1),
            slug: Slug::parse("eksempel").unwrap(),
            name: "Eksempel Kommune".into(),
            version: 1,
        };
        let draft = NewUserDraft {
            email: "nope".into(),
            name: " ".into(),
            role: "boss".into(),
            units: vec![UnitId(7)],
        };
        let e = draft.validate(|_| false).unwrap_err();
        let text = explain_user_errors(&e, "nope", &[7], &tenant);
        assert!(text.contains("invalid e-mail address \"nope\""), "{text}");
        assert!(text.contains("the name is empty"));
        assert!(text.contains("unknown role"));
        assert!(text.contains("unknown unit id among [7]"));
    }
}
