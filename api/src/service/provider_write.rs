//! Changing providers: admins create them and decide whether they are verified and trusted;
//! a provider's editors keep its profile up to date.

use entity::types::{OutboxEntity, OutboxOperation, ProviderKind, RegionKind};
use entity::{provider, provider_translation, region};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, SqlErr,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::ids;
use crate::language;
use crate::service::audit::{self, Change};
use crate::service::changes::{Changed, Changes, Committed};
use crate::service::{outbox, text};

/// A provider's description in one locale.
#[derive(Debug, Clone, PartialEq)]
pub struct DescriptionDraft {
    pub locale: String,
    pub description: String,
}

/// A provider's profile; on update, given fields replace the stored ones and `Some(None)`
/// clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ProviderPatch {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub kind: Option<ProviderKind>,
    pub default_locale: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub street: Option<Option<String>>,
    pub postcode: Option<Option<String>>,
    pub locality: Option<Option<String>>,
    pub municipality_id: Option<Option<Uuid>>,
    pub descriptions: Option<Vec<DescriptionDraft>>,
    /// Admins only.
    pub verified: Option<bool>,
    /// Admins only: editors of a trusted provider publish without review.
    pub trusted: Option<bool>,
}

impl ProviderPatch {
    fn changed_fields(&self) -> Vec<&'static str> {
        [
            ("name", self.name.is_some()),
            ("slug", self.slug.is_some()),
            ("kind", self.kind.is_some()),
            ("defaultLocale", self.default_locale.is_some()),
            ("email", self.email.is_some()),
            ("phone", self.phone.is_some()),
            ("website", self.website.is_some()),
            ("street", self.street.is_some()),
            ("postcode", self.postcode.is_some()),
            ("locality", self.locality.is_some()),
            ("municipalityId", self.municipality_id.is_some()),
            ("descriptions", self.descriptions.is_some()),
            ("verified", self.verified.is_some()),
            ("trusted", self.trusted.is_some()),
        ]
        .iter()
        .filter(|(_, given)| *given)
        .map(|(name, _)| *name)
        .collect()
    }
}

/// A slug from a name: lower-case ASCII letters and digits joined by hyphens.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        let mapped = match c {
            'ä' => "ae".to_owned(),
            'ö' => "oe".to_owned(),
            'ü' => "ue".to_owned(),
            'é' | 'è' | 'ê' | 'ë' => "e".to_owned(),
            'à' | 'â' | 'á' => "a".to_owned(),
            'ç' => "c".to_owned(),
            'ô' | 'ó' | 'ò' => "o".to_owned(),
            'î' | 'ï' | 'í' | 'ì' => "i".to_owned(),
            'ù' | 'û' | 'ú' => "u".to_owned(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_owned(),
        };
        slug.push_str(&mapped);
    }
    slug.split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(80)
        .collect()
}

/// The stored profile with the patch applied, checked.
struct Profile {
    model: provider::Model,
    descriptions: Option<Vec<DescriptionDraft>>,
}

async fn apply_and_check<C: ConnectionTrait>(
    db: &C,
    mut model: provider::Model,
    patch: ProviderPatch,
) -> ApiResult<Profile> {
    let mut errors = Vec::new();
    let trim = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if let Some(name) = patch.name {
        model.name = name.trim().to_owned();
    }
    if let Some(slug) = patch.slug {
        model.slug = slug.trim().to_owned();
    } else if model.slug.is_empty() {
        model.slug = slugify(&model.name);
    }
    if let Some(kind) = patch.kind {
        model.kind = kind;
    }
    if let Some(locale) = patch.default_locale {
        match language::locale(&locale) {
            Ok(tag) => model.default_locale = tag,
            Err(message) => errors.push(FieldError::new("input.defaultLocale", message)),
        }
    }
    macro_rules! optional {
        ($($field:ident),*) => {
            $(if let Some(value) = patch.$field { model.$field = trim(value); })*
        };
    }
    optional!(email, phone, website, street, postcode, locality);
    if let Some(municipality) = patch.municipality_id {
        model.municipality_id = municipality;
    }
    if let Some(verified) = patch.verified {
        model.verified = verified;
    }
    if let Some(trusted) = patch.trusted {
        model.trusted = trusted;
    }

    text::plain("input.name", Some(&model.name), 2, 200, &mut errors);
    let slug_ok = (2..=80).contains(&model.slug.len())
        && model
            .slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !model.slug.starts_with('-')
        && !model.slug.ends_with('-');
    if !slug_ok {
        errors.push(FieldError::new(
            "input.slug",
            "2 to 80 lower-case letters, digits and inner hyphens",
        ));
    }
    if let Some(email) = &model.email
        && let Err(message) = text::email(email)
    {
        errors.push(FieldError::new("input.email", message));
    }
    if let Some(phone) = &model.phone
        && let Err(message) = text::phone(phone)
    {
        errors.push(FieldError::new("input.phone", message));
    }
    if let Some(website) = &model.website
        && let Err(message) = text::url(website)
    {
        errors.push(FieldError::new("input.website", message));
    }
    text::plain("input.street", model.street.as_deref(), 0, 200, &mut errors);
    text::plain(
        "input.locality",
        model.locality.as_deref(),
        0,
        100,
        &mut errors,
    );
    if let Some(code) = &model.postcode
        && !(code.len() <= 10 && code.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        errors.push(FieldError::new(
            "input.postcode",
            "must be a postcode such as 4600",
        ));
    }
    if let Some(id) = model.municipality_id {
        let known = region::Entity::find_by_id(id)
            .filter(region::Column::Kind.eq(RegionKind::Municipality))
            .count(db)
            .await?;
        if known == 0 {
            errors.push(FieldError::new(
                "input.municipalityId",
                "is not a known municipality",
            ));
        }
    }
    let descriptions = match patch.descriptions {
        Some(list) => {
            let mut out = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (i, d) in list.into_iter().enumerate() {
                let at = |name: &str| format!("input.descriptions[{i}].{name}");
                match language::locale(&d.locale) {
                    Ok(tag) if seen.insert(tag.clone()) => {
                        text::plain(
                            &at("description"),
                            Some(&d.description),
                            1,
                            5000,
                            &mut errors,
                        );
                        out.push(DescriptionDraft {
                            locale: tag,
                            description: d.description.trim().to_owned(),
                        });
                    }
                    Ok(_) => errors.push(FieldError::new(at("locale"), "appears twice")),
                    Err(message) => errors.push(FieldError::new(at("locale"), message)),
                }
            }
            Some(out)
        }
        None => None,
    };
    if errors.is_empty() {
        Ok(Profile {
            model,
            descriptions,
        })
    } else {
        Err(ApiError::invalid_fields(errors))
    }
}

fn conflict_on_duplicate(err: DbErr) -> ApiError {
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        ApiError::Conflict("another provider has this slug".into())
    } else {
        ApiError::from(err)
    }
}

async fn write_descriptions<C: ConnectionTrait>(
    txn: &C,
    provider_id: Uuid,
    descriptions: &[DescriptionDraft],
) -> ApiResult<()> {
    provider_translation::Entity::delete_many()
        .filter(provider_translation::Column::ProviderId.eq(provider_id))
        .exec(txn)
        .await?;
    let rows: Vec<_> = descriptions
        .iter()
        .map(|d| provider_translation::ActiveModel {
            provider_id: Set(provider_id),
            locale: Set(d.locale.clone()),
            description: Set(d.description.clone()),
            machine_translated: Set(false),
        })
        .collect();
    if !rows.is_empty() {
        provider_translation::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Creates a provider (admins). `name` and `kind` are required.
pub async fn create(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    patch: ProviderPatch,
) -> ApiResult<Committed<provider::Model>> {
    meta.viewer.admin()?;
    let mut missing = Vec::new();
    if patch.name.is_none() {
        missing.push(FieldError::new("input.name", "is required"));
    }
    if patch.kind.is_none() {
        missing.push(FieldError::new("input.kind", "is required"));
    }
    if !missing.is_empty() {
        return Err(ApiError::invalid_fields(missing));
    }
    let now = clock::now();
    let blank = provider::Model {
        id: ids::new_id(),
        slug: String::new(),
        kind: ProviderKind::Other,
        name: String::new(),
        default_locale: "de".into(),
        email: None,
        phone: None,
        website: None,
        street: None,
        postcode: None,
        locality: None,
        municipality_id: None,
        verified: false,
        trusted: false,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let changed = patch.changed_fields();
    let profile = apply_and_check(db, blank, patch).await?;
    let txn = crate::db::begin_write(db).await?;
    provider::Entity::insert(provider::ActiveModel::from(profile.model.clone()))
        .exec_without_returning(&txn)
        .await
        .map_err(conflict_on_duplicate)?;
    if let Some(descriptions) = &profile.descriptions {
        write_descriptions(&txn, profile.model.id, descriptions).await?;
    }
    audit::record(
        &txn,
        meta,
        Change::new("provider.create", "provider", profile.model.id)
            .with(json!({ "fields": changed })),
    )
    .await?;
    outbox::enqueue(
        &txn,
        OutboxEntity::Provider,
        profile.model.id,
        OutboxOperation::Upsert,
    )
    .await?;
    txn.commit().await?;
    let id = profile.model.id;
    Ok(Committed::new(
        profile.model,
        Changes::one(Changed::Provider { id }),
    ))
}

/// Changes a provider's profile (its editors and admins; `verified` and `trusted` are for
/// admins). With `expected_version`, a profile changed since gives `CONFLICT`.
pub async fn update(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    id: Uuid,
    expected_version: Option<i32>,
    patch: ProviderPatch,
) -> ApiResult<Committed<provider::Model>> {
    meta.viewer.staff()?;
    let current = provider::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("provider"))?;
    meta.viewer.require_provider_editor(id)?;
    if (patch.trusted.is_some() || patch.verified.is_some()) && !meta.viewer.is_admin() {
        return Err(ApiError::Forbidden);
    }
    let version = expected_version.unwrap_or(current.version);
    if current.version != version {
        return Err(stale());
    }
    let changed = patch.changed_fields();
    let profile = apply_and_check(db, current, patch).await?;
    let model = &profile.model;
    let now = clock::now();
    let txn = crate::db::begin_write(db).await?;
    let written = provider::Entity::update_many()
        .set(provider::ActiveModel {
            slug: Set(model.slug.clone()),
            kind: Set(model.kind),
            name: Set(model.name.clone()),
            default_locale: Set(model.default_locale.clone()),
            email: Set(model.email.clone()),
            phone: Set(model.phone.clone()),
            website: Set(model.website.clone()),
            street: Set(model.street.clone()),
            postcode: Set(model.postcode.clone()),
            locality: Set(model.locality.clone()),
            municipality_id: Set(model.municipality_id),
            verified: Set(model.verified),
            trusted: Set(model.trusted),
            updated_at: Set(now),
            ..Default::default()
        })
        .col_expr(
            provider::Column::Version,
            Expr::col(provider::Column::Version).add(1),
        )
        .filter(provider::Column::Id.eq(id))
        .filter(provider::Column::Version.eq(version))
        .exec(&txn)
        .await
        .map_err(conflict_on_duplicate)?;
    if written.rows_affected == 0 {
        return Err(stale());
    }
    if let Some(descriptions) = &profile.descriptions {
        write_descriptions(&txn, id, descriptions).await?;
    }
    let updated = provider::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound("provider"))?;
    audit::record(
        &txn,
        meta,
        Change::new("provider.update", "provider", id)
            .with(json!({ "fields": changed, "version": updated.version })),
    )
    .await?;
    outbox::enqueue(&txn, OutboxEntity::Provider, id, OutboxOperation::Upsert).await?;
    txn.commit().await?;
    Ok(Committed::new(
        updated,
        Changes::one(Changed::Provider { id }),
    ))
}

fn stale() -> ApiError {
    ApiError::Conflict(
        "the provider was changed by someone else; reload it and apply your changes again".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(
            slugify("Café Zürich – Treffpunkt!"),
            "cafe-zuerich-treffpunkt"
        );
    }
}
