//! The `Provider` type.

use async_graphql::{Enum, ID, Object};
use entity::provider;

use crate::graphql::locale::Lang;
use crate::graphql::relay::{NodeType, global_id};

/// What kind of organisation a provider is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "ProviderKind", remote = "entity::types::ProviderKind")]
pub enum ProviderKindGql {
    Ngo,
    School,
    Municipality,
    Canton,
    ReligiousCommunity,
    Company,
    Other,
}

/// An organisation that runs offers (public profile).
pub struct Provider {
    pub model: provider::Model,
    pub lang: Lang,
}

#[Object]
impl Provider {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Provider, self.model.id)
    }

    /// Short, stable name for URLs.
    async fn slug(&self) -> &str {
        &self.model.slug
    }

    /// The organisation's name.
    async fn name(&self) -> &str {
        &self.model.name
    }

    /// What kind of organisation it is.
    async fn kind(&self) -> ProviderKindGql {
        self.model.kind.into()
    }

    /// Public e-mail address.
    async fn email(&self) -> Option<&str> {
        self.model.email.as_deref()
    }

    /// Public phone number.
    async fn phone(&self) -> Option<&str> {
        self.model.phone.as_deref()
    }

    /// Web site.
    async fn website(&self) -> Option<&str> {
        self.model.website.as_deref()
    }

    /// Checked by the canton.
    async fn verified(&self) -> bool {
        self.model.verified
    }
}

impl Provider {
    pub fn new(model: provider::Model, lang: Lang) -> Self {
        Self { model, lang }
    }
}
