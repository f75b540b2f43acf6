//! Sign-in: browser sessions, personal API tokens and login throttling.

use super::audit_log::append_events;
use super::*;
use crate::FailedLogin;
use crate::{ActorId, ApiTokenInfo, ApiTokenUse, Result, SessionRecord, StoreError};
use chrono::{DateTime, Utc};
use gevinst_domain::login_throttle::KeyHistory;
use gevinst_domain::{AuditAction, EntityKind, TenantId, UserId};
use gevinst_domain::{AuditDraft, FieldChange};
use serde_json::Value;

const TOKEN_COLS: &str =
    "id, user_id, name, created_at, last_used_at, revoked, expires_at, last_used_from";

fn token_row(r: &DbRow) -> Result<ApiTokenInfo> {
    Ok(ApiTokenInfo {
        id: r.try_get("id")?,
        user_id: UserId(r.try_get("user_id")?),
        name: r.try_get("name")?,
        created_at: r.try_get("created_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked: r.try_get("revoked")?,
        expires_at: r.try_get("expires_at")?,
        last_used_from: r.try_get("last_used_from")?,
    })
}

/// Revokes a live token and writes its audit entry by `actor`.
async fn revoke_token_row(
    conn: &mut Conn,
    operator: &str,
    tenant: TenantId,
    actor: ActorId,
    before: ApiTokenInfo,
) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET revoked = TRUE WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(before.id)
        .execute(&mut *conn)
        .await?;
    let after = ApiTokenInfo {
        revoked: true,
        ..before.clone()
    };
    let d = draft(
        EntityKind::ApiToken,
        before.id,
        AuditAction::Revoke,
        actor,
        audit::changes(&before, &after),
    );
    insert_audit(conn, operator, tenant, &d, now()).await
}

/// A sign-in event (login, logout, failed login, lockout) keyed by the user (0 for an
/// e-mail that matched no user), with `facts` that are present as its changes.
fn session_event(
    action: AuditAction,
    user_key: i64,
    user: Option<UserId>,
    facts: &[(&str, Option<&str>)],
) -> AuditDraft {
    let changes = facts
        .iter()
        .filter_map(|(field, value)| {
            value.map(|v| FieldChange {
                field: (*field).to_owned(),
                before: Value::Null,
                after: Value::String(v.to_owned()),
            })
        })
        .collect();
    AuditDraft {
        entity: EntityKind::Session,
        entity_id: user_key,
        action,
        user_id: user,
        actor: None,
        changes,
        reason: None,
    }
}

/// The session with this hash if it is live at `now`: unexpired, and its user active.
async fn live_session(
    conn: &mut Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionRecord>> {
    let row = sqlx::query(
        "SELECT s.token_hash, s.tenant_id, s.user_id, s.csrf_token, s.expires_at, s.last_seen_at \
         FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at IS NOT NULL \
         AND u.active = TRUE",
    )
    .bind(token_hash)
    .bind(micros(now))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    Ok(Some(SessionRecord {
        token_hash: r.try_get("token_hash")?,
        tenant_id: TenantId(r.try_get("tenant_id")?),
        user_id: UserId(r.try_get("user_id")?),
        csrf_token: r.try_get("csrf_token")?,
        expires_at: r.try_get("expires_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
    }))
}

#[async_trait]
impl crate::AccessStore for ThisStore {
    async fn create_session(&self, session: &SessionRecord, client: Option<&str>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, tenant_id, user_id, csrf_token, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind(session.tenant_id.0)
        .bind(session.user_id.0)
        .bind(&session.csrf_token)
        .bind(micros(session.expires_at))
        .bind(micros(session.last_seen_at))
        .execute(&mut *tx)
        .await
        .map_err(fk("user"))?;
        let user = session.user_id;
        let event = session_event(
            AuditAction::Login,
            user.0,
            Some(user),
            &[("client", client)],
        );
        self.finish_with_audit(tx, session.tenant_id, &event, now())
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<SessionRecord> {
        let mut conn = self.pool.acquire().await?;
        live_session(&mut conn, token_hash, now)
            .await?
            .ok_or_else(|| StoreError::not_found("session"))
    }

    async fn end_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        client: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let live = live_session(&mut tx, token_hash, now).await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        if let Some(record) = live {
            let user = record.user_id;
            let event = session_event(
                AuditAction::Logout,
                user.0,
                Some(user),
                &[("client", client)],
            );
            insert_audit(&mut tx, &self.operator, record.tenant_id, &event, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn record_failed_login(&self, tenant: TenantId, failure: &FailedLogin<'_>) -> Result<()> {
        let id = failure.user.map_or(0, |u| u.0);
        let facts = [("email", Some(failure.email)), ("client", failure.client)];
        let mut events = vec![session_event(AuditAction::LoginFailed, id, None, &facts)];
        if failure.lockout {
            events.push(session_event(AuditAction::Lockout, id, None, &facts));
        }
        append_events(self, tenant, &events).await
    }

    async fn record_token_use(&self, used: &ApiTokenUse, client: &str) -> Result<()> {
        let change = FieldChange {
            field: "client".into(),
            before: used
                .previous_client
                .clone()
                .map_or(Value::Null, Value::String),
            after: Value::String(client.to_owned()),
        };
        let event = AuditDraft {
            entity: EntityKind::ApiToken,
            changes: vec![change],
            ..session_event(
                AuditAction::TokenUse,
                used.token_id,
                Some(used.user_id),
                &[],
            )
        };
        append_events(self, used.tenant_id, &[event]).await
    }

    async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(micros(now))
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_user_sessions(
        &self,
        tenant: TenantId,
        user: UserId,
        keep: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND token_hash <> $3",
        )
        .bind(tenant.0)
        .bind(user.0)
        .bind(keep.unwrap_or(""))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn create_api_token(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
        name: &str,
        token_hash: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<ApiTokenInfo> {
        let mut tx = self.begin_write().await?;
        let at = now();
        let sql = format!(
            "INSERT INTO api_tokens (tenant_id, user_id, token_hash, name, created_at, revoked, expires_at) \
             VALUES ($1, $2, $3, $4, $5, FALSE, $6) RETURNING {TOKEN_COLS}"
        );
        let row = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .bind(token_hash)
            .bind(name)
            .bind(at)
            .bind(expires_at.map(micros))
            .fetch_one(&mut *tx)
            .await
            .map_err(fk("user"))?;
        let info = token_row(&row)?;
        let d = created(EntityKind::ApiToken, info.id, actor, &info);
        self.finish_with_audit(tx, tenant, &d, at).await?;
        Ok(info)
    }

    async fn use_api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        client: Option<&str>,
    ) -> Result<ApiTokenUse> {
        let now = micros(now);
        let row = sqlx::query(
            "SELECT t.id AS id, t.tenant_id AS tenant_id, t.user_id AS user_id, \
             t.last_used_from AS last_used_from FROM api_tokens t \
             JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked = FALSE AND u.active = TRUE \
             AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Err(StoreError::not_found("API token"));
        };
        let found = ApiTokenUse {
            token_id: r.try_get("id")?,
            tenant_id: TenantId(r.try_get("tenant_id")?),
            user_id: UserId(r.try_get("user_id")?),
            previous_client: r.try_get("last_used_from")?,
        };
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1, \
             last_used_from = COALESCE($2, last_used_from) WHERE id = $3",
        )
        .bind(now)
        .bind(client)
        .bind(found.token_id)
        .execute(&self.pool)
        .await?;
        Ok(found)
    }

    async fn revoke_user_tokens(
        &self,
        tenant: TenantId,
        actor: ActorId,
        user: UserId,
    ) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 AND revoked = FALSE"
        );
        let live = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .fetch_all(&mut *tx)
            .await?;
        for row in &live {
            revoke_token_row(&mut tx, &self.operator, tenant, actor, token_row(row)?).await?;
        }
        tx.commit().await?;
        Ok(live.len() as u64)
    }

    async fn list_api_tokens(&self, tenant: TenantId, user: UserId) -> Result<Vec<ApiTokenInfo>> {
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_row).collect()
    }

    async fn revoke_api_token(&self, tenant: TenantId, user: UserId, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {TOKEN_COLS} FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 AND id = $3"
        );
        let row = sqlx::query(&sql)
            .bind(tenant.0)
            .bind(user.0)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::not_found(format!("API token {id}")));
        };
        let before = token_row(&row)?;
        if before.revoked {
            return Ok(());
        }
        revoke_token_row(&mut tx, &self.operator, tenant, Some(user), before).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reserve_login_attempt(
        &self,
        attempt: &str,
        keys: &[String],
        at: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<Vec<KeyHistory>> {
        // Committed first, counted after: of two parallel attempts, the one that counts
        // later sees the other's rows.
        let mut tx = self.begin_write().await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at, attempt) VALUES ($1, $2, $3)")
                .bind(key)
                .bind(micros(at))
                .bind(attempt)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let mut histories = Vec::with_capacity(keys.len());
        for key in keys {
            // Times sort correctly as stored on both databases (RFC 3339 text in SQLite).
            let rows = sqlx::query(
                "SELECT at FROM login_failures WHERE key = $1 AND at >= $2 \
                 AND (attempt IS NULL OR attempt <> $3) ORDER BY at",
            )
            .bind(key)
            .bind(micros(since))
            .bind(attempt)
            .fetch_all(&self.pool)
            .await?;
            let times = rows
                .iter()
                .map(|r| r.try_get::<DateTime<Utc>, _>("at"))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            histories.push(KeyHistory {
                count: u32::try_from(times.len()).unwrap_or(u32::MAX),
                oldest: times.first().copied(),
                newest: times.last().copied(),
            });
        }
        Ok(histories)
    }

    async fn release_login_attempt(&self, attempt: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
            .bind(attempt)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
