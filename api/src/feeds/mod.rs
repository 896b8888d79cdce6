//! Open feeds for sites that cannot run a GraphQL client: iCalendar files of when offers
//! meet, and schema.org JSON-LD of an offer that regional sites embed for search engines.
//! Both show public offers only, in the language asked for.

pub mod ical;
pub mod jsonld;
pub mod local_time;

use entity::types::{LanguageRole, OfferKind};
use entity::{offer, offer_location, offer_schedule, offer_translation};
use sea_orm::ConnectionTrait;

use crate::error::ApiResult;
use crate::locale::Lang;
use crate::service::offer::parts;

/// An offer with what a feed shows of it, in one language.
#[derive(Debug, Clone)]
pub struct FeedOffer {
    pub model: offer::Model,
    /// The translation shown (the requested language, else the offer's own).
    pub text: Option<offer_translation::Model>,
    pub provider: Option<String>,
    pub instruction_languages: Vec<String>,
    pub locations: Vec<offer_location::Model>,
    pub schedules: Vec<offer_schedule::Model>,
}

impl FeedOffer {
    pub fn title(&self) -> &str {
        self.text.as_ref().map(|t| t.title.as_str()).unwrap_or("")
    }

    pub fn summary(&self) -> Option<&str> {
        self.text.as_ref().and_then(|t| t.summary.as_deref())
    }

    pub fn description(&self) -> Option<&str> {
        self.text.as_ref().and_then(|t| t.description.as_deref())
    }

    /// The language the texts are in.
    pub fn locale(&self) -> &str {
        self.text
            .as_ref()
            .map(|t| t.locale.as_str())
            .unwrap_or(&self.model.default_locale)
    }

    pub fn is_course(&self) -> bool {
        self.model.kind == OfferKind::Course
    }
}

/// The feed view of these offers (already checked to be public), in their order.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    offers: Vec<offer::Model>,
    lang: &Lang,
) -> ApiResult<Vec<FeedOffer>> {
    let ids: Vec<_> = offers.iter().map(|o| o.id).collect();
    let provider_ids: Vec<_> = offers.iter().map(|o| o.provider_id).collect();
    let (translations, languages, locations, schedules, providers) = futures_util::try_join!(
        parts::translations(db, &ids),
        parts::languages(db, &ids),
        parts::locations(db, &ids),
        parts::schedules(db, &ids),
        parts::providers(db, &provider_ids),
    )?;
    Ok(offers
        .into_iter()
        .map(|model| {
            let texts = translations.get(&model.id).cloned().unwrap_or_default();
            let text = lang
                .pick(&texts, |t| &t.locale, Some(&model.default_locale))
                .cloned();
            FeedOffer {
                text,
                provider: providers.get(&model.provider_id).map(|p| p.name.clone()),
                instruction_languages: languages
                    .get(&model.id)
                    .into_iter()
                    .flatten()
                    .filter(|l| l.role == LanguageRole::Instruction)
                    .map(|l| l.language.clone())
                    .collect(),
                locations: locations.get(&model.id).cloned().unwrap_or_default(),
                schedules: schedules.get(&model.id).cloned().unwrap_or_default(),
                model,
            }
        })
        .collect())
}
