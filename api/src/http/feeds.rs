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

use crate::context::{AppContext, RequestMeta};
use crate::error::ApiError;
use crate::error::Code;
use crate::feeds::{self, FeedOffer};
use crate::graphql::relay::{NodeType, expect_global_id};
use crate::http::caching::{HttpCaching, finish};
use crate::http::graphql::refusal;
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

pub async fn offer_calendar(
    app: web::Data<AppContext>,
    http: HttpRequest,
    id: web::Path<String>,
    params: web::Query<FeedParams>,
) -> HttpResponse {
    let offer = match one_offer(&app, &http, &id, &params).await {
        Ok(offer) => offer,
        Err(response) => return response,
    };
    let body = feeds::ical::render(offer.title(), std::slice::from_ref(&offer));
    cached(
        &app,
        &http,
        "text/calendar; charset=utf-8",
        body.into_bytes(),
    )
}

pub async fn offer_schema(
    app: web::Data<AppContext>,
    http: HttpRequest,
    id: web::Path<String>,
    params: web::Query<FeedParams>,
) -> HttpResponse {
    let offer = match one_offer(&app, &http, &id, &params).await {
        Ok(offer) => offer,
        Err(response) => return response,
    };
    let document = feeds::jsonld::render(&offer, None);
    match serde_json::to_vec(&document) {
        Ok(body) => cached(&app, &http, "application/ld+json", body),
        Err(err) => {
            tracing::error!(error = %err, "could not encode JSON-LD");
            refusal(Code::InternalServerError, "internal error")
        }
    }
}

pub async fn region_calendar(
    app: web::Data<AppContext>,
    http: HttpRequest,
    code: web::Path<String>,
    params: web::Query<FeedParams>,
) -> HttpResponse {
    if let Err(response) = limit(&app, &http).await {
        return response;
    }
    let region = match service::region::by_code(&app.db, code.trim()).await {
        Ok(Some(region)) => region,
        Ok(None) => return not_found("region"),
        Err(err) => return unavailable(&err),
    };
    let filter = OfferFilter {
        region_ids: vec![region.id],
        ..OfferFilter::default()
    };
    let args = PageArgs {
        limit: app.settings.feed_max_offers.max(1),
        direction: Direction::Forward,
        cursor: None,
        count_total: false,
    };
    let page = match service::offer::list(
        &app.db,
        &Audience::Public,
        &filter,
        OfferOrder::default(),
        &args,
        None,
    )
    .await
    {
        Ok(page) => page,
        Err(err) => return unavailable(&err),
    };
    let models = page.items.into_iter().map(|(_, offer)| offer).collect();
    let lang = language(&http, &params);
    let offers = match feeds::load(&app.db, models, &lang).await {
        Ok(offers) => offers,
        Err(err) => return unavailable(&err),
    };
    let body = feeds::ical::render(&region.name, &offers);
    cached(
        &app,
        &http,
        "text/calendar; charset=utf-8",
        body.into_bytes(),
    )
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
    super::graphql::refusal_for(err)
}
