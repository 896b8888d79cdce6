//! The `Offer` type and its parts (cost, languages, locations, schedules), with texts in the
//! reader's language.

use async_graphql::{ComplexObject, Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::offer;
use entity::offer_translation;
use entity::types::LanguageRole;
use rust_decimal::Decimal;

use crate::auth::RequestMeta;
use crate::error::ApiResult;
use crate::graphql::category::Category;
use crate::graphql::loader::Loaders;
use crate::graphql::locale::Lang;
use crate::graphql::provider::Provider;
use crate::graphql::region::{GeoPoint, Region};
use crate::graphql::relay::{NodeType, global_id};
use crate::graphql::scalars::{Date, LocalTime};
use crate::service::markdown;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// ISO number, Monday = 1.
    pub fn iso(self) -> i16 {
        match self {
            Self::Monday => 1,
            Self::Tuesday => 2,
            Self::Wednesday => 3,
            Self::Thursday => 4,
            Self::Friday => 5,
            Self::Saturday => 6,
            Self::Sunday => 7,
        }
    }

    /// From an ISO number.
    pub fn from_iso(day: i16) -> Option<Self> {
        Some(match day {
            1 => Self::Monday,
            2 => Self::Tuesday,
            3 => Self::Wednesday,
            4 => Self::Thursday,
            5 => Self::Friday,
            6 => Self::Saturday,
            7 => Self::Sunday,
            _ => return None,
        })
    }
}

/// Where an offer stands in the publishing workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "OfferStatus", remote = "entity::types::OfferStatus")]
pub enum OfferStatusGql {
    Draft,
    InReview,
    Published,
    Archived,
}

/// What shape an offer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "OfferKind", remote = "entity::types::OfferKind")]
pub enum OfferKindGql {
    Course,
    Group,
    Counselling,
    Event,
    MeetingPlace,
    Service,
}

/// A CEFR language level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "CefrLevel", remote = "entity::types::CefrLevel")]
pub enum CefrLevelGql {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
}

/// Whether participants pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "CostKind", remote = "entity::types::CostKind")]
pub enum CostKindGql {
    Free,
    Paid,
    Subsidised,
}

/// What a price is charged for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "PriceUnit", remote = "entity::types::PriceUnit")]
pub enum PriceUnitGql {
    Course,
    Lesson,
    Month,
}

/// An amount of money.
#[derive(Debug, Clone, SimpleObject)]
pub struct Money {
    pub amount: Decimal,
    /// ISO 4217 code; always `CHF` today.
    pub currency: String,
}

/// What an offer costs.
#[derive(Debug, Clone, SimpleObject)]
pub struct Cost {
    pub kind: CostKindGql,
    /// The price participants pay, if any.
    pub price: Option<Money>,
    /// What the price is charged for.
    pub unit: Option<PriceUnitGql>,
}

/// How to sign up.
#[derive(Debug, Clone, SimpleObject)]
pub struct Registration {
    pub url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A place where an offer takes place.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Location {
    pub name: Option<String>,
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub locality: Option<String>,
    pub coordinates: Option<GeoPoint>,
    #[graphql(skip)]
    pub municipality_id: Option<uuid::Uuid>,
    #[graphql(skip)]
    pub lang: Lang,
}

#[ComplexObject]
impl Location {
    /// The municipality the place lies in.
    async fn municipality(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        let Some(id) = self.municipality_id else {
            return Ok(None);
        };
        let model = Loaders::of(ctx)?.region().load_one(id).await?;
        Ok(model.map(|m| Region::new(m, self.lang.clone())))
    }
}

/// When an offer meets: weekly between two dates, or once.
#[derive(Debug, Clone, SimpleObject)]
pub struct Schedule {
    pub start_date: Date,
    pub end_date: Option<Date>,
    /// Day of a weekly slot; null for a single date.
    pub weekday: Option<Weekday>,
    pub start_time: Option<LocalTime>,
    pub end_time: Option<LocalTime>,
    pub note: Option<String>,
}

/// An integration offer.
pub struct Offer {
    pub model: offer::Model,
    pub lang: Lang,
}

impl Offer {
    pub fn new(model: offer::Model, lang: Lang) -> Self {
        Self { model, lang }
    }

    async fn translation(&self, ctx: &Context<'_>) -> ApiResult<Option<offer_translation::Model>> {
        let all = Loaders::of(ctx)?
            .offer_translations()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        Ok(self
            .lang
            .pick(&all, |t| &t.locale, Some(&self.model.default_locale))
            .cloned())
    }

    async fn languages(&self, ctx: &Context<'_>, role: LanguageRole) -> ApiResult<Vec<String>> {
        Ok(Loaders::of(ctx)?
            .offer_languages()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .filter(|l| l.role == role)
            .map(|l| l.language)
            .collect())
    }
}

#[Object]
impl Offer {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Offer, self.model.id)
    }

    /// Publishing status.
    async fn status(&self) -> OfferStatusGql {
        self.model.status.into()
    }

    /// Course, group, counselling…
    async fn kind(&self) -> OfferKindGql {
        self.model.kind.into()
    }

    /// The provider's reference for the offer (used by imports).
    async fn external_ref(&self) -> Option<&str> {
        self.model.external_ref.as_deref()
    }

    /// The locale the provider writes the offer in.
    async fn default_locale(&self) -> &str {
        &self.model.default_locale
    }

    /// Title in the reader's language, with fallback.
    async fn title(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self
            .translation(ctx)
            .await?
            .map(|t| t.title)
            .unwrap_or_default())
    }

    /// Short summary.
    async fn summary(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self.translation(ctx).await?.and_then(|t| t.summary))
    }

    /// Full description: plain text with a small Markdown subset.
    async fn description(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self.translation(ctx).await?.and_then(|t| t.description))
    }

    /// `description` rendered as safe HTML (paragraphs, lists, emphasis, links).
    async fn description_html(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self
            .translation(ctx)
            .await?
            .and_then(|t| t.description)
            .map(|d| markdown::to_html(&d)))
    }

    /// The locale the texts above are in.
    async fn served_locale(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self.translation(ctx).await?.map(|t| t.locale))
    }

    /// Whether the texts above were machine-translated.
    async fn machine_translated(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(self
            .translation(ctx)
            .await?
            .is_some_and(|t| t.machine_translated))
    }

    /// Locales the offer's texts exist in.
    async fn available_locales(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let mut locales: Vec<String> = Loaders::of(ctx)?
            .offer_translations()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.locale)
            .collect();
        locales.sort();
        Ok(locales)
    }

    /// Who runs the offer.
    async fn provider(&self, ctx: &Context<'_>) -> ApiResult<Option<Provider>> {
        let model = Loaders::of(ctx)?
            .provider()
            .load_one(self.model.provider_id)
            .await?;
        Ok(model.map(|m| Provider::new(m, self.lang.clone())))
    }

    /// Programme areas.
    async fn categories(&self, ctx: &Context<'_>) -> ApiResult<Vec<Category>> {
        let loaders = Loaders::of(ctx)?;
        let ids = loaders
            .offer_categories()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        let mut found: Vec<_> = loaders
            .category()
            .load_many(ids)
            .await?
            .into_values()
            .collect();
        found.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(found
            .into_iter()
            .map(|m| Category::new(m, self.lang.clone()))
            .collect())
    }

    /// Regions the offer serves.
    async fn regions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let loaders = Loaders::of(ctx)?;
        let ids = loaders
            .offer_regions()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        let mut found: Vec<_> = loaders
            .region()
            .load_many(ids)
            .await?
            .into_values()
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(found
            .into_iter()
            .map(|m| Region::new(m, self.lang.clone()))
            .collect())
    }

    /// CEFR level of a language course.
    async fn level(&self) -> Option<CefrLevelGql> {
        self.model.cefr_level.map(Into::into)
    }

    /// Oriented to *fide*, the Swiss framework for migrants' language learning.
    async fn fide(&self) -> bool {
        self.model.fide
    }

    /// Languages the offer is taught in (ISO 639 codes).
    async fn instruction_languages(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        self.languages(ctx, LanguageRole::Instruction).await
    }

    /// Languages participants can get support in.
    async fn support_languages(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        self.languages(ctx, LanguageRole::Support).await
    }

    /// What it costs.
    async fn cost(&self) -> Cost {
        Cost {
            kind: self.model.cost_kind.into(),
            price: self.model.price_cents.map(|cents| Money {
                amount: Decimal::new(i64::from(cents), 2),
                currency: "CHF".to_owned(),
            }),
            unit: self.model.price_unit.map(Into::into),
        }
    }

    /// Childcare during the offer.
    async fn childcare(&self) -> bool {
        self.model.childcare
    }

    /// Takes place online.
    async fn online(&self) -> bool {
        self.model.online
    }

    /// Accessibility codes, lower-case words joined by hyphens (e.g. `wheelchair-access`,
    /// `hearing-loop`); other spellings are read as these on input.
    async fn accessibility(&self) -> &[String] {
        &self.model.accessibility.0
    }

    /// Who the offer is for, codes in the same form (e.g. `women`, `parents`, `youth`,
    /// `job-seekers`).
    async fn target_groups(&self) -> &[String] {
        &self.model.target_groups.0
    }

    /// How to sign up.
    async fn registration(&self) -> Registration {
        Registration {
            url: self.model.registration_url.clone(),
            email: self.model.registration_email.clone(),
            phone: self.model.registration_phone.clone(),
        }
    }

    /// First day the offer is valid.
    async fn valid_from(&self) -> Option<Date> {
        self.model.valid_from.map(Into::into)
    }

    /// Last day the offer is valid.
    async fn valid_until(&self) -> Option<Date> {
        self.model.valid_until.map(Into::into)
    }

    /// When it was published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.model.published_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }

    /// Why a reviewer sent the offer back; only its editors and admins see it.
    async fn review_note(&self, ctx: &Context<'_>) -> Option<&str> {
        RequestMeta::of(ctx)
            .viewer
            .edits_provider(self.model.provider_id)
            .then_some(self.model.review_note.as_deref())
            .flatten()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }

    /// When it was archived, if it was.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.model.archived_at
    }

    /// Version for optimistic locking (`updateOffer(expectedVersion)`).
    async fn version(&self) -> i32 {
        self.model.version
    }

    /// Where it takes place.
    async fn locations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Location>> {
        Ok(Loaders::of(ctx)?
            .offer_locations()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|l| Location {
                name: l.name,
                street: l.street,
                postcode: l.postcode,
                locality: l.locality,
                coordinates: GeoPoint::from_pair(l.lat, l.lon),
                municipality_id: l.municipality_id,
                lang: self.lang.clone(),
            })
            .collect())
    }

    /// When it meets.
    async fn schedules(&self, ctx: &Context<'_>) -> ApiResult<Vec<Schedule>> {
        Ok(Loaders::of(ctx)?
            .offer_schedules()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|s| Schedule {
                start_date: s.start_date.into(),
                end_date: s.end_date.map(Into::into),
                weekday: s.weekday.and_then(Weekday::from_iso),
                start_time: s.start_time.map(Into::into),
                end_time: s.end_time.map(Into::into),
                note: s.note,
            })
            .collect())
    }
}
