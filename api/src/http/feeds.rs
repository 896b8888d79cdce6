//! The feed routes: an offer's dates and a region's current offers as iCalendar, and an
//! offer as schema.org JSON-LD. Public offers only; the language comes from `?lang=` or
//! `Accept-Language`. Answers carry `Cache-Control` and an `ETag` like `GET` queries, and
//! count against the caller's rate limit.
//!
//! - `GET /feeds/offers/{id}/calendar.ics`
//! - `GET /feeds/offers/{id}/schema.jsonld`
//! - `GET /feeds/regions/{code}/calendar.ics`

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiError;
use crate::error::Code;
use crate::feeds::{self, FeedOffer};
use crate::graphql::relay::{NodeType, expect_global_id};
use crate::http::caching::{HttpCaching, finish};
use crate::http::refusal::refusal;
use crate::http::{caller, rate_limit};
use crate::locale::Lang;
use crate::service;
use crate::service::offer::{Audience, OfferFilter, OfferOrder};
use crate::service::page::{Direction, PageArgs};

/// `?lang=` of a feed request.
#[derive(Debug, serde::Deserialize)]
pub struct FeedParams {
    lang: Option<String>,
}

/// The formats an offer's feed comes in, by the file name that ends its path.
#[derive(Debug, Clone, Copy)]
enum OfferFeed {
    Calendar,
    Schema,
}

impl OfferFeed {
    fn of_file(file: &str) -> Option<Self> {
        match file {
            "calendar.ics" => Some(Self::Calendar),
            "schema.jsonld" => Some(Self::Schema),
            _ => None,
        }
    }
}

/// `GET /feeds/offers/{id}/{file}`: the offer as iCalendar or as JSON-LD.
pub async fn offer_feed(
    app: web::Data<AppContext>,
    http: HttpRequest,
    path: web::Path<(String, String)>,
    params: web::Query<FeedParams>,
) -> HttpResponse {
    let (id, file) = path.into_inner();
    let answer = async {
        let feed = OfferFeed::of_file(&file).ok_or_else(|| not_found("feed"))?;
        let offer = one_offer(&app, &http, &id, &params).await?;
        Ok(match feed {
            OfferFeed::Calendar => calendar(
                &app,
                &http,
                feeds::ical::render(offer.title(), std::slice::from_ref(&offer)),
            ),
            OfferFeed::Schema => match serde_json::to_vec(&feeds::jsonld::render(&offer, None)) {
                Ok(body) => cached(&app, &http, "application/ld+json", body),
                Err(err) => unavailable(&ApiError::internal(err)),
            },
        })
    };
    answer.await.unwrap_or_else(|refusal| refusal)
}

/// `GET /feeds/regions/{code}/calendar.ics`: the region's current offers as iCalendar.
pub async fn region_calendar(
    app: web::Data<AppContext>,
    http: HttpRequest,
    code: web::Path<String>,
    params: web::Query<FeedParams>,
) -> HttpResponse {
    let answer = async {
        limit(&app, &http).await?;
        let region = service::region::by_code(&app.db, code.trim())
            .await
            .map_err(|err| unavailable(&err))?
            .ok_or_else(|| not_found("region"))?;
        let filter = OfferFilter {
            region_ids: vec![region.id],
            ..OfferFilter::default()
        };
        let args = PageArgs {
            limit: app.settings.catalogue.feed_max_offers.max(1),
            direction: Direction::Forward,
            cursor: None,
            count_total: false,
        };
        let page = service::offer::list(
            &app.db,
            &Audience::Public,
            &filter,
            OfferOrder::default(),
            &args,
            None,
        )
        .await
        .map_err(|err| unavailable(&err))?;
        let models = page.items.into_iter().map(|(_, offer)| offer).collect();
        let offers = feeds::load(&app.db, models, &language(&http, &params))
            .await
            .map_err(|err| unavailable(&err))?;
        Ok(calendar(
            &app,
            &http,
            feeds::ical::render(&region.name, &offers),
        ))
    };
    answer.await.unwrap_or_else(|refusal| refusal)
}

/// The public offer a path names, in the requested language.
async fn one_offer(
    app: &AppContext,
    http: &HttpRequest,
    id: &str,
    params: &FeedParams,
) -> Result<FeedOffer, HttpResponse> {
    limit(app, http).await?;
    let id: Uuid = expect_global_id(id, NodeType::Offer).map_err(|_| not_found("offer"))?;
    let model = match service::offer::by_id(&app.db, &Audience::Public, id).await {
        Ok(Some(model)) => model,
        Ok(None) => return Err(not_found("offer")),
        Err(err) => return Err(unavailable(&err)),
    };
    let lang = language(http, params);
    let mut loaded = feeds::load(&app.db, vec![model], &lang)
        .await
        .map_err(|err| unavailable(&err))?;
    loaded.pop().ok_or_else(|| not_found("offer"))
}

fn language(http: &HttpRequest, params: &FeedParams) -> Lang {
    match params
        .lang
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        Some(lang) => Lang::from_tags([lang]),
        None => Lang::from_accept_language(
            http.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default(),
        ),
    }
}

async fn limit(app: &AppContext, http: &HttpRequest) -> Result<(), HttpResponse> {
    rate_limit::check_address(app, caller::address(app, http).as_deref())
        .await
        .map(|_| ())
}

fn calendar(app: &AppContext, http: &HttpRequest, body: String) -> HttpResponse {
    cached(app, http, "text/calendar; charset=utf-8", body.into_bytes())
}

fn cached(app: &AppContext, http: &HttpRequest, content_type: &str, body: Vec<u8>) -> HttpResponse {
    let caching = HttpCaching::for_request(app, &RequestMeta::default(), http);
    let mut reply = HttpResponse::Ok();
    reply.content_type(content_type.to_owned());
    finish(reply, body, Some(&caching), true)
}

fn not_found(what: &str) -> HttpResponse {
    refusal(Code::NotFound, &format!("no such public {what}"))
}

fn unavailable(err: &ApiError) -> HttpResponse {
    super::refusal::refusal_for(err)
}
