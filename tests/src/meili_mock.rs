//! A stand-in Meilisearch server for the adapter's contract test: it answers the calls the
//! adapter makes (indexes, settings, documents, search, facet search, swaps, tasks) in
//! Meilisearch's wire format, keeps documents per index, records every request, and can
//! be switched off to play an engine that is down. It does not rank: a search answers
//! with the stored documents, so the tests check what the adapter sends and how it reads
//! the answers; the conformance suite checks real behaviour against a real server.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Map, Value, json};

/// One request as the mock received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: Value,
}

#[derive(Debug, Default)]
struct State {
    requests: Vec<Recorded>,
    /// Documents by index, by id.
    indexes: BTreeMap<String, BTreeMap<String, Value>>,
    /// Settings applied, by index.
    settings: BTreeMap<String, Value>,
    /// Task type, index and error (when failed), by task uid.
    tasks: Vec<(String, Option<String>, Option<Value>)>,
    down: bool,
}

/// A running mock; stops when dropped.
pub struct MeiliMock {
    pub url: String,
    state: Arc<Mutex<State>>,
    handle: actix_web::dev::ServerHandle,
}

const TIME: &str = "2026-11-22T10:00:00Z";

fn error(status: u16, code: &str, message: &str) -> HttpResponse {
    let kind = if status >= 500 {
        "internal"
    } else {
        "invalid_request"
    };
    HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status)
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
    )
    .json(json!({ "message": message, "code": code, "type": kind, "link": "" }))
}

impl State {
    fn task(&mut self, kind: &str, index: Option<&str>, failure: Option<Value>) -> HttpResponse {
        self.tasks
            .push((kind.to_owned(), index.map(str::to_owned), failure));
        let uid = self.tasks.len() - 1;
        HttpResponse::Accepted().json(json!({
            "taskUid": uid,
            "indexUid": index,
            "status": "enqueued",
            "type": kind,
            "enqueuedAt": TIME,
        }))
    }

    fn task_status(&self, uid: usize) -> HttpResponse {
        let Some((kind, index, failure)) = self.tasks.get(uid) else {
            return error(404, "task_not_found", "no such task");
        };
        HttpResponse::Ok().json(json!({
            "uid": uid,
            "batchUid": uid,
            "indexUid": index,
            "status": if failure.is_some() { "failed" } else { "succeeded" },
            "type": kind,
            "canceledBy": null,
            "details": null,
            "error": failure,
            "duration": "PT0.001S",
            "enqueuedAt": TIME,
            "startedAt": TIME,
            "finishedAt": TIME,
        }))
    }

    fn search(&self, index: &str, body: &Value) -> HttpResponse {
        let Some(documents) = self.indexes.get(index) else {
            return error(404, "index_not_found", "no such index");
        };
        // A plain stand-in for matching: every query word (or, with a partial strategy, any)
        // must occur in a title.
        let words: Vec<String> = body["q"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let every = body["matchingStrategy"].as_str() == Some("all");
        let matches = |doc: &Value| {
            let titles = doc["title"].to_string().to_lowercase();
            let found = |w: &String| titles.contains(w.as_str());
            words.is_empty()
                || if every {
                    words.iter().all(found)
                } else {
                    words.iter().any(found)
                }
        };
        let matching: Vec<&Value> = documents.values().filter(|d| matches(d)).collect();
        let mut facets: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for name in body["facets"].as_array().into_iter().flatten() {
            let Some(name) = name.as_str() else { continue };
            let counts = facets.entry(name.to_owned()).or_default();
            for doc in documents.values().filter(|d| matches(d)) {
                let values = match &doc[name] {
                    Value::Array(items) => items.clone(),
                    Value::Null => Vec::new(),
                    other => vec![other.clone()],
                };
                for value in values {
                    let key = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    *counts.entry(key).or_default() += 1;
                }
            }
        }
        let hits: Vec<Value> = matching
            .iter()
            .map(|doc| {
                let mut hit = Map::new();
                for field in body["attributesToRetrieve"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    if let Some(name) = field.as_str()
                        && let Some(value) = doc.get(name)
                    {
                        hit.insert(name.to_owned(), value.clone());
                    }
                }
                hit.insert("_rankingScore".into(), json!(0.5));
                Value::Object(hit)
            })
            .collect();
        let total = hits.len();
        let mut answer = json!({
            "hits": hits,
            "query": body["q"],
            "processingTimeMs": 1,
            "facetDistribution": facets,
        });
        if body.get("page").is_some() {
            answer["page"] = body["page"].clone();
            answer["hitsPerPage"] = body["hitsPerPage"].clone();
            answer["totalHits"] = json!(total);
            answer["totalPages"] = json!(1);
        } else {
            answer["offset"] = body["offset"].clone();
            answer["limit"] = body["limit"].clone();
            answer["estimatedTotalHits"] = json!(total);
        }
        HttpResponse::Ok().json(answer)
    }

    fn facet_search(&self, index: &str, body: &Value) -> HttpResponse {
        let Some(documents) = self.indexes.get(index) else {
            return error(404, "index_not_found", "no such index");
        };
        let name = body["facetName"].as_str().unwrap_or_default();
        let prefix = body["facetQuery"].as_str().unwrap_or_default();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for doc in documents.values() {
            for value in doc[name].as_array().into_iter().flatten() {
                if let Some(value) = value.as_str()
                    && value.starts_with(prefix)
                {
                    *counts.entry(value.to_owned()).or_default() += 1;
                }
            }
        }
        let hits: Vec<Value> = counts
            .into_iter()
            .map(|(value, count)| json!({ "value": value, "count": count }))
            .collect();
        HttpResponse::Ok().json(json!({
            "facetHits": hits, "facetQuery": prefix, "processingTimeMs": 1
        }))
    }

    fn handle(&mut self, method: &str, path: &[&str], body: &Value) -> HttpResponse {
        match (method, path) {
            ("POST", ["indexes"]) => {
                let uid = body["uid"].as_str().unwrap_or_default().to_owned();
                if self.indexes.contains_key(&uid) {
                    let failure = json!({
                        "message": "index already exists", "code": "index_already_exists",
                        "type": "invalid_request", "link": ""
                    });
                    return self.task("indexCreation", Some(&uid), Some(failure));
                }
                self.indexes.insert(uid.clone(), BTreeMap::new());
                self.task("indexCreation", Some(&uid), None)
            }
            ("GET", ["indexes", uid]) => match self.indexes.contains_key(*uid) {
                true => HttpResponse::Ok().json(json!({
                    "uid": uid, "primaryKey": "id", "createdAt": TIME, "updatedAt": TIME
                })),
                false => error(404, "index_not_found", "no such index"),
            },
            ("DELETE", ["indexes", uid]) => {
                let failure = self.indexes.remove(*uid).is_none().then(|| {
                    json!({
                        "message": "no such index", "code": "index_not_found",
                        "type": "invalid_request", "link": ""
                    })
                });
                self.task("indexDeletion", Some(uid), failure)
            }
            ("PATCH", ["indexes", uid, "settings"]) => {
                let applied = self.settings.entry((*uid).to_owned()).or_insert(json!({}));
                for (name, value) in body.as_object().into_iter().flatten() {
                    applied[name] = value.clone();
                }
                self.task("settingsUpdate", Some(uid), None)
            }
            ("GET", ["indexes", uid, "settings"]) => match self.indexes.contains_key(*uid) {
                true => {
                    HttpResponse::Ok().json(self.settings.get(*uid).cloned().unwrap_or_else(
                        || json!({ "searchableAttributes": ["*"], "synonyms": {} }),
                    ))
                }
                false => error(404, "index_not_found", "no such index"),
            },
            ("POST" | "PUT", ["indexes", uid, "documents"]) => {
                let documents = self.indexes.entry((*uid).to_owned()).or_default();
                for doc in body.as_array().into_iter().flatten() {
                    let id = doc["id"].as_str().unwrap_or_default().to_owned();
                    documents.insert(id, doc.clone());
                }
                self.task("documentAdditionOrUpdate", Some(uid), None)
            }
            ("POST", ["indexes", uid, "documents", "delete-batch"]) => {
                if let Some(documents) = self.indexes.get_mut(*uid) {
                    for id in body.as_array().into_iter().flatten() {
                        documents.remove(id.as_str().unwrap_or_default());
                    }
                }
                self.task("documentDeletion", Some(uid), None)
            }
            ("DELETE", ["indexes", uid, "documents"]) => {
                if let Some(documents) = self.indexes.get_mut(*uid) {
                    documents.clear();
                }
                self.task("documentDeletion", Some(uid), None)
            }
            ("GET", ["indexes", uid, "stats"]) => match self.indexes.get(*uid) {
                Some(documents) => HttpResponse::Ok().json(json!({
                    "numberOfDocuments": documents.len(),
                    "numberOfEmbeddedDocuments": 0,
                    "numberOfEmbeddings": 0,
                    "rawDocumentDbSize": 0,
                    "avgDocumentSize": 0,
                    "isIndexing": false,
                    "fieldDistribution": {},
                })),
                None => error(404, "index_not_found", "no such index"),
            },
            ("POST", ["indexes", uid, "search"]) => self.search(uid, body),
            ("POST", ["indexes", uid, "facet-search"]) => self.facet_search(uid, body),
            ("POST", ["swap-indexes"]) => {
                for swap in body.as_array().into_iter().flatten() {
                    let (Some(a), Some(b)) =
                        (swap["indexes"][0].as_str(), swap["indexes"][1].as_str())
                    else {
                        continue;
                    };
                    let first = self.indexes.remove(a).unwrap_or_default();
                    let second = self.indexes.remove(b).unwrap_or_default();
                    self.indexes.insert(a.to_owned(), second);
                    self.indexes.insert(b.to_owned(), first);
                }
                self.task("indexSwap", None, None)
            }
            ("GET", ["tasks", uid]) => self.task_status(uid.parse().unwrap_or(usize::MAX)),
            _ => error(404, "not_found", "the mock does not know this route"),
        }
    }
}

async fn route(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<Mutex<State>>>,
) -> HttpResponse {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut state = match state.lock() {
        Ok(state) => state,
        Err(poisoned) => poisoned.into_inner(),
    };
    let method = request.method().as_str().to_owned();
    let path = request.path().to_owned();
    state.requests.push(Recorded {
        method: method.clone(),
        path: path.clone(),
        query: request.query_string().to_owned(),
        body: body.clone(),
    });
    if state.down {
        return error(503, "internal", "switched off by the test");
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    state.handle(&method, &segments, &body)
}

impl MeiliMock {
    /// Starts the mock on a free loopback port.
    pub fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let shared = state.clone();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(web::Data::new(shared.clone()))
                        .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                        .default_service(web::to(route))
                })
                .workers(1)
                .listen(listener)
                .expect("listen")
                .run();
                let _ = sender.send(server.handle());
                let _ = server.await;
            });
        });
        let handle = receiver.recv().expect("the mock started");
        Self { url, state, handle }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    /// Requests so far with this method and path.
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }

    /// The body of the latest request with this method and path (null when there was none).
    pub fn last_body(&self, method: &str, path: &str) -> Value {
        self.requests_to(method, path)
            .pop()
            .map_or(Value::Null, |r| r.body)
    }

    /// The stored documents of an index, by id.
    pub fn documents(&self, index: &str) -> BTreeMap<String, Value> {
        self.state().indexes.get(index).cloned().unwrap_or_default()
    }

    /// Makes every request fail with 503 (or answer again).
    pub fn set_down(&self, down: bool) {
        self.state().down = down;
    }
}

impl Drop for MeiliMock {
    fn drop(&mut self) {
        // Stopping waits for the server thread; dropping the future is enough here.
        drop(self.handle.stop(false));
    }
}
