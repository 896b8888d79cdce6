//! The `Category` type: a pillar or programme area, labelled in the reader's language.

use async_graphql::{Context, Enum, ID, Object};
use entity::category;

use crate::error::ApiResult;
use crate::graphql::loader::Loaders;
use crate::graphql::locale::Lang;
use crate::graphql::relay::{NodeType, global_id};

/// A pillar or an area under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "CategoryKind", remote = "entity::types::CategoryKind")]
pub enum CategoryKindGql {
    Pillar,
    Area,
}

/// A category of offers: a KIP pillar or programme area.
pub struct Category {
    pub model: category::Model,
    pub lang: Lang,
    /// Areas under a pillar, when the whole tree was loaded.
    pub children: Vec<category::Model>,
}

impl Category {
    pub fn new(model: category::Model, lang: Lang) -> Self {
        Self {
            model,
            lang,
            children: Vec::new(),
        }
    }

    async fn label_and_locale(&self, ctx: &Context<'_>) -> ApiResult<(String, String)> {
        let labels = Loaders::of(ctx)?
            .category_labels()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        Ok(self
            .lang
            .pick(&labels, |l| &l.locale, None)
            .map(|l| (l.label.clone(), l.locale.clone()))
            .unwrap_or_else(|| (self.model.code.clone(), String::new())))
    }
}

#[Object]
impl Category {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Category, self.model.id)
    }

    /// Stable code used in filters, e.g. `language`.
    async fn code(&self) -> &str {
        &self.model.code
    }

    /// Pillar or area.
    async fn kind(&self) -> CategoryKindGql {
        self.model.kind.into()
    }

    /// The label in the reader's language (with fallback).
    async fn label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.label_and_locale(ctx).await?.0)
    }

    /// The locale `label` is in.
    async fn served_locale(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.label_and_locale(ctx).await?.1)
    }

    /// The pillar an area belongs to.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Category>> {
        let Some(parent) = self.model.parent_id else {
            return Ok(None);
        };
        let model = Loaders::of(ctx)?.category().load_one(parent).await?;
        Ok(model.map(|m| Category::new(m, self.lang.clone())))
    }

    /// The areas of a pillar.
    async fn children(&self) -> Vec<Category> {
        self.children
            .iter()
            .cloned()
            .map(|m| Category::new(m, self.lang.clone()))
            .collect()
    }
}
