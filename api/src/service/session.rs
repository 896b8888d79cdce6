//! Signing in and out: password sign-in, refresh-token rotation with reuse detection, and
//! sign-out.
//!
//! A sign-in starts a *family* of refresh tokens. Each refresh marks the presented token used
//! and hands out the next one of the family; presenting a used token again means it was
//! copied, so the whole family is revoked and everyone holding one of its tokens must sign in
//! again. Access tokens name their family (`sid`), so revoking it ends them too.

use chrono::{DateTime, Duration, Utc};
use entity::types::{AccountStatus, ActorRole, Role};
use entity::{refresh_token, user_account};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::auth::secret;
use crate::auth::token::IssuedToken;
use crate::auth::{password, viewer::Viewer};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::service::audit::{self, Change};
use crate::service::changes::{Changed, Changes, Committed};
use crate::service::identity::Identity;

/// What a successful sign-in or refresh hands the client.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: IssuedToken,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub account: user_account::Model,
}

/// Normalises an e-mail address as accounts store it.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn actor_role(role: Role) -> ActorRole {
    match role {
        Role::Admin => ActorRole::Admin,
        Role::Coordinator => ActorRole::Coordinator,
        Role::ProviderEditor => ActorRole::ProviderEditor,
    }
}

/// A hash to verify against when no account matches, computed once per process.
async fn decoy_hash() -> ApiResult<String> {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY
        .get_or_try_init(|| async {
            tokio::task::spawn_blocking(password::decoy_hash)
                .await
                .map_err(|err| {
                    ApiError::internal(format_args!("the decoy hash could not be made: {err}"))
                })?
        })
        .await
        .cloned()
}

/// Signs in with e-mail address and password.
pub async fn login(
    app: &Identity<'_>,
    meta: &RequestMeta,
    email: &str,
    password_text: &str,
) -> ApiResult<Session> {
    let email = normalise_email(email);
    let address = meta.address.as_deref();
    // Counted before the (slow) password check, so concurrent guesses cannot all pass.
    if let Err(retry_after_secs) = app.throttle.admit(&email, address).await {
        return Err(ApiError::RateLimited { retry_after_secs });
    }
    let account = user_account::Entity::find()
        .filter(user_account::Column::Email.eq(email.clone()))
        .one(app.db)
        .await?;
    let stored = match &account {
        Some(a) => a.password_hash.clone(),
        None => decoy_hash().await?,
    };
    let matches = app
        .passwords
        .verify(stored, password_text.to_owned())
        .await?;
    let account = match account {
        Some(a) if matches && a.status == AccountStatus::Active => a,
        other => {
            audit::record_as(
                app.db,
                None,
                ActorRole::Anonymous,
                meta,
                Change {
                    action: "session.login_failed",
                    entity_type: "user_account",
                    entity_id: other.as_ref().map(|a| a.id),
                    summary: json!({ "knownAccount": other.is_some() }),
                },
            )
            .await?;
            return Err(ApiError::BadCredentials);
        }
    };
    app.throttle.succeeded(&email, address).await;
    let now = clock::now();
    let family = ids::new_id();
    let txn = crate::db::begin_write(app.db).await?;
    let (refresh, refresh_expires_at) =
        insert_refresh_token(&txn, app, account.id, family, now).await?;
    user_account::Entity::update_many()
        .col_expr(user_account::Column::LastLoginAt, Expr::value(now))
        .filter(user_account::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    audit::record_as(
        &txn,
        Some(account.id),
        actor_role(account.role),
        meta,
        Change::new("session.login", "user_account", account.id),
    )
    .await?;
    txn.commit().await?;
    Ok(Session {
        access: app.tokens.issue(account.id, family, now)?,
        refresh_token: refresh,
        refresh_expires_at,
        account,
    })
}

/// Starts a session for an account that has just been created (an accepted invitation).
pub async fn start<C: ConnectionTrait>(
    txn: &C,
    app: &Identity<'_>,
    account: user_account::Model,
) -> ApiResult<Session> {
    let now = clock::now();
    let family = ids::new_id();
    let (refresh, refresh_expires_at) =
        insert_refresh_token(txn, app, account.id, family, now).await?;
    Ok(Session {
        access: app.tokens.issue(account.id, family, now)?,
        refresh_token: refresh,
        refresh_expires_at,
        account,
    })
}

async fn insert_refresh_token<C: ConnectionTrait>(
    db: &C,
    app: &Identity<'_>,
    account_id: Uuid,
    family: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<(String, DateTime<Utc>)> {
    let token = secret::generate("rt");
    let expires_at = now + Duration::days(i64::from(app.settings.refresh_token_ttl_days));
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        id: Set(ids::new_id()),
        account_id: Set(account_id),
        family_id: Set(family),
        token_hash: Set(secret::hash(&token)),
        expires_at: Set(expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok((token, expires_at))
}

/// Trades a refresh token for a new access token and the next refresh token.
/// A reused token revokes its whole sign-in: that write is committed (its side effects
/// are due) and the answer inside is the refusal.
pub async fn refresh(
    app: &Identity<'_>,
    meta: &RequestMeta,
    token: &str,
) -> ApiResult<Committed<ApiResult<Session>>> {
    const WHAT: &str = "refresh token";
    let now = clock::now();
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::hash(token)))
        .one(app.db)
        .await?
    else {
        return Err(ApiError::InvalidToken(WHAT));
    };
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(ApiError::InvalidToken(WHAT));
    }
    let txn = crate::db::begin_write(app.db).await?;
    // Marking the token used is the transaction's first statement and is guarded, so of two
    // concurrent refreshes with one token exactly one succeeds; the other counts as reuse.
    let marked = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected == 0 {
        revoke_family(&txn, row.family_id, now).await?;
        audit::record_as(
            &txn,
            Some(row.account_id),
            ActorRole::Anonymous,
            meta,
            Change::new("session.refresh_reuse", "user_account", row.account_id),
        )
        .await?;
        txn.commit().await?;
        tracing::warn!(family = %row.family_id, "refresh token reused: sign-in revoked");
        // The revocation is written and its side effects are due, yet the caller is refused.
        return Ok(Committed::new(
            Err(ApiError::InvalidToken(WHAT)),
            Changes::one(Changed::SignInEnded {
                session: row.family_id,
            }),
        ));
    }
    let account = user_account::Entity::find_by_id(row.account_id)
        .one(&txn)
        .await?
        .filter(|a| a.status == AccountStatus::Active)
        .ok_or(ApiError::InvalidToken(WHAT))?;
    let (next, refresh_expires_at) =
        insert_refresh_token(&txn, app, account.id, row.family_id, now).await?;
    txn.commit().await?;
    let session = Session {
        access: app.tokens.issue(account.id, row.family_id, now)?,
        refresh_token: next,
        refresh_expires_at,
        account,
    };
    Ok(Committed::new(Ok(session), Changes::none()))
}

/// Ends a sign-in: the viewer's own, and the one a refresh token belongs to, if given.
/// Returns whether anything was ended.
pub async fn logout(
    app: &Identity<'_>,
    meta: &RequestMeta,
    refresh: Option<&str>,
) -> ApiResult<Committed<bool>> {
    let now = clock::now();
    let mut families = Vec::new();
    if let Viewer::Staff(staff) = &meta.viewer {
        families.push((staff.session_id, staff.account_id));
    }
    if let Some(token) = refresh
        && let Some(row) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(secret::hash(token)))
            .one(app.db)
            .await?
    {
        families.push((row.family_id, row.account_id));
    }
    if families.is_empty() {
        return Err(match refresh {
            Some(_) => ApiError::InvalidToken("refresh token"),
            None => ApiError::Unauthenticated,
        });
    }
    let txn = crate::db::begin_write(app.db).await?;
    let mut ended = false;
    for (family, account_id) in &families {
        ended |= revoke_family(&txn, *family, now).await? > 0;
        audit::record(
            &txn,
            meta,
            Change::new("session.logout", "user_account", *account_id),
        )
        .await?;
    }
    txn.commit().await?;
    let changes = families
        .iter()
        .map(|(family, _)| Changed::SignInEnded { session: *family })
        .collect();
    Ok(Committed::new(ended, changes))
}

/// Revokes every live token of a family; returns how many.
async fn revoke_family<C: ConnectionTrait>(
    db: &C,
    family: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<u64> {
    Ok(refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Whether a sign-in is still live (not signed out, not revoked, not expired).
pub async fn is_live<C: ConnectionTrait>(db: &C, family: Uuid) -> ApiResult<bool> {
    Ok(refresh_token::Entity::find()
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .filter(refresh_token::Column::ExpiresAt.gt(clock::now()))
        .one(db)
        .await?
        .is_some())
}
