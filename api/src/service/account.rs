//! Staff accounts: the viewer behind an access token, the first administrator, and
//! invitations (the only way to a staff role: there is no open sign-up).

use chrono::Duration;
use entity::types::{AccountStatus, RegionKind, Role};
use entity::{
    account_scope, invitation, invitation_scope, mentoring_pool, provider, region, user_account,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::auth::token::VerifiedToken;
use crate::auth::{StaffViewer, password, secret};
use crate::clock;
use crate::config::Settings;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::ids;
use crate::service::audit::{self, Change};
use crate::service::identity::Identity;
use crate::service::session::{self, Session, normalise_email};
use crate::service::text;

/// The viewer an access token names, if its account is active and its sign-in live
/// (`known_live`: someone checked the sign-in's liveness within the remembering window).
pub async fn load_viewer<C: ConnectionTrait>(
    db: &C,
    token: VerifiedToken,
    known_live: bool,
) -> ApiResult<Option<StaffViewer>> {
    let Some(account) = user_account::Entity::find_by_id(token.account_id)
        .filter(user_account::Column::Status.eq(AccountStatus::Active))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if !known_live && !session::is_live(db, token.session_id).await? {
        return Ok(None);
    }
    let scope = scope_of(db, account.id).await?;
    Ok(Some(StaffViewer {
        account_id: account.id,
        session_id: token.session_id,
        role: account.role,
        provider_ids: scope.provider_ids,
        region_ids: scope.region_ids,
        pool_ids: scope.pool_ids,
    }))
}

/// An account by id.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> ApiResult<Option<user_account::Model>> {
    Ok(user_account::Entity::find_by_id(id).one(db).await?)
}

/// The active accounts scoped to a provider, by name.
pub async fn members_of_provider<C: ConnectionTrait>(
    db: &C,
    provider_id: Uuid,
) -> ApiResult<Vec<user_account::Model>> {
    let ids: Vec<Uuid> = account_scope::Entity::find()
        .filter(account_scope::Column::ProviderId.eq(provider_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.account_id)
        .collect();
    Ok(user_account::Entity::find()
        .filter(user_account::Column::Id.is_in(ids))
        .filter(user_account::Column::Status.eq(AccountStatus::Active))
        .order_by_asc(user_account::Column::DisplayName)
        .all(db)
        .await?)
}

/// What an account or invitation may act on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub provider_ids: Vec<Uuid>,
    pub region_ids: Vec<Uuid>,
    pub pool_ids: Vec<Uuid>,
}

/// The scopes of an account.
pub async fn scope_of<C: ConnectionTrait>(db: &C, account_id: Uuid) -> ApiResult<Scope> {
    let rows = account_scope::Entity::find()
        .filter(account_scope::Column::AccountId.eq(account_id))
        .all(db)
        .await?;
    Ok(Scope {
        provider_ids: rows.iter().filter_map(|s| s.provider_id).collect(),
        region_ids: rows.iter().filter_map(|s| s.region_id).collect(),
        pool_ids: rows.iter().filter_map(|s| s.pool_id).collect(),
    })
}

fn check_email(field: &str, email: &str, errors: &mut Vec<FieldError>) {
    if let Err(message) = text::email(email) {
        errors.push(FieldError::new(field, message));
    }
}

fn check_name(field: &str, name: &str, errors: &mut Vec<FieldError>) {
    text::plain(field, Some(name), 1, 120, errors);
}

/// Creates an administrator (the `create-admin` command). Refused when the address is taken.
pub async fn create_admin(
    db: &sea_orm::DatabaseConnection,
    settings: &Settings,
    email: &str,
    display_name: &str,
    password_text: &str,
) -> ApiResult<user_account::Model> {
    let email = normalise_email(email);
    let mut errors = Vec::new();
    check_email("email", &email, &mut errors);
    check_name("name", display_name, &mut errors);
    if let Err(message) = password::check_strength(password_text, settings.auth.password_min_length)
    {
        errors.push(FieldError::new("password", message));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let hash = password::Hasher::new(1)
        .hash(password_text.to_owned())
        .await?;
    let txn = crate::db::begin_write(db).await?;
    let account = insert_account(&txn, &email, display_name.trim(), hash, Role::Admin).await?;
    audit::record_system(
        &txn,
        Change::new("account.create_admin", "user_account", account.id),
    )
    .await?;
    txn.commit().await?;
    Ok(account)
}

async fn insert_account<C: ConnectionTrait>(
    db: &C,
    email: &str,
    display_name: &str,
    password_hash: String,
    role: Role,
) -> ApiResult<user_account::Model> {
    let taken = user_account::Entity::find()
        .filter(user_account::Column::Email.eq(email))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(ApiError::Conflict(
            "an account with this e-mail address exists".into(),
        ));
    }
    let now = clock::now();
    let model = user_account::Model {
        id: ids::new_id(),
        email: email.to_owned(),
        display_name: display_name.to_owned(),
        password_hash,
        role,
        status: AccountStatus::Active,
        last_login_at: None,
        created_at: now,
        updated_at: now,
    };
    user_account::Entity::insert(user_account::ActiveModel::from(model.clone()))
        .exec_without_returning(db)
        .await?;
    Ok(model)
}

/// A new invitation and the token to hand to the invitee (shown once).
#[derive(Debug, Clone)]
pub struct IssuedInvitation {
    pub invitation: invitation::Model,
    pub token: String,
}

/// Checks that the scope fits the role and that every target exists.
async fn check_scope<C: ConnectionTrait>(
    db: &C,
    role: Role,
    scope: &Scope,
    errors: &mut Vec<FieldError>,
) -> ApiResult<()> {
    let total = scope.provider_ids.len() + scope.region_ids.len() + scope.pool_ids.len();
    if total > 100 {
        errors.push(FieldError::new("scope", "at most 100 scope entries"));
        return Ok(());
    }
    match role {
        Role::Admin if total > 0 => errors.push(FieldError::new(
            "scope",
            "administrators act on everything and take no scope",
        )),
        Role::ProviderEditor if scope.provider_ids.is_empty() => errors.push(FieldError::new(
            "scope.providerIds",
            "a provider editor needs at least one provider",
        )),
        Role::ProviderEditor if !scope.region_ids.is_empty() || !scope.pool_ids.is_empty() => {
            errors.push(FieldError::new(
                "scope",
                "a provider editor is scoped to providers only",
            ))
        }
        Role::Coordinator if scope.region_ids.is_empty() && scope.pool_ids.is_empty() => errors
            .push(FieldError::new(
                "scope.poolIds",
                "a coordinator needs at least one mentoring pool or region",
            )),
        Role::Coordinator if !scope.provider_ids.is_empty() => errors.push(FieldError::new(
            "scope.providerIds",
            "a coordinator is scoped to mentoring pools and regions only",
        )),
        _ => {}
    }
    let providers = provider::Entity::find()
        .filter(provider::Column::Id.is_in(scope.provider_ids.clone()))
        .count(db)
        .await?;
    if providers != scope.provider_ids.len() as u64 {
        errors.push(FieldError::new("scope.providerIds", "unknown provider"));
    }
    let regions = region::Entity::find()
        .filter(region::Column::Id.is_in(scope.region_ids.clone()))
        .filter(region::Column::Kind.ne(RegionKind::Municipality))
        .count(db)
        .await?;
    if regions != scope.region_ids.len() as u64 {
        errors.push(FieldError::new(
            "scope.regionIds",
            "unknown region (coordinators are scoped to regions above municipalities)",
        ));
    }
    let pools = mentoring_pool::Entity::find()
        .filter(mentoring_pool::Column::Id.is_in(scope.pool_ids.clone()))
        .count(db)
        .await?;
    if pools != scope.pool_ids.len() as u64 {
        errors.push(FieldError::new("scope.poolIds", "unknown mentoring pool"));
    }
    Ok(())
}

fn dedup(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids.dedup();
    ids
}

/// Invites someone to a staff role (administrators only).
pub async fn invite(
    app: &Identity<'_>,
    meta: &RequestMeta,
    email: &str,
    role: Role,
    scope: Scope,
) -> ApiResult<IssuedInvitation> {
    meta.viewer.admin()?;
    let email = normalise_email(email);
    let scope = Scope {
        provider_ids: dedup(scope.provider_ids),
        region_ids: dedup(scope.region_ids),
        pool_ids: dedup(scope.pool_ids),
    };
    let mut errors = Vec::new();
    check_email("email", &email, &mut errors);
    check_scope(app.db, role, &scope, &mut errors).await?;
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let taken = user_account::Entity::find()
        .filter(user_account::Column::Email.eq(email.clone()))
        .count(app.db)
        .await?;
    if taken > 0 {
        return Err(ApiError::Conflict(
            "an account with this e-mail address exists".into(),
        ));
    }
    let token = secret::generate("inv");
    let now = clock::now();
    let model = invitation::Model {
        id: ids::new_id(),
        email,
        role,
        token_hash: secret::hash(&token),
        invited_by: meta.viewer.account_id(),
        expires_at: now + Duration::hours(i64::from(app.settings.invitation_ttl_hours)),
        accepted_at: None,
        account_id: None,
        created_at: now,
    };
    let txn = crate::db::begin_write(app.db).await?;
    invitation::Entity::insert(invitation::ActiveModel::from(model.clone()))
        .exec_without_returning(&txn)
        .await?;
    let scope_rows =
        scope_targets(&scope)
            .into_iter()
            .map(|(p, r, pool)| invitation_scope::ActiveModel {
                id: Set(ids::new_id()),
                invitation_id: Set(model.id),
                provider_id: Set(p),
                region_id: Set(r),
                pool_id: Set(pool),
            });
    let scope_rows: Vec<_> = scope_rows.collect();
    if !scope_rows.is_empty() {
        invitation_scope::Entity::insert_many(scope_rows)
            .exec_without_returning(&txn)
            .await?;
    }
    audit::record(
        &txn,
        meta,
        Change::new("account.invite", "invitation", model.id).with(json!({
            "role": role,
            "providers": scope.provider_ids.len(),
            "regions": scope.region_ids.len(),
            "pools": scope.pool_ids.len(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(IssuedInvitation {
        invitation: model,
        token,
    })
}

/// One scope row per target: (provider, region, pool), exactly one set.
type ScopeTarget = (Option<Uuid>, Option<Uuid>, Option<Uuid>);

fn scope_targets(scope: &Scope) -> Vec<ScopeTarget> {
    scope
        .provider_ids
        .iter()
        .map(|id| (Some(*id), None, None))
        .chain(scope.region_ids.iter().map(|id| (None, Some(*id), None)))
        .chain(scope.pool_ids.iter().map(|id| (None, None, Some(*id))))
        .collect()
}

/// Accepts an invitation: creates the account with the invitation's role and scope and
/// signs it in.
pub async fn accept_invitation(
    app: &Identity<'_>,
    meta: &RequestMeta,
    token: &str,
    password_text: &str,
    display_name: &str,
) -> ApiResult<Session> {
    const WHAT: &str = "invitation";
    let mut errors = Vec::new();
    check_name("displayName", display_name, &mut errors);
    if let Err(message) = password::check_strength(password_text, app.settings.password_min_length)
    {
        errors.push(FieldError::new("password", message));
    }
    let now = clock::now();
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(secret::hash(token)))
        .one(app.db)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.expires_at > now)
        .ok_or(ApiError::InvalidToken(WHAT))?;
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let scopes = invitation_scope::Entity::find()
        .filter(invitation_scope::Column::InvitationId.eq(found.id))
        .all(app.db)
        .await?;
    let hash = app.passwords.hash(password_text.to_owned()).await?;
    let txn = crate::db::begin_write(app.db).await?;
    // The guarded update comes first: of two acceptances of one invitation, one wins.
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(found.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(ApiError::InvalidToken(WHAT));
    }
    let account = insert_account(&txn, &found.email, display_name.trim(), hash, found.role).await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AccountId, Expr::value(account.id))
        .filter(invitation::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    let rows: Vec<_> = scopes
        .iter()
        .map(|s| account_scope::ActiveModel {
            id: Set(ids::new_id()),
            account_id: Set(account.id),
            created_at: Set(now),
            provider_id: Set(s.provider_id),
            region_id: Set(s.region_id),
            pool_id: Set(s.pool_id),
        })
        .collect();
    if !rows.is_empty() {
        account_scope::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    audit::record_as(
        &txn,
        Some(account.id),
        crate::auth::Viewer::Anonymous.actor_role(),
        meta,
        Change::new("account.accept_invitation", "user_account", account.id)
            .with(json!({ "invitation": found.id, "role": found.role })),
    )
    .await?;
    let session = session::start(&txn, app, account).await?;
    txn.commit().await?;
    Ok(session)
}
