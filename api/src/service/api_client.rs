//! Partner apps' API keys: admins create and revoke them; the key names the calling app for
//! limits and statistics and gives no extra rights. Keys are shown once and stored hashed.

use entity::api_client;
use entity::types::CodeList;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    SqlErr,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::auth::secret;
use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::ids;
use crate::service::audit::{self, Change};
use crate::service::text;

/// Characters of a key kept in clear, so admins can tell keys apart.
const PREFIX_LENGTH: usize = 10;

/// A new client and its key (shown once).
#[derive(Debug, Clone)]
pub struct IssuedKey {
    pub client: api_client::Model,
    pub key: String,
}

/// Creates a client with a new key (admins).
pub async fn create(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    name: &str,
    requests_per_minute: Option<i32>,
) -> ApiResult<IssuedKey> {
    meta.viewer.admin()?;
    let mut errors = Vec::new();
    text::plain("name", Some(name), 2, 100, &mut errors);
    if requests_per_minute.is_some_and(|n| n <= 0) {
        errors.push(FieldError::new("requestsPerMinute", "must be positive"));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let key = secret::generate("ak");
    let now = clock::now();
    let client = api_client::Model {
        id: ids::new_id(),
        name: name.trim().to_owned(),
        key_prefix: key.chars().take(PREFIX_LENGTH).collect(),
        key_hash: secret::hash(&key),
        requests_per_minute,
        allowed_origins: CodeList::default(),
        allow_list_only: false,
        active: true,
        last_used_at: None,
        created_at: now,
        updated_at: now,
    };
    let txn = crate::db::begin_write(db).await?;
    api_client::Entity::insert(api_client::ActiveModel::from(client.clone()))
        .exec_without_returning(&txn)
        .await
        .map_err(|err: DbErr| {
            if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                ApiError::Conflict("a client with this name exists".into())
            } else {
                ApiError::from(err)
            }
        })?;
    audit::record(
        &txn,
        meta,
        Change::new("api_client.create", "api_client", client.id)
            .with(json!({ "requestsPerMinute": requests_per_minute })),
    )
    .await?;
    txn.commit().await?;
    Ok(IssuedKey { client, key })
}

/// Revokes a client's key (admins); requests with it are refused from then on.
pub async fn revoke(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    id: Uuid,
) -> ApiResult<api_client::Model> {
    meta.viewer.admin()?;
    let txn = crate::db::begin_write(db).await?;
    let written = api_client::Entity::update_many()
        .col_expr(api_client::Column::Active, Expr::value(false))
        .col_expr(api_client::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(api_client::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if written.rows_affected == 0 {
        return Err(ApiError::NotFound("API client"));
    }
    audit::record(
        &txn,
        meta,
        Change::new("api_client.revoke", "api_client", id),
    )
    .await?;
    Ok(txn.commit_returning::<api_client::Entity>(id).await?)
}

/// What an admin changes on a client; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct ClientChanges {
    /// `Some(None)` returns the client to the platform's default limit.
    pub requests_per_minute: Option<Option<i32>>,
    pub allow_list_only: Option<bool>,
}

/// Changes a client's limit or allow-list mode (admins).
pub async fn update(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    id: Uuid,
    changes: &ClientChanges,
) -> ApiResult<api_client::Model> {
    meta.viewer.admin()?;
    if changes
        .requests_per_minute
        .is_some_and(|limit| limit.is_some_and(|n| n <= 0))
    {
        return Err(ApiError::invalid_fields(vec![FieldError::new(
            "requestsPerMinute",
            "must be positive",
        )]));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut update = api_client::Entity::update_many()
        .col_expr(api_client::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(api_client::Column::Id.eq(id));
    if let Some(limit) = changes.requests_per_minute {
        update = update.col_expr(api_client::Column::RequestsPerMinute, Expr::value(limit));
    }
    if let Some(only) = changes.allow_list_only {
        update = update.col_expr(api_client::Column::AllowListOnly, Expr::value(only));
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(ApiError::NotFound("API client"));
    }
    audit::record(
        &txn,
        meta,
        Change::new("api_client.update", "api_client", id).with(json!({
            "requestsPerMinute": changes.requests_per_minute,
            "allowListOnly": changes.allow_list_only,
        })),
    )
    .await?;
    Ok(txn.commit_returning::<api_client::Entity>(id).await?)
}

/// Every client, by name (admins).
pub async fn list(
    db: &DatabaseConnection,
    meta: &RequestMeta,
) -> ApiResult<Vec<api_client::Model>> {
    meta.viewer.admin()?;
    Ok(api_client::Entity::find()
        .order_by_asc(api_client::Column::Name)
        .all(db)
        .await?)
}

/// One client by id.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> ApiResult<Option<api_client::Model>> {
    Ok(api_client::Entity::find_by_id(id).one(db).await?)
}

/// The active client a key belongs to.
pub async fn by_key<C: ConnectionTrait>(db: &C, key: &str) -> ApiResult<Option<api_client::Model>> {
    Ok(api_client::Entity::find()
        .filter(api_client::Column::KeyHash.eq(secret::hash(key)))
        .filter(api_client::Column::Active.eq(true))
        .one(db)
        .await?)
}
