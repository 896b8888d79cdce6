//! Test harness for the black-box suite: [`TestApp::spawn`] gives each test its own fresh
//! database (a new SQLite file, or a new PostgreSQL schema when `TEST_DATABASE_URL` is set),
//! migrated and loaded with reference data, and speaks GraphQL to the real HTTP routes.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "a test harness stops the test on a failed set-up, with a message"
)]

pub mod accounts;
pub mod fixtures;
pub mod meili_mock;
pub mod mentoring;
pub mod offer_file;
pub mod proxy;
pub mod ws;

use std::path::PathBuf;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::StatusCode;
use actix_web::{App, test};
use angebotsplattform::config::Settings;
use angebotsplattform::context::AppContext;
use angebotsplattform::{QueryLimits, build_schema, configure, db};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use serde_json::{Value, json};

/// Where the tests' databases live.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A fresh SQLite file per test.
    Sqlite,
    /// A fresh schema per test in the PostgreSQL database named by the URL.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL when `TEST_DATABASE_URL` is set, else SQLite.
    pub fn from_env() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => Self::Postgres(url),
            _ => Self::Sqlite,
        }
    }
}

/// A private, empty database for one test; removed when dropped.
pub struct TestDatabase {
    pub options: ConnectOptions,
    pub settings: Settings,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Schema {
        url: String,
        schema: String,
        dir: PathBuf,
    },
}

impl TestDatabase {
    /// Creates the database (without migrating it).
    pub async fn create() -> Self {
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let dir = std::env::temp_dir()
            .join("angebotsplattform-tests")
            .join(&name);
        std::fs::create_dir_all(&dir).expect("create test data directory");
        let mut settings = Settings::for_data_dir(dir.clone());
        // A secret per test, so no key file is written.
        settings.auth.jwt_secret =
            Some(format!("test-secret-{}", uuid::Uuid::new_v4().simple()).into());
        // Tests change data behind the API's back (fixtures): answers are cached only where a
        // test turns the cache on.
        settings.caches.response_cache_secs = 0;
        match Backend::from_env() {
            Backend::Sqlite => {
                let url = db::database_url(&settings).expect("sqlite url");
                let options = db::connect_options(&url, &settings);
                Self {
                    options,
                    settings,
                    cleanup: Cleanup::Dir(dir),
                }
            }
            Backend::Postgres(url) => {
                let admin = Database::connect(&url)
                    .await
                    .unwrap_or_else(|err| panic!("cannot reach TEST_DATABASE_URL: {err}"));
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA {name}"))
                    .await
                    .expect("create test schema");
                admin.close().await.ok();
                settings.database.database_url = Some(url.clone());
                let mut options = db::connect_options(&url, &settings);
                options.set_schema_search_path(name.clone());
                // The directory still holds the search index.
                Self {
                    options,
                    settings,
                    cleanup: Cleanup::Schema {
                        url,
                        schema: name,
                        dir,
                    },
                }
            }
        }
    }

    /// Connects without migrating.
    pub async fn connect(&self) -> DatabaseConnection {
        Database::connect(self.options.clone())
            .await
            .expect("connect to test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                std::fs::remove_dir_all(dir).ok();
            }
            Cleanup::Schema { url, schema, dir } => {
                std::fs::remove_dir_all(dir).ok();
                let (url, schema) = (url.clone(), schema.clone());
                // Drop runs inside the test's runtime; a thread of its own may block.
                let dropper = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(runtime) = runtime {
                        runtime.block_on(async {
                            if let Ok(admin) = Database::connect(&url).await {
                                // A test that panicked may leave a transaction open whose
                                // rollback never ran; rather than wait on its locks forever,
                                // give up and leave the schema behind.
                                admin
                                    .execute_unprepared(&format!(
                                        "SET lock_timeout = '5s'; DROP SCHEMA IF EXISTS {schema} CASCADE"
                                    ))
                                    .await
                                    .ok();
                                admin.close().await.ok();
                            }
                        });
                    }
                });
                dropper.join().ok();
            }
        }
    }
}

/// The application on a private database.
pub struct TestApp {
    pub app: AppContext,
    pub db: DatabaseConnection,
    pub limits: QueryLimits,
    statements: Arc<AtomicUsize>,
    /// The beginning of every statement sent, in order.
    sql: Arc<std::sync::Mutex<Vec<String>>>,
    _database: TestDatabase,
}

/// A response as the client sees it.
#[derive(Debug)]
pub struct HttpReply {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Value,
    /// The body as it came, for checks on bytes and order.
    pub bytes: Vec<u8>,
}

impl TestApp {
    /// A migrated database with reference data and no offers.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Like [`spawn`](Self::spawn), with settings changed first.
    pub async fn spawn_with(change: impl FnOnce(&mut Settings)) -> Self {
        let mut database = TestDatabase::create().await;
        // With a real Redis named, every test shares it, under a key prefix of its own.
        if let Ok(url) = std::env::var("TEST_REDIS_URL")
            && !url.trim().is_empty()
        {
            database.settings.caches.redis_url = Some(url.trim().to_owned().into());
            database.settings.caches.redis_key_prefix =
                format!("test-{}:", uuid::Uuid::now_v7().simple());
        }
        change(&mut database.settings);
        let mut db = db::open(database.options.clone())
            .await
            .expect("open and migrate test database");
        // Counts every statement the app sends, for the tests that prove loaders batch.
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let sql = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = sql.clone();
        db.set_metric_callback(move |info| {
            // This callback takes the place of the process-wide one: it counts there too.
            angebotsplattform::db::note_statement();
            counter.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut log) = log.lock() {
                log.push(info.statement.sql.chars().take(300).collect::<String>());
            }
            if std::env::var("TEST_PRINT_SQL").is_ok() {
                eprintln!(
                    "SQL {}",
                    info.statement.sql.chars().take(90).collect::<String>()
                );
            }
        });
        angebotsplattform::prepare(&db, &database.settings)
            .await
            .expect("load reference data");
        let app = AppContext::new(db.clone(), database.settings.clone())
            .await
            .expect("token keys");
        let limits = QueryLimits::from_settings(&database.settings);
        Self {
            app,
            db,
            limits,
            statements,
            sql,
            _database: database,
        }
    }

    /// With the small demo data set loaded.
    pub async fn spawn_with_demo() -> Self {
        Self::spawn_with(|s| s.server.seed_demo_when_empty = Some(true)).await
    }

    /// Where the test's database is reached, as the app was given it.
    pub fn database_options(&self) -> sea_orm::ConnectOptions {
        self._database.options.clone()
    }

    /// Which engine the test runs on.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// How many SQL statements the app has sent so far.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::Relaxed)
    }

    /// The statements sent after the first `mark` (a count from [`statements`](Self::statements)),
    /// each cut to its first 300 characters.
    pub fn statements_since(&self, mark: usize) -> Vec<String> {
        let log = self.sql.lock().expect("statement log");
        log.iter().skip(mark).cloned().collect()
    }

    /// Sends any request to the app's routes.
    pub async fn request(&self, request: test::TestRequest) -> HttpReply {
        let schema = build_schema(self.app.clone(), &self.limits);
        let service =
            test::init_service(App::new().configure(configure(schema, self.app.clone()))).await;
        let response = test::call_service(&service, request.to_request()).await;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = test::read_body(response).await;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        HttpReply {
            status,
            headers,
            body,
            bytes: bytes.to_vec(),
        }
    }

    /// Sends a GraphQL query over HTTP and returns the whole JSON response.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_with_headers(query, variables, &[]).await
    }

    /// Like [`graphql`](Self::graphql), with extra request headers.
    pub async fn graphql_with_headers(
        &self,
        query: &str,
        variables: Value,
        headers: &[(&str, &str)],
    ) -> Value {
        let schema = build_schema(self.app.clone(), &self.limits);
        let service =
            test::init_service(App::new().configure(configure(schema, self.app.clone()))).await;
        let mut request = test::TestRequest::post()
            .uri("/graphql")
            .set_json(json!({ "query": query, "variables": variables }));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        test::call_and_read_body_json(&service, request.to_request()).await
    }

    /// Sends a GraphQL query with a bearer token (or none) and returns the whole response;
    /// a request refused before execution (401) comes back as its GraphQL-shaped body.
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = bearer
            .as_deref()
            .map(|b| vec![("Authorization", b)])
            .unwrap_or_default();
        let mut request = test::TestRequest::post()
            .uri("/graphql")
            .set_json(json!({ "query": query, "variables": variables }));
        for (name, value) in headers {
            request = request.insert_header((name, value));
        }
        self.request(request).await.body
    }

    /// Like [`graphql_as`](Self::graphql_as), and the query must succeed.
    pub async fn data_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let response = self.graphql_as(token, query, variables).await;
        if let Some(errors) = response.get("errors") {
            panic!("query failed: {errors}");
        }
        response["data"].clone()
    }

    /// Rebuilds the application on the same database with changed settings (another
    /// instance, as after a deployment).
    pub fn reconfigure(&mut self, change: impl FnOnce(&mut Settings)) {
        let mut settings = (*self.app.settings).clone();
        change(&mut settings);
        self.limits = QueryLimits::from_settings(&settings);
        // The search index stays open: a second writer on its directory would be refused.
        self.app = AppContext::with_search(
            self.db.clone(),
            settings,
            self.app.search.clone(),
            self.app.thesaurus.clone(),
        )
        .expect("token keys");
    }

    /// Applies every pending search outbox row to the search index, as the indexer job does.
    pub async fn index_pending(&self) {
        loop {
            let report =
                angebotsplattform::service::indexing::drain_once(&self.db, &*self.app.search, 500)
                    .await
                    .expect("drain the search outbox");
            assert!(!report.failed, "indexing failed");
            if report.rows == 0 {
                break;
            }
        }
    }

    /// Sends a query that must succeed, and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.graphql(query, variables).await;
        if let Some(errors) = response.get("errors") {
            panic!("query failed: {errors}");
        }
        response["data"].clone()
    }
}

/// The `extensions.code` of a response's first error.
pub fn error_code(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["code"].as_str()
}

/// Percent-encodes a query-string value.
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `X-Request-Id` an answer carries.
pub fn request_id(reply: &HttpReply) -> String {
    reply
        .headers
        .get("X-Request-Id")
        .and_then(|v| v.to_str().ok())
        .expect("an X-Request-Id header")
        .to_owned()
}
