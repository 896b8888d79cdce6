//! Registered operations: GraphQL documents admins approved. A partner app in allow-list
//! mode may send only these, and anyone may send one by its hash alone. Registering is
//! idempotent (the hash names the text), and a document must parse to be registered.

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use entity::registered_operation;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::json;

use crate::auth::RequestMeta;
use crate::cache::persisted::{is_sha256_hex, sha256_hex};
use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::audit::{self, Change};
use crate::service::text;

/// Registers a document (admins); registering the same text again returns the first record.
pub async fn register(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    document: &str,
    name: Option<&str>,
    max_bytes: usize,
) -> ApiResult<registered_operation::Model> {
    meta.viewer.admin()?;
    let mut errors = Vec::new();
    if document.trim().is_empty() {
        errors.push(FieldError::new("document", "must not be empty"));
    } else if document.len() > max_bytes {
        errors.push(FieldError::new(
            "document",
            format!("is longer than {max_bytes} bytes"),
        ));
    }
    let parsed = match async_graphql::parser::parse_query(document) {
        Ok(parsed) => Some(parsed),
        Err(err) => {
            errors.push(FieldError::new(
                "document",
                format!("is not a GraphQL document: {err}"),
            ));
            None
        }
    };
    if name.is_some() {
        text::plain("name", name, 1, 100, &mut errors);
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let sha256 = sha256_hex(document);
    let name = name
        .map(|n| n.trim().to_owned())
        .or_else(|| parsed.as_ref().and_then(single_operation_name));
    let txn = crate::db::begin_write(db).await?;
    if let Some(existing) = registered_operation::Entity::find_by_id(sha256.clone())
        .one(&txn)
        .await?
    {
        return Ok(existing);
    }
    let record = registered_operation::Model {
        sha256: sha256.clone(),
        name: name.clone(),
        document: document.to_owned(),
        registered_by: meta.viewer.account_id(),
        created_at: clock::now(),
    };
    registered_operation::Entity::insert(registered_operation::ActiveModel {
        sha256: Set(record.sha256.clone()),
        name: Set(record.name.clone()),
        document: Set(record.document.clone()),
        registered_by: Set(record.registered_by),
        created_at: Set(record.created_at),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(&txn, meta, hash_change("operation.register", &sha256, name)).await?;
    txn.commit().await?;
    Ok(record)
}

/// Withdraws a registration (admins): allow-list clients can no longer send it.
pub async fn unregister(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    sha256: &str,
) -> ApiResult<registered_operation::Model> {
    meta.viewer.admin()?;
    let sha256 = checked_hash(sha256)?;
    let txn = crate::db::begin_write(db).await?;
    let record = registered_operation::Entity::find_by_id(sha256.clone())
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound("registered operation"))?;
    registered_operation::Entity::delete_by_id(sha256.clone())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        meta,
        hash_change("operation.unregister", &sha256, record.name.clone()),
    )
    .await?;
    txn.commit().await?;
    Ok(record)
}

/// Every registered operation, by name then hash (admins).
pub async fn list(
    db: &DatabaseConnection,
    meta: &RequestMeta,
) -> ApiResult<Vec<registered_operation::Model>> {
    meta.viewer.admin()?;
    Ok(registered_operation::Entity::find()
        .order_by_asc(registered_operation::Column::Name)
        .order_by_asc(registered_operation::Column::Sha256)
        .all(db)
        .await?)
}

/// The registered operation with this hash.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    sha256: &str,
) -> ApiResult<Option<registered_operation::Model>> {
    Ok(registered_operation::Entity::find_by_id(sha256.to_owned())
        .one(db)
        .await?)
}

/// A hash as stored: lower-case hex of 64 characters.
fn checked_hash(sha256: &str) -> ApiResult<String> {
    let sha256 = sha256.trim().to_ascii_lowercase();
    if is_sha256_hex(&sha256) {
        Ok(sha256)
    } else {
        Err(ApiError::invalid_fields(vec![FieldError::new(
            "sha256",
            "must be 64 hexadecimal characters",
        )]))
    }
}

/// The name of a document's only operation, when it has one.
fn single_operation_name(document: &ExecutableDocument) -> Option<String> {
    match &document.operations {
        DocumentOperations::Single(_) => None,
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.keys().next().map(|name| name.to_string())
        }
        DocumentOperations::Multiple(_) => None,
    }
}

/// An audit record naming the operation by hash (it has no UUID).
fn hash_change(action: &'static str, sha256: &str, name: Option<String>) -> Change {
    Change {
        action,
        entity_type: "registered_operation",
        entity_id: None,
        summary: json!({ "sha256": sha256, "name": name }),
    }
}
