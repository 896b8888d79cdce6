//! Angebotsplattform: the GraphQL API behind a canton's catalogue of integration offers and
//! its regional mentoring pools.
//!
//! `main.rs` only parses the command line and calls [`run_cli`]; tests build the same app with
//! [`bootstrap`], [`build_schema`] and [`configure`].

pub mod auth;
pub mod breaker;
pub mod cache;
pub mod clock;
pub mod config;
pub mod context;
pub mod db;
pub mod demo;
pub mod digest;
pub mod effects;
pub mod error;
pub mod events;
pub mod exchange;
pub mod feeds;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod jobs;
pub mod language;
#[cfg(test)]
mod layers;
pub mod locale;
pub mod matching;
pub mod metrics;
pub mod network;
pub mod nfc;
pub mod offer_files;
pub mod reference;
pub mod search;
pub mod service;
pub mod startup;
pub mod telemetry;

use std::io::Write;

use actix_web::{App, HttpServer, web};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::config::{Cli, Command, Settings};
use crate::context::AppContext;
pub use crate::graphql::{AppSchema, QueryLimits, build_schema};
use crate::service::region_import::{self, ImportMode};

pub use crate::startup::StartError;

/// Opens and migrates the database, loads missing reference data and, when asked and the
/// catalogue is empty, the small demo set.
pub async fn bootstrap(settings: Settings) -> Result<AppContext, StartError> {
    let db = db::open_from_settings(&settings).await?;
    prepare(&db, &settings).await?;
    AppContext::new(db, settings).await
}

/// Reference data and, on an empty catalogue, demo data.
pub async fn prepare(db: &DatabaseConnection, settings: &Settings) -> Result<(), StartError> {
    let report = load_reference(db, settings).await?;
    if report.created > 0 {
        tracing::info!(regions = report.created, "loaded reference regions");
    }
    if settings.seed_demo_enabled()
        && entity::offer::Entity::find()
            .count(db)
            .await
            .map_err(error::ApiError::from)?
            == 0
    {
        let summary = demo::seed(db, &demo::DemoSize::small()).await?;
        tracing::info!(
            offers = summary.offers,
            mentors = summary.mentors,
            requests = summary.requests,
            "empty catalogue: loaded the demo data set"
        );
    }
    Ok(())
}

/// Loads the shipped reference data the database lacks; when that changed anything, running
/// instances (reached through Redis) drop what they derived from the older data.
async fn load_reference(
    db: &DatabaseConnection,
    settings: &Settings,
) -> Result<service::region_import::ImportReport, StartError> {
    let written = reference::load(db).await?;
    let effects = effects::Effects::for_command(db.clone(), settings)?;
    Ok(effects.apply(written).await)
}

/// Registers the app's shared state and routes.
pub fn configure(schema: AppSchema, app: AppContext) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let cors = http::cors::policy(
            &app.settings.http.cors_allowed_origins,
            &app.settings.http.cors_allowed_headers,
        );
        cfg.app_data(web::Data::new(schema))
            .app_data(web::Data::new(app));
        http::configure(cfg, cors);
    }
}

/// Serves the API until the process is stopped. On SIGTERM or Ctrl-C it stops accepting
/// connections, lets requests in flight finish (for up to `SHUTDOWN_TIMEOUT_SECS`), then
/// asks the background jobs to stop after their current round and waits for them as long.
pub async fn serve(app: AppContext) -> Result<(), StartError> {
    let settings = app.settings.clone();
    let limits = QueryLimits::from_settings(&settings);
    let schema = build_schema(app.clone(), &limits);
    let (switch, stop) = jobs::stop_switch();
    let expiry = jobs::spawn::<jobs::expiry::Expiry>(
        app.db.clone(),
        app.effects.clone(),
        std::time::Duration::from_secs(settings.catalogue.expiry_interval_secs.max(1)),
        stop.clone(),
    );
    let retention = jobs::spawn::<jobs::retention::Retention>(
        app.db.clone(),
        app.effects.clone(),
        std::time::Duration::from_secs(settings.mentoring.retention_interval_secs.max(1)),
        stop.clone(),
    );
    let misses = jobs::search_misses::spawn(
        app.db.clone(),
        app.search_misses.clone(),
        std::time::Duration::from_secs(settings.search.search_miss_write_secs.max(1)),
        settings.search.search_miss_months,
        stop.clone(),
    );
    let indexer = jobs::search_indexer::spawn(
        app.db.clone(),
        app.search.clone(),
        app.thesaurus.clone(),
        app.effects.clone(),
        settings.search.search_batch_size,
        settings.search.reindex_batch_size,
        std::time::Duration::from_millis(settings.search.search_interval_ms.max(10)),
        stop,
    );
    if settings.server.mode == config::Mode::Production
        && settings.telemetry.metrics_token.is_none()
    {
        tracing::warn!("/metrics is off: production mode serves it only with METRICS_TOKEN set");
    }
    let (server, addrs) = http_server(app, schema, settings.server.listen_addr, None)?;
    for addr in addrs {
        // One log line, through the logger like every other (JSON in production).
        if settings.graphiql_enabled() {
            tracing::info!(%addr, "listening; GraphiQL at http://{addr}/graphql");
        } else {
            tracing::info!(%addr, "listening");
        }
    }
    let result = server.await;
    tracing::info!("server stopped; stopping background jobs");
    switch.stop();
    let grace = std::time::Duration::from_secs(settings.server.shutdown_timeout_secs);
    let jobs = [expiry, retention, misses, indexer];
    let aborts: Vec<_> = jobs.iter().map(|job| job.abort_handle()).collect();
    if tokio::time::timeout(grace, futures_util::future::join_all(jobs))
        .await
        .is_err()
    {
        // A round still running past the grace period is cut off: its transaction rolls
        // back, and its outbox rows are applied by the next start.
        tracing::warn!("background jobs did not stop in time; cutting them off");
        for abort in aborts {
            abort.abort();
        }
    }
    result?;
    Ok(())
}

/// The HTTP server for the app, bound to `listen` and not yet running, with its addresses:
/// the server-level limits (slow request heads, connections per worker and per client
/// network, shutdown grace) are set here for the real server and the tests alike.
pub fn http_server(
    app: AppContext,
    schema: AppSchema,
    listen: std::net::SocketAddr,
    workers: Option<usize>,
) -> Result<(actix_web::dev::Server, Vec<std::net::SocketAddr>), StartError> {
    let settings = app.settings.clone();
    let connections = app.connections.clone();
    let mut server =
        HttpServer::new(move || App::new().configure(configure(schema.clone(), app.clone())))
            .shutdown_timeout(settings.server.shutdown_timeout_secs)
            .client_request_timeout(std::time::Duration::from_millis(
                settings.http.client_header_timeout_ms,
            ))
            .max_connections(settings.http.max_connections_per_worker);
    if !settings.http.trust_forwarded_headers {
        server = server.on_connect(http::connections::on_connect(connections));
    }
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    let server = server.bind(listen).map_err(|source| StartError::Listen {
        addr: listen,
        source,
    })?;
    let addrs = server.addrs();
    Ok((server.run(), addrs))
}

/// Runs the command the command line names (the server by default).
pub async fn run_cli(cli: Cli) -> Result<(), StartError> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = bootstrap(settings).await?;
            tracing::info!(database = db::engine_name(&app.db), "database ready");
            serve(app).await
        }
        Command::Migrate => {
            let db = db::open_from_settings(&settings).await?;
            load_reference(&db, &settings).await?;
            println!("database migrated and reference data loaded");
            Ok(())
        }
        Command::SeedDemo(args) => {
            let db = db::open_from_settings(&settings).await?;
            load_reference(&db, &settings).await?;
            let started = std::time::Instant::now();
            let size = demo::DemoSize {
                offers: args.offers,
                mentors: args.mentors,
                requests: args.requests,
                seed: args.seed,
            };
            let summary = demo::seed(&db, &size).await?;
            println!(
                "seeded {} providers, {} offers, {} mentors, {} requests in {:.1} s",
                summary.providers,
                summary.offers,
                summary.mentors,
                summary.requests,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::ImportRegions { file } => {
            let db = db::open_from_settings(&settings).await?;
            let reader = std::fs::File::open(&file)?;
            let records =
                reference::region_csv::parse(reader).map_err(error::ApiError::invalid_fields)?;
            let written = region_import::import(&db, &records, ImportMode::Upsert).await?;
            let report = effects::Effects::for_command(db.clone(), &settings)?
                .apply(written)
                .await;
            println!(
                "regions: {} created, {} updated, {} unchanged",
                report.created, report.updated, report.unchanged
            );
            Ok(())
        }
        Command::ImportOffers(args) => {
            let db = db::open_from_settings(&settings).await?;
            let effects = effects::Effects::for_command(db.clone(), &settings)?;
            offer_files::import(&db, &effects, &settings, args).await
        }
        Command::ExportOffers(args) => {
            let db = db::open_from_settings(&settings).await?;
            offer_files::export(&db, args).await
        }
        Command::Reindex => {
            let db = db::open_from_settings(&settings).await?;
            let batch = settings.search.reindex_batch_size.max(1);
            let app = AppContext::new(db, settings).await?;
            let started = std::time::Instant::now();
            let count = crate::service::indexing::reindex(&app.db, &*app.search, batch).await?;
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "indexed {count} offers into the {} index in {seconds:.1} s ({:.0} offers/s)",
                app.search.name(),
                count as f64 / seconds.max(0.001)
            );
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            let db = db::open_from_settings(&settings).await?;
            load_reference(&db, &settings).await?;
            let password = read_password()?;
            let account =
                service::account::create_admin(&db, &settings, &email, &name, &password).await?;
            println!("created administrator {} ({})", account.email, account.id);
            Ok(())
        }
        Command::ExportSchema { out } => {
            let sdl = graphql::sdl();
            match out {
                Some(path) => std::fs::write(path, sdl)?,
                None => std::io::stdout().write_all(sdl.as_bytes())?,
            }
            Ok(())
        }
    }
}

/// Reads a password from standard input: its first line, without the line break. Nothing is
/// echoed or logged.
fn read_password() -> Result<String, StartError> {
    let mut line = String::new();
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        eprint!("password (input is shown; pipe it in to hide it): ");
    }
    std::io::stdin().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(StartError::Data(
            "no password on standard input (echo \"$PASSWORD\" | angebotsplattform create-admin --email …)".into(),
        ));
    }
    Ok(password)
}
