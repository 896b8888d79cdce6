//! `createProvider` (admins) and `updateProvider` (the provider's editors).

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::graphql::locale::Lang;
use crate::graphql::provider::Provider;
use crate::graphql::provider::types::ProviderKindGql;
use crate::graphql::relay::{NodeType, expect_global_id};
use crate::service::provider_write::{self, DescriptionDraft, ProviderPatch};

/// A provider's description in one locale (plain text or Markdown, no HTML).
#[derive(Debug, Clone, InputObject)]
pub struct ProviderDescriptionInput {
    pub locale: String,
    pub description: String,
}

/// A provider's profile. On `createProvider`, `name` and `kind` are required; on
/// `updateProvider`, fields left out stay as they are and `null` clears an optional one.
/// `verified` and `trusted` are for admins.
#[derive(Debug, Clone, Default, InputObject)]
pub struct ProviderInput {
    pub name: Option<String>,
    /// URL name; made from the name when left out on creation.
    pub slug: Option<String>,
    pub kind: Option<ProviderKindGql>,
    pub default_locale: Option<String>,
    pub email: MaybeUndefined<String>,
    pub phone: MaybeUndefined<String>,
    pub website: MaybeUndefined<String>,
    pub street: MaybeUndefined<String>,
    pub postcode: MaybeUndefined<String>,
    pub locality: MaybeUndefined<String>,
    pub municipality_id: MaybeUndefined<ID>,
    pub descriptions: Option<Vec<ProviderDescriptionInput>>,
    pub verified: Option<bool>,
    /// Editors of a trusted provider publish their offers without review.
    pub trusted: Option<bool>,
}

fn maybe(value: MaybeUndefined<String>) -> Option<Option<String>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

impl ProviderInput {
    fn into_service(self) -> ApiResult<ProviderPatch> {
        let municipality_id = match self.municipality_id {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(id) => Some(Some(
                expect_global_id(&id, NodeType::Region).map_err(|err| {
                    ApiError::invalid_fields(vec![FieldError::new(
                        "input.municipalityId",
                        err.to_string(),
                    )])
                })?,
            )),
        };
        Ok(ProviderPatch {
            name: self.name,
            slug: self.slug,
            kind: self.kind.map(Into::into),
            default_locale: self.default_locale,
            email: maybe(self.email),
            phone: maybe(self.phone),
            website: maybe(self.website),
            street: maybe(self.street),
            postcode: maybe(self.postcode),
            locality: maybe(self.locality),
            municipality_id,
            descriptions: self.descriptions.map(|list| {
                list.into_iter()
                    .map(|d| DescriptionDraft {
                        locale: d.locale,
                        description: d.description,
                    })
                    .collect()
            }),
            verified: self.verified,
            trusted: self.trusted,
        })
    }
}

#[derive(Default)]
pub struct ProviderMutation;

#[Object]
impl ProviderMutation {
    /// Creates a provider (admins).
    async fn create_provider(
        &self,
        ctx: &Context<'_>,
        input: ProviderInput,
    ) -> ApiResult<Provider> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        meta.viewer.admin()?;
        let written = provider_write::create(&app.db, meta, input.into_service()?).await?;
        let model = app.effects.apply(written).await;
        Ok(Provider::new(model, Lang::resolve(ctx, None)))
    }

    /// Changes a provider's profile (its editors, admins). With `expectedVersion`, a profile
    /// changed since gives `CONFLICT`.
    async fn update_provider(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ProviderInput,
        expected_version: Option<i32>,
    ) -> ApiResult<Provider> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        meta.viewer.staff()?;
        let id = expect_global_id(&id, NodeType::Provider)?;
        let written =
            provider_write::update(&app.db, meta, id, expected_version, input.into_service()?)
                .await?;
        let model = app.effects.apply(written).await;
        Ok(Provider::new(model, Lang::resolve(ctx, None)))
    }
}
