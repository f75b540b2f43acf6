//! The administration commands: `migrate`, `tenant`, `user`, `unit` and `token`.
//!
//! Every change they make is audited as the operator (`cli:USER@HOST`), never as a
//! tenant user: `token create --email` records the token's owner in the entry's changes.
//!
//! Each validates its input with the domain's own rules (the same as the web UI) and
//! explains problems in English, since this is an operator's tool.

use crate::args::{MigrateArgs, TenantCommand, TokenCommand, UnitCommand, UserCommand};
use crate::settings::DatabaseSettings;
use crate::store::{grant_app_role, open_app, open_operator_app};
use anyhow::{anyhow, bail, Context};
use gevinst_app::{App, AppError};
use gevinst_domain::user::validate_password;
use gevinst_domain::{FieldErrors, NewUserDraft, Role, Slug, Tenant, UnitId, UnitTree};
use std::io::Read;

/// `gevinst migrate [--grant-to ROLE]`.
pub async fn migrate(db: &DatabaseSettings, args: MigrateArgs) -> anyhow::Result<()> {
    let app = open_app(db).await?;
    println!(
        "database is up to date ({}: {})",
        app.backend(),
        db.redacted_url()
    );
    if let Some(role) = args.grant_to {
        if app.backend() != "postgres" {
            bail!("--grant-to needs a PostgreSQL database; SQLite has no roles");
        }
        grant_app_role(db, &role).await?;
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
            let app = open_operator_app(db).await?;
            let tenant = app
                .operator()
                .create_tenant(slug.as_str(), &name)
                .await
                .map_err(|e| match e {
                    AppError::Invalid(f) if has_code(&f, "slug", "duplicate") => {
                        anyhow!("a tenant with the slug {slug} already exists")
                    }
                    e => app_error(e, "cannot create the tenant"),
                })?;
            println!(
                "created tenant {} \"{}\" (id {})",
                tenant.slug, tenant.name, tenant.id
            );
        }
        TenantCommand::List => {
            let app = open_operator_app(db).await?;
            let tenants = app
                .operator()
                .tenants()
                .await
                .map_err(|e| app_error(e, "cannot list tenants"))?;
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

            let app = open_operator_app(db).await?;
            let tenant = find_tenant(&app, &tenant).await?;
            let draft = NewUserDraft {
                email: email.clone(),
                name,
                role,
                units: units.iter().copied().map(UnitId).collect(),
            };
            if role_ok.is_unit_scoped() && draft.units.is_empty() {
                eprintln!(
                    "note: a {} without --unit has rights in no unit yet; see `gevinst unit list --tenant {}`",
                    role_ok.as_str(),
                    tenant.slug
                );
            }
            let user = app
                .operator()
                .create_user(&tenant, &draft, &password)
                .await
                .map_err(|e| match e {
                    AppError::Invalid(f) if has_code(&f, "email", "duplicate") => anyhow!(
                        "a user with the e-mail {} already exists in tenant {}",
                        email.trim().to_lowercase(),
                        tenant.slug
                    ),
                    AppError::Invalid(f) => {
                        anyhow!(explain_user_errors(&f, &email, &units, &tenant))
                    }
                    e => app_error(e, "cannot create the user"),
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
            let app = open_operator_app(db).await?;
            let tenant = find_tenant(&app, &tenant).await?;
            let users = app
                .operator()
                .users(&tenant)
                .await
                .map_err(|e| app_error(e, "cannot list users"))?;
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
            let app = open_operator_app(db).await?;
            let tenant = find_tenant(&app, &tenant).await?;
            let units = app
                .operator()
                .units(&tenant)
                .await
                .map_err(|e| app_error(e, "cannot list units"))?;
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
            let app = open_operator_app(db).await?;
            let tenant = find_tenant(&app, &tenant).await?;
            let (token, _) = app
                .operator()
                .create_token(&tenant, &email, &name, expires_days)
                .await
                .map_err(|e| match e {
                    AppError::Invalid(f) => anyhow!(explain_token_errors(&f, &email, &tenant)),
                    e => app_error(e, "cannot store the token"),
                })?;
            println!("{token}");
        }
    }
    Ok(())
}

/// The tenant with this slug (case and surrounding spaces ignored); an unknown one is an
/// error that points to `gevinst tenant list`.
pub(crate) async fn find_tenant(app: &App, slug: &str) -> anyhow::Result<Tenant> {
    app.operator().tenant(slug).await.map_err(|e| match e {
        AppError::NotFound => anyhow!("unknown tenant {slug:?} (see `gevinst tenant list`)"),
        e => anyhow!(e).context("cannot read the tenant"),
    })
}

/// Whether `errors` hold one on `field` with `code`.
fn has_code(errors: &FieldErrors, field: &str, code: &str) -> bool {
    errors.0.iter().any(|e| e.field == field && e.code == code)
}

/// The English explanation of a token's field errors.
fn explain_token_errors(errors: &FieldErrors, email: &str, tenant: &Tenant) -> String {
    let lookup = email.trim().to_lowercase();
    let parts: Vec<String> = errors
        .0
        .iter()
        .map(|e| match (e.field.as_str(), e.code.as_str()) {
            ("email", "inactive") => {
                format!("the user {lookup} is deactivated; a token would not work")
            }
            ("email", _) => format!(
                "no user with the e-mail {lookup} in tenant {} (see `gevinst user list`)",
                tenant.slug
            ),
            ("name", _) => "the token --name must be 1-80 characters".to_owned(),
            _ => format!(
                "--expires-days must be 1-{}",
                gevinst_app::auth::MAX_TOKEN_DAYS
            ),
        })
        .collect();
    parts.join("; ")
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
