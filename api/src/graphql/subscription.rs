//! Subscriptions: public offers that change in a region, and a pool's matches for its
//! coordinators. Each event is read afresh from the database when it arrives, with the
//! subscriber's rights at that moment: a coordinator whose session ended or who lost the
//! pool gets `UNAUTHENTICATED` or nothing, and the subscription ends.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, SimpleObject, Subscription};
use futures_util::Stream;
use futures_util::stream;
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::auth::Viewer;
use crate::context::AppContext;
use crate::error::ApiError;
use crate::events::{Event, OfferChange};
use crate::graphql::locale::Lang;
use crate::graphql::mentoring::people_types::MentorMatch;
use crate::graphql::offer::Offer;
use crate::graphql::relay::{NodeType, expect_global_id, global_id};
use crate::service;
use crate::service::mentoring::access;
use crate::service::offer::Audience;
use crate::service::signed_in::{TokenRefusal, staff_for_token};

/// The access token a subscriber gave in `connection_init`, checked again at every event.
#[derive(Clone)]
pub struct SubscriberToken(pub Option<String>);

/// How a public offer changed.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "OfferChange")]
pub enum OfferChangeGql {
    /// It was published.
    Published,
    /// It is public and was edited.
    Updated,
    /// It left the catalogue (archived or ended); `offer` is null.
    Withdrawn,
}

impl From<OfferChange> for OfferChangeGql {
    fn from(change: OfferChange) -> Self {
        match change {
            OfferChange::Published => Self::Published,
            OfferChange::Updated => Self::Updated,
            OfferChange::Withdrawn => Self::Withdrawn,
        }
    }
}

/// A change to a public offer.
#[derive(SimpleObject)]
pub struct OfferChangeEvent {
    pub change: OfferChangeGql,
    pub offer_id: ID,
    /// The offer as the public sees it now; null once it is no longer public.
    pub offer: Option<Offer>,
}

#[derive(Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Public offers that are published, edited or withdrawn — in `regionId` (and every
    /// region it contains or lies in, as `offers(filter: { regionIds })` counts) or anywhere.
    async fn offer_changed(
        &self,
        ctx: &Context<'_>,
        region_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = OfferChangeEvent> + use<>> {
        let app = AppContext::of(ctx)?.clone();
        let regions = match region_id {
            None => None,
            Some(id) => {
                let id = expect_global_id(&id, NodeType::Region)?;
                if service::region::by_id(&app.db, id).await?.is_none() {
                    return Err(ApiError::NotFound("region").into());
                }
                let covered = service::region::expand_for_filter(&app.db, &[id]).await?;
                Some(covered.into_iter().collect::<HashSet<Uuid>>())
            }
        };
        let lang = Lang::resolve(ctx, None);
        let events = app.events.subscribe();
        Ok(stream::unfold(events, move |mut events| {
            let app = app.clone();
            let regions = regions.clone();
            let lang = lang.clone();
            async move {
                loop {
                    let Event::Offer {
                        offer_id,
                        change,
                        region_ids,
                    } = next_event(&mut events).await?.as_ref().clone()
                    else {
                        continue;
                    };
                    if let Some(regions) = &regions
                        && !region_ids.iter().any(|r| regions.contains(r))
                    {
                        continue;
                    }
                    let offer = match service::offer::by_id(&app.db, &Audience::Public, offer_id)
                        .await
                    {
                        Ok(found) => found.map(|model| Offer::new(model, lang.clone())),
                        Err(err) => {
                            tracing::warn!(error = %err, "offer event skipped: offer not readable");
                            continue;
                        }
                    };
                    let event = OfferChangeEvent {
                        change: change.into(),
                        offer_id: global_id(NodeType::Offer, offer_id),
                        offer,
                    };
                    return Some((event, events));
                }
            }
        }))
    }

    /// The matches of a pool as they are proposed, accepted, started, declined, cancelled
    /// or ended (coordinators of the pool, signed in through `connection_init`).
    async fn match_changed(
        &self,
        ctx: &Context<'_>,
        pool_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<MentorMatch>> + use<>> {
        let app = AppContext::of(ctx)?.clone();
        let viewer = RequestMeta::of(ctx).viewer.clone();
        let pool_id = expect_global_id(&pool_id, NodeType::MentoringPool)?;
        access::pool(&app.db, &viewer, pool_id).await?;
        let token = ctx
            .data_opt::<SubscriberToken>()
            .and_then(|t| t.0.clone())
            .ok_or(ApiError::Unauthenticated)?;
        let events = app.events.subscribe();
        let state = MatchFeed {
            app,
            token: Arc::from(token),
            pool_id,
            events,
            ended: false,
        };
        Ok(stream::unfold(state, |mut feed| async move {
            if feed.ended {
                return None;
            }
            let item = feed.next().await?;
            feed.ended = item.is_err();
            Some((item, feed))
        }))
    }
}

/// What a `matchChanged` subscription keeps between events.
struct MatchFeed {
    app: AppContext,
    token: Arc<str>,
    pool_id: Uuid,
    events: broadcast::Receiver<Arc<Event>>,
    ended: bool,
}

impl MatchFeed {
    /// The next match of the pool the subscriber may still see; an error ends the feed.
    async fn next(&mut self) -> Option<async_graphql::Result<MentorMatch>> {
        loop {
            let event = next_event(&mut self.events).await?;
            let Event::Match { match_id, pool_id } = event.as_ref() else {
                continue;
            };
            if *pool_id != self.pool_id {
                continue;
            }
            let viewer = match staff_for_token(&self.app.identity(), &self.token).await {
                Ok(staff) => Viewer::Staff(staff),
                Err(TokenRefusal::Unavailable(err)) => {
                    tracing::warn!(error = %err, "match event skipped: session not checkable");
                    continue;
                }
                Err(_) => return Some(Err(ApiError::Unauthenticated.into())),
            };
            match access::match_side(&self.app.db, &viewer, *match_id).await {
                Ok((found, _, _)) => return Some(Ok(found.into())),
                // Erased, or the pool is no longer the subscriber's.
                Err(ApiError::NotFound(_)) => continue,
                Err(err) => return Some(Err(err.into())),
            }
        }
    }
}

/// The next event of the bus; a subscriber that fell behind skips what it missed.
async fn next_event(events: &mut broadcast::Receiver<Arc<Event>>) -> Option<Arc<Event>> {
    loop {
        match events.recv().await {
            Ok(event) => return Some(event),
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "a subscriber fell behind and missed events");
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        }
    }
}
