//! Weekly reminder digests.

use super::*;
use crate::{ClaimedDigest, DigestStatus};
use gevinst_domain::UserId;

const STATE_SENDING: &str = "sending";
const STATE_SENT: &str = "sent";
const STATE_FAILED: &str = "failed";

fn claimed(r: &DbRow) -> Result<ClaimedDigest> {
    let attempts: i64 = r.try_get("attempts")?;
    Ok(ClaimedDigest {
        id: r.try_get("id")?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
    })
}

#[async_trait]
impl crate::ReminderStore for ThisStore {
    async fn claim_digest(
        &self,
        tenant: TenantId,
        user: UserId,
        week: &str,
        recipient: &str,
        instance: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<ClaimedDigest>> {
        let (now, lease_until) = (micros(now), micros(lease_until));
        let inserted = sqlx::query(
            "INSERT INTO reminder_digests (tenant_id, user_id, week, recipient, state, \
             claimed_by, lease_until) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (tenant_id, user_id, week) DO NOTHING RETURNING id, attempts",
        )
        .bind(tenant.0)
        .bind(user.0)
        .bind(week)
        .bind(recipient)
        .bind(STATE_SENDING)
        .bind(instance)
        .bind(lease_until)
        .fetch_optional(&self.pool)
        .await
        .map_err(fk("tenant or user"))?;
        if let Some(r) = inserted {
            return claimed(&r).map(Some);
        }
        // Take over a failed digest due for a retry, or a claim that lapsed (an instance
        // that stopped while sending). The conditions make it one winner.
        let taken = sqlx::query(
            "UPDATE reminder_digests SET state = $1, claimed_by = $2, lease_until = $3, \
             recipient = $4 \
             WHERE tenant_id = $5 AND user_id = $6 AND week = $7 \
             AND ((state = $8 AND next_attempt_at <= $9) OR (state = $1 AND lease_until < $9)) \
             RETURNING id, attempts",
        )
        .bind(STATE_SENDING)
        .bind(instance)
        .bind(lease_until)
        .bind(recipient)
        .bind(tenant.0)
        .bind(user.0)
        .bind(week)
        .bind(STATE_FAILED)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        taken.as_ref().map(claimed).transpose()
    }

    async fn finish_digest(
        &self,
        tenant: TenantId,
        id: i64,
        subject: &str,
        now: DateTime<Utc>,
        error: Option<&str>,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let now = micros(now);
        let (state, sent_at) = match error {
            None => (STATE_SENT, Some(now)),
            Some(_) => (STATE_FAILED, None),
        };
        sqlx::query(
            "UPDATE reminder_digests SET state = $1, subject = $2, attempts = attempts + $3, \
             last_attempt_at = $4, last_error = $5, next_attempt_at = $6, sent_at = $7 \
             WHERE tenant_id = $8 AND id = $9",
        )
        .bind(state)
        .bind(subject)
        .bind(i64::from(error.is_some()))
        .bind(now)
        .bind(error.unwrap_or(""))
        .bind(next_attempt_at.map(micros))
        .bind(sent_at)
        .bind(tenant.0)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn digest_status(&self, tenant: TenantId) -> Result<DigestStatus> {
        let rows = sqlx::query(
            "SELECT recipient, week, state, subject, last_attempt_at, last_error, \
             next_attempt_at FROM reminder_digests WHERE tenant_id = $1 \
             ORDER BY last_attempt_at DESC, id DESC",
        )
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await?;
        let mut s = DigestStatus::default();
        for r in &rows {
            let state: String = r.try_get("state")?;
            let attempt: Option<DateTime<Utc>> = r.try_get("last_attempt_at")?;
            if attempt > s.last_attempt_at {
                s.last_attempt_at = attempt;
            }
            match state.as_str() {
                STATE_SENT => s.sent += 1,
                STATE_FAILED => {
                    s.failing += 1;
                    let next: Option<DateTime<Utc>> = r.try_get("next_attempt_at")?;
                    if s.next_retry_at.is_none() || next < s.next_retry_at {
                        s.next_retry_at = next;
                    }
                    if s.last_error.is_empty() {
                        s.last_error = r.try_get("last_error")?;
                    }
                }
                _ => {}
            }
            if s.recent.len() < 10 {
                s.recent.push((
                    r.try_get("recipient")?,
                    r.try_get("week")?,
                    state.clone(),
                    r.try_get("subject")?,
                ));
            }
        }
        Ok(s)
    }

    async fn replace_calendar_token(
        &self,
        tenant: TenantId,
        user: UserId,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let now = micros(now);
        let old = sqlx::query("DELETE FROM calendar_tokens WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO calendar_tokens (token_hash, tenant_id, user_id, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(tenant.0)
        .bind(user.0)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(fk("tenant or user"))?;
        let d = calendar_audit(user, old.rows_affected() > 0, true);
        insert_audit(&mut tx, &self.operator, tenant, &d, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_calendar_token(&self, tenant: TenantId, user: UserId) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM calendar_tokens WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Ok(false);
        }
        let d = calendar_audit(user, true, false);
        insert_audit(&mut tx, &self.operator, tenant, &d, now()).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn calendar_token_created(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> Result<Option<DateTime<Utc>>> {
        let row = sqlx::query(
            "SELECT created_at FROM calendar_tokens WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind(tenant.0)
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get("created_at")).transpose()?)
    }

    async fn calendar_token_owner(&self, token_hash: &str) -> Result<Option<(TenantId, UserId)>> {
        let row =
            sqlx::query("SELECT tenant_id, user_id FROM calendar_tokens WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| -> Result<(TenantId, UserId)> {
            Ok((
                TenantId(r.try_get("tenant_id")?),
                UserId(r.try_get("user_id")?),
            ))
        })
        .transpose()
    }
}

/// The audit entry of a calendar feed created (`after`) or revoked, on the user.
fn calendar_audit(user: UserId, before: bool, after: bool) -> AuditDraft {
    draft(
        EntityKind::User,
        user.0,
        if after {
            AuditAction::Create
        } else {
            AuditAction::Revoke
        },
        Some(user),
        vec![FieldChange {
            field: "calendar_feed".into(),
            before: serde_json::json!(before),
            after: serde_json::json!(after),
        }],
    )
}
