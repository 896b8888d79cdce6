//! Load generator for the GraphQL endpoint: drives one workload over HTTP/1.1 keep-alive
//! connections at a chosen concurrency for a chosen time, then prints requests per second,
//! latency percentiles and errors (and the server's peak memory when given its pid).
//!
//! ```sh
//! cargo run --release -p tests --bin bench -- --url http://127.0.0.1:8080/graphql \
//!     --workload offers-page --concurrency 32 --seconds 20
//! ```

use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};

mod baseline;
mod suite;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// What to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Workload {
    /// `{ __typename }`: the fixed cost of a request, parsing to answer.
    Typename,
    /// `offers(first: 50)` with every nested field.
    OffersPage,
    /// One offer by id, with its nested fields.
    OfferById,
    /// A filtered page: German courses around Olten with childcare, by start date.
    OffersFiltered,
    /// `me` with a bearer token: what checking a token and loading the viewer costs.
    Me,
    /// `login` with e-mail and password: the cost of Argon2id.
    Login,
    /// `searchOffers` for one word.
    SearchWord,
    /// `searchOffers` for three words, one with a typo.
    SearchTypo,
    /// `searchOffers` for a word with three filters and a radius, sorted by distance.
    SearchFiltered,
    /// `mentorCandidates` for an open request, ranked among every active mentor of the
    /// canton (the first pool is set to accept neighbouring pools' mentors from the farthest
    /// the platform allows, 30 km).
    MentorCandidates,
    /// `proposePoolMatches` for the second pool (run it with `--concurrency 1`).
    ProposePool,
    /// `suggestOffers` for a three-letter prefix, as a search box asks while typing.
    Suggest,
    /// The `search-word` search sent to Meilisearch's own HTTP API (`--url` names the
    /// index's search route; `MEILI_API_KEY` its key): the same words, filter and facets.
    MeiliWord,
    /// The `search-typo` search sent to Meilisearch's own HTTP API.
    MeiliTypo,
    /// `createOffer` then `publishOffer` of the new offer, as an admin: one write round.
    CreatePublish,
    /// What a regional site's visitors ask for, anonymously: 200 offers by id (in German or
    /// French) and the first page in four languages, popular ones far more often than the
    /// rest (the n-th of 204 requests is drawn with a cubic skew towards the start).
    CatalogueMix,
}

#[derive(Debug, Clone, Parser)]
#[command(about = "Drives a GraphQL workload and prints throughput and latency")]
struct Args {
    /// The GraphQL endpoint (plain HTTP).
    #[arg(long, default_value = "http://127.0.0.1:8080/graphql")]
    url: String,
    #[arg(long, value_enum, default_value_t = Workload::OffersPage)]
    workload: Workload,
    /// Concurrent clients, each on its own keep-alive connection.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// How long to run, after a short warm-up.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// The server's process id, to report its peak memory (Linux).
    #[arg(long)]
    server_pid: Option<u32>,
    /// Account to sign in with (workloads `me` and `login`).
    #[arg(long, env = "BENCH_EMAIL")]
    email: Option<String>,
    /// Its password.
    #[arg(long, env = "BENCH_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Run the whole suite instead of one workload: seed, start the server, drive every
    /// workload, print a table (see `suite.rs` for the options it takes).
    #[command(flatten)]
    suite: suite::SuiteArgs,
}

const NESTED_OFFER: &str =
    "id title summary servedLocale availableLocales level fide childcare online
  cost { kind price { amount currency } unit } instructionLanguages supportLanguages
  provider { id name description municipality { name } }
  categories { code label parent { code label } }
  regions { code name parents { code name } }
  locations { name coordinates { lat lon } municipality { name } }
  schedules { weekday startDate endDate startTime endTime }";

/// A search page as a newcomer app asks for it: hits with highlights and facets.
const SEARCH: &str = "query($q: String, $filter: OfferFilter, $near: NearInput, $sort: SearchSort) {
  searchOffers(query: $q, filter: $filter, near: $near, sort: $sort, first: 20, locale: \"en\") {
    totalHits processingTimeMs
    hits { distanceKm highlights { field snippet } offer { id title summary servedLocale cost { kind } provider { name } } }
    facets { categories { value count } districts { value count } levels { value count } costs { value count } }
  }
}";

struct Target {
    host: String,
    port: u16,
    path: String,
    /// `Authorization` header sent with every request, if any.
    authorization: Option<String>,
}

impl Target {
    /// The same endpoint, with the bearer token of a `login` answer.
    fn signed_in(&self, login: &Value) -> Self {
        let token = login["login"]["accessToken"].as_str().unwrap_or_default();
        Self {
            host: self.host.clone(),
            port: self.port,
            path: self.path.clone(),
            authorization: Some(format!("Bearer {token}")),
        }
    }
}

fn parse_url(url: &str) -> Result<Target, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("only plain http:// URLs are supported")?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_owned(), p.parse().map_err(|_| "bad port")?),
        None => (authority.to_owned(), 80),
    };
    Ok(Target {
        host,
        port,
        path: format!("/{path}"),
        authorization: None,
    })
}

/// One keep-alive connection.
struct Connection {
    stream: BufReader<TcpStream>,
}

impl Connection {
    async fn open(target: &Target) -> std::io::Result<Self> {
        let stream = TcpStream::connect((target.host.as_str(), target.port)).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream: BufReader::new(stream),
        })
    }

    /// Posts a body and returns the status, the response body and, when the answer says,
    /// whether it came from the response cache (`X-Cache`).
    async fn post(
        &mut self,
        target: &Target,
        body: &[u8],
    ) -> std::io::Result<(u16, Vec<u8>, Option<bool>)> {
        let authorization = target
            .authorization
            .as_deref()
            .map(|value| format!("Authorization: {value}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\n{authorization}Content-Length: {}\r\n\r\n",
            target.path,
            target.host,
            target.port,
            body.len()
        );
        let stream = self.stream.get_mut();
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut status_line = String::new();
        self.stream.read_line(&mut status_line).await?;
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut length = 0usize;
        let mut cached = None;
        loop {
            let mut line = String::new();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("x-cache") {
                    cached = Some(value.trim().eq_ignore_ascii_case("hit"));
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await?;
        Ok((status, body, cached))
    }
}

/// What a run sends.
struct Plan {
    /// Request bodies, one drawn per request (most workloads have one).
    bodies: Vec<Vec<u8>>,
    /// `Authorization` header of every request.
    authorization: Option<String>,
    /// Each request creates an offer that a second request then publishes.
    publish_created: bool,
}

/// Finds what the workload needs (an offer id, a region id, a token) before the run.
async fn prepare(target: &Target, args: &Args) -> Result<Plan, String> {
    let workload = args.workload;
    let mut connection = Connection::open(target).await.map_err(|e| e.to_string())?;
    let mut ask = async |query: &str, variables: Value| -> Result<Value, String> {
        let body = serde_json::to_vec(&json!({ "query": query, "variables": variables }))
            .map_err(|e| e.to_string())?;
        let (status, body, _) = connection
            .post(target, &body)
            .await
            .map_err(|e| e.to_string())?;
        let value: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        if status != 200 || value.get("errors").is_some() {
            return Err(format!("preparing failed: {value}"));
        }
        Ok(value["data"].clone())
    };
    let credentials = || -> Result<Value, String> {
        match (&args.email, &args.password) {
            (Some(email), Some(password)) => Ok(json!({ "e": email, "p": password })),
            _ => Err(
                "this workload needs --email and --password (or BENCH_EMAIL / BENCH_PASSWORD)"
                    .into(),
            ),
        }
    };
    const LOGIN: &str =
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
    let mut authorization = None;
    let request = match workload {
        Workload::MentorCandidates | Workload::ProposePool => {
            let authed = target.signed_in(&ask(LOGIN, credentials()?).await?);
            authorization = authed.authorization.clone();
            mentoring_request(&authed, workload).await?
        }
        Workload::Me => {
            authorization = target
                .signed_in(&ask(LOGIN, credentials()?).await?)
                .authorization;
            json!({ "query": "{ me { role account { email } } }" })
        }
        Workload::Login => json!({ "query": LOGIN, "variables": credentials()? }),
        Workload::Typename => json!({ "query": "{ __typename }" }),
        Workload::SearchWord => json!({
            "query": SEARCH,
            "variables": { "q": "Deutschkurs" }
        }),
        Workload::SearchTypo => json!({
            "query": SEARCH,
            "variables": { "q": "Deutschkurz am Morgen" }
        }),
        Workload::SearchFiltered => json!({
            "query": SEARCH,
            "variables": {
                "q": "Deutsch",
                "filter": { "childcare": true, "costs": ["FREE", "SUBSIDISED"], "levels": ["A1", "A2"] },
                "near": { "lat": 47.35, "lon": 7.9, "radiusKm": 15 },
                "sort": "DISTANCE"
            }
        }),
        Workload::OffersPage => json!({
            "query": format!("query($first: Int) {{ offers(first: $first, locale: \"fr\") {{ totalCount edges {{ node {{ {NESTED_OFFER} }} }} }} }}"),
            "variables": { "first": 50 }
        }),
        Workload::OfferById => {
            let data = ask("{ offers(first: 1) { edges { node { id } } } }", json!({})).await?;
            let id = data["offers"]["edges"][0]["node"]["id"].clone();
            json!({
                "query": format!("query($id: ID!) {{ offer(id: $id, locale: \"en\") {{ {NESTED_OFFER} }} }}"),
                "variables": { "id": id }
            })
        }
        Workload::CatalogueMix => {
            let data = ask(
                "{ offers(first: 100) { edges { node { id } } } }",
                json!({}),
            )
            .await?;
            let ids: Vec<Value> = data["offers"]["edges"]
                .as_array()
                .map(|edges| edges.iter().map(|e| e["node"]["id"].clone()).collect())
                .unwrap_or_default();
            let mut bodies = Vec::new();
            for locale in ["de", "fr", "en", "ti"] {
                bodies.push(json!({
                    "query": format!("query($first: Int, $locale: String) {{ offers(first: $first, locale: $locale) {{ totalCount edges {{ node {{ {NESTED_OFFER} }} }} }} }}"),
                    "variables": { "first": 50, "locale": locale }
                }));
            }
            for id in &ids {
                for locale in ["de", "fr"] {
                    bodies.push(json!({
                        "query": format!("query($id: ID!, $locale: String) {{ offer(id: $id, locale: $locale) {{ {NESTED_OFFER} }} }}"),
                        "variables": { "id": id, "locale": locale }
                    }));
                }
            }
            let bodies = bodies
                .iter()
                .map(|b| serde_json::to_vec(b).map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Plan {
                bodies,
                authorization: None,
                publish_created: false,
            });
        }
        Workload::MeiliWord | Workload::MeiliTypo => {
            let words = if workload == Workload::MeiliWord {
                "Deutschkurs"
            } else {
                "Deutschkurz am Morgen"
            };
            let request = angebotsplattform::search::SearchRequest {
                today: chrono::Utc::now().date_naive(),
                ..Default::default()
            };
            authorization = std::env::var("MEILI_API_KEY")
                .ok()
                .map(|key| format!("Bearer {key}"));
            // What the platform asks of Meilisearch for `SEARCH`: 20 hits with their ids
            // and points, the ranking score, four facets, the end-date filter.
            json!({
                "q": words,
                "filter": angebotsplattform::search::meili::filter_expression(&request),
                "facets": ["category", "district", "level", "cost"],
                "attributesToRetrieve": ["id", "_geo"],
                "showRankingScore": true,
                "page": 1,
                "hitsPerPage": 20
            })
        }
        Workload::Suggest => json!({
            "query": "query($p: String!) { suggestOffers(prefix: $p, limit: 8) { id title } }",
            "variables": { "p": "Deu" }
        }),
        Workload::CreatePublish => {
            let authed = target.signed_in(&ask(LOGIN, credentials()?).await?);
            authorization = authed.authorization.clone();
            let providers = ask_as(
                &authed,
                "{ providers(first: 1) { edges { node { id } } } }",
                json!({}),
            )
            .await?;
            let region = ask_as(&authed, r#"{ region(code: "2581") { id } }"#, json!({})).await?;
            let body = serde_json::to_vec(&json!({
                "query": "mutation($i: CreateOfferInput!) { createOffer(input: $i) { id } }",
                "variables": { "i": {
                    "providerId": providers["providers"]["edges"][0]["node"]["id"],
                    "kind": "COURSE",
                    "defaultLocale": "de",
                    "translations": [{ "locale": "de", "title": "Deutschkurs A2 am Abend", "summary": "Für Berufstätige." }],
                    "categoryCodes": ["language"],
                    "level": "A2",
                    "cost": { "kind": "FREE" },
                    "instructionLanguages": ["de"],
                    "regionIds": [region["region"]["id"]]
                } }
            }))
            .map_err(|e| e.to_string())?;
            return Ok(Plan {
                bodies: vec![body],
                authorization,
                publish_created: true,
            });
        }
        Workload::OffersFiltered => {
            let data = ask(r#"{ region(code: "2581") { id } }"#, json!({})).await?;
            let region = data["region"]["id"].clone();
            json!({
                "query": format!("query($filter: OfferFilter) {{ offers(filter: $filter, orderBy: {{ field: START_DATE }}, first: 20, locale: \"ti\") {{ totalCount edges {{ node {{ {NESTED_OFFER} }} }} }} }}"),
                "variables": { "filter": { "regionIds": [region], "categoryCodes": ["language"], "childcare": true } }
            })
        }
    };
    let body = serde_json::to_vec(&request).map_err(|e| e.to_string())?;
    Ok(Plan {
        bodies: vec![body],
        authorization,
        publish_created: false,
    })
}

/// Sends one query as the signed-in account of `target`.
async fn ask_as(target: &Target, query: &str, variables: Value) -> Result<Value, String> {
    let mut connection = Connection::open(target).await.map_err(|e| e.to_string())?;
    let body = serde_json::to_vec(&json!({ "query": query, "variables": variables }))
        .map_err(|e| e.to_string())?;
    let (status, body, _) = connection
        .post(target, &body)
        .await
        .map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    if status != 200 || value.get("errors").is_some() {
        return Err(format!("preparing failed: {value}"));
    }
    Ok(value["data"].clone())
}

/// The request of a mentoring workload: picks the pools and an open request first.
async fn mentoring_request(target: &Target, workload: Workload) -> Result<Value, String> {
    let pools = ask_as(target, "{ mentoringPools { id } }", json!({})).await?;
    let pool = |i: usize| pools["mentoringPools"][i]["id"].clone();
    if workload == Workload::ProposePool {
        return Ok(json!({
            "query": "query($p: ID!) { proposePoolMatches(poolId: $p) { totalScore pairs { score request { id } mentor { id } } unmatchedRequests { reason } } }",
            "variables": { "p": pool(1) }
        }));
    }
    ask_as(
        target,
        "mutation($p: ID!) { updateMentoringPool(id: $p, input: { allowNeighbouringRegions: true, matchingWeights: { neighbourKm: 30 } }) { id } }",
        json!({ "p": pool(0) }),
    )
    .await?;
    let open = ask_as(
        target,
        "query($p: ID!) { mentoringRequests(poolId: $p, filter: { statuses: [OPEN] }, first: 1) { edges { node { id } } } }",
        json!({ "p": pool(0) }),
    )
    .await?;
    let request = open["mentoringRequests"]["edges"][0]["node"]["id"].clone();
    Ok(json!({
        "query": "query($r: ID!) { mentorCandidates(requestId: $r, first: 10) { score mentor { id firstName } reasons { criterion explanation } } }",
        "variables": { "r": request }
    }))
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: usize,
    hits: usize,
    misses: usize,
    /// Every request sent, warm-up included: what the server's CPU time and statements
    /// over the whole run are divided by.
    sent: usize,
}

/// Draws which body to send: a cubic skew, so the first bodies are asked for most often,
/// as popular pages are. A small xorshift generator is enough for this.
struct Picker {
    state: u64,
    count: usize,
}

impl Picker {
    fn next(&mut self) -> usize {
        if self.count <= 1 {
            return 0;
        }
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let uniform = (self.state >> 11) as f64 / (1u64 << 53) as f64;
        ((uniform.powi(3) * self.count as f64) as usize).min(self.count - 1)
    }
}

async fn client(
    target: std::sync::Arc<Target>,
    plan: std::sync::Arc<Plan>,
    seed: u64,
    until: Instant,
    warmup_end: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let bodies = &plan.bodies;
    let mut picker = Picker {
        state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        count: bodies.len(),
    };
    let mut connection = None;
    while Instant::now() < until {
        if connection.is_none() {
            connection = Connection::open(&target).await.ok();
            if connection.is_none() {
                tally.errors += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        }
        let Some(open) = connection.as_mut() else {
            continue;
        };
        let body = &bodies[picker.next()];
        let started = Instant::now();
        tally.sent += 1;
        let mut result = open.post(&target, body).await;
        if plan.publish_created
            && let Ok((200, reply, _)) = &result
            && let Some(publish) = publish_body(reply)
        {
            tally.sent += 1;
            result = open.post(&target, &publish).await;
        }
        let elapsed = started.elapsed();
        let counted = started >= warmup_end;
        match result {
            Ok((200, reply, cached)) if !has_errors(&reply) => {
                if counted {
                    tally.latencies.push(elapsed);
                    match cached {
                        Some(true) => tally.hits += 1,
                        Some(false) => tally.misses += 1,
                        None => {}
                    }
                }
            }
            Ok(_) => {
                if counted {
                    tally.errors += 1;
                }
            }
            Err(_) => {
                if counted {
                    tally.errors += 1;
                }
                connection = None;
            }
        }
    }
    tally
}

/// The `publishOffer` request for the offer a `createOffer` answer names.
fn publish_body(created: &[u8]) -> Option<Vec<u8>> {
    let created: Value = serde_json::from_slice(created).ok()?;
    let id = created["data"]["createOffer"]["id"].as_str()?;
    serde_json::to_vec(&json!({
        "query": "mutation($o: ID!) { publishOffer(id: $o) { status } }",
        "variables": { "o": id }
    }))
    .ok()
}

fn has_errors(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body).map_or(true, |v| v.get("errors").is_some())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn peak_memory_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmHWM:")
}

/// One memory figure of `/proc/<pid>/status`, in KiB (Linux).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// What one run measured.
struct Report {
    workload: Workload,
    concurrency: usize,
    seconds: u64,
    requests: usize,
    errors: usize,
    p50: Duration,
    p95: Duration,
    p99: Duration,
    hits: usize,
    misses: usize,
    distinct: usize,
    /// Server CPU time per request sent, when the server's pid is known.
    cpu_ms_per_request: Option<f64>,
    /// SQL statements per request sent, when the server serves `/metrics`.
    statements_per_request: Option<f64>,
}

impl Report {
    fn throughput(&self) -> f64 {
        self.requests as f64 / self.seconds as f64
    }
}

/// Drives one workload against the server at `args.url`.
async fn drive(args: &Args) -> Result<Report, String> {
    let mut target = parse_url(&args.url)?;
    let plan = prepare(&target, args).await?;
    target.authorization = plan.authorization.clone();
    let distinct = plan.bodies.len();
    let target = std::sync::Arc::new(target);
    let plan = std::sync::Arc::new(plan);
    // Measured after preparing (signing in costs a password hash), over the whole run.
    let cpu_before = args.server_pid.and_then(cpu_ms);
    let statements_before = statements_sent(&target).await;
    let warmup = Duration::from_secs(2);
    let started = Instant::now();
    let warmup_end = started + warmup;
    let until = warmup_end + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|i| {
            tokio::spawn(client(
                target.clone(),
                plan.clone(),
                i as u64 + 1,
                until,
                warmup_end,
            ))
        })
        .collect();
    let mut latencies = Vec::new();
    let (mut errors, mut hits, mut misses, mut sent) = (0, 0, 0, 0);
    for task in tasks {
        if let Ok(tally) = task.await {
            latencies.extend(tally.latencies);
            errors += tally.errors;
            hits += tally.hits;
            misses += tally.misses;
            sent += tally.sent;
        }
    }
    latencies.sort();
    let sent_f = sent.max(1) as f64;
    let cpu_ms_per_request = cpu_before
        .zip(args.server_pid.and_then(cpu_ms))
        .map(|(before, after)| (after - before) / sent_f);
    let statements_per_request = statements_before
        .zip(statements_sent(&target).await)
        .map(|(before, after)| after.saturating_sub(before) as f64 / sent_f);
    Ok(Report {
        workload: args.workload,
        concurrency: args.concurrency,
        seconds: args.seconds.max(1),
        requests: latencies.len(),
        errors,
        p50: percentile(&latencies, 50.0),
        p95: percentile(&latencies, 95.0),
        p99: percentile(&latencies, 99.0),
        hits,
        misses,
        distinct,
        cpu_ms_per_request,
        statements_per_request,
    })
}

/// CPU time the process has used, in milliseconds (Linux: user and system time from
/// `/proc/<pid>/stat`, in clock ticks of 10 ms).
fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: the fields are counted after its closing bracket.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((user + system) * 10.0)
}

/// The server's `ap_db_statements_total`, from `/metrics` (None when it is not served).
async fn statements_sent(target: &Target) -> Option<u64> {
    let mut stream = TcpStream::connect((target.host.as_str(), target.port))
        .await
        .ok()?;
    let request = format!(
        "GET /metrics HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\n\r\n",
        target.host, target.port
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.ok()?;
    answer
        .lines()
        .find_map(|line| line.strip_prefix("ap_db_statements_total "))
        .and_then(|value| value.trim().parse().ok())
}

fn print_report(report: &Report, server_pid: Option<u32>) {
    println!("workload      {:?}", report.workload);
    println!("concurrency   {}", report.concurrency);
    println!("duration      {} s (after 2 s warm-up)", report.seconds);
    println!("requests      {}", report.requests);
    println!("errors        {}", report.errors);
    println!("throughput    {:.1} req/s", report.throughput());
    for (p, value) in [(50, report.p50), (95, report.p95), (99, report.p99)] {
        println!("p{p:<12} {:.1} ms", value.as_secs_f64() * 1000.0);
    }
    if report.hits + report.misses > 0 {
        println!(
            "cache hits    {} of {} ({:.1} %)",
            report.hits,
            report.hits + report.misses,
            100.0 * report.hits as f64 / (report.hits + report.misses) as f64
        );
    }
    println!("distinct      {} request bodies", report.distinct);
    if let Some(pid) = server_pid {
        match peak_memory_kib(pid) {
            Some(kib) => println!("server peak   {:.1} MiB", kib as f64 / 1024.0),
            None => println!("server peak   unknown (no /proc/{pid}/status)"),
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let outcome = if args.suite.suite {
        suite::run(&args).await
    } else {
        drive(&args)
            .await
            .map(|report| print_report(&report, args.server_pid))
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
