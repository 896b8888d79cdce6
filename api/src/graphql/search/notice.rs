//! Tells clients when a search answered from the fallback: the resolver marks the request,
//! and the endpoint writes `extensions.search = { engine: "database", degraded: true }` into
//! the response, so apps can say "results may be incomplete" without failing.

use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Response, Value};

/// A request's search notice; each request carries one (as `Arc<SearchNotice>`).
#[derive(Debug, Default)]
pub struct SearchNotice(AtomicBool);

impl SearchNotice {
    /// Marks the request as answered by the fallback.
    pub fn degraded(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Adds the notice to a response, when there is one.
    pub fn write(&self, response: &mut Response) {
        if self.0.load(Ordering::Relaxed) {
            let mut notice = IndexMap::new();
            notice.insert(Name::new("engine"), Value::from("database"));
            notice.insert(Name::new("degraded"), Value::from(true));
            response
                .extensions
                .insert("search".into(), Value::Object(notice));
        }
    }
}
