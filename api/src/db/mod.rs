//! Opening the database (embedded SQLite under the data directory, or the server named by
//! `DATABASE_URL`) and bringing its schema up to date.

pub mod writer;

pub use writer::{WriteTransaction, begin_write};

use std::path::Path;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgSslMode};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

use crate::config::Settings;

/// Why the database could not be opened; shown to the operator as one line.
#[derive(Debug, thiserror::Error)]
pub enum DbOpenError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("unsupported DATABASE_URL scheme (use postgres:// or sqlite://)")]
    UnsupportedScheme,
    #[error("cannot connect to the database: {0}")]
    Connect(sea_orm::DbErr),
    #[error("cannot migrate the database: {0}")]
    Migrate(sea_orm::DbErr),
}

/// The database URL the settings name: `DATABASE_URL`, or the embedded SQLite file.
pub fn database_url(settings: &Settings) -> Result<String, DbOpenError> {
    match &settings.database.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(url.clone())
        }
        Some(url) if url.starts_with("sqlite:") => Ok(url.clone()),
        Some(_) => Err(DbOpenError::UnsupportedScheme),
        None => {
            create_dir(&settings.server.data_dir)?;
            let file = settings.server.data_dir.join("angebotsplattform.sqlite3");
            Ok(format!("sqlite://{}?mode=rwc", file.display()))
        }
    }
}

fn create_dir(path: &Path) -> Result<(), DbOpenError> {
    std::fs::create_dir_all(path).map_err(|source| DbOpenError::DataDir {
        path: path.display().to_string(),
        source,
    })
}

/// Connection options shared by the server, the commands and the tests.
pub fn connect_options(url: &str, settings: &Settings) -> ConnectOptions {
    let (mmap_bytes, cache_kib) = (
        settings.database.sqlite_mmap_bytes,
        settings.database.sqlite_cache_kib,
    );
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(pool_size(url, settings.database.db_max_connections))
        .min_connections(1)
        .connect_timeout(Duration::from_secs(
            settings.database.db_connect_timeout_secs,
        ))
        .acquire_timeout(Duration::from_secs(
            settings.database.db_connect_timeout_secs,
        ))
        .statement_timeout(Duration::from_secs(
            settings.database.db_statement_timeout_secs,
        ))
        .sqlx_logging(false)
        .set_application_name("angebotsplattform")
        // SQLite: write-ahead logging lets readers go on while one writer commits; the busy
        // timeout makes concurrent writers wait instead of failing at once.
        .map_sqlx_sqlite_opts(move |opts: SqliteConnectOptions| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("mmap_size", mmap_bytes.to_string())
                // Negative: a size in KiB rather than in pages.
                .pragma("cache_size", format!("-{cache_kib}"))
        });
    if !names_tls_mode(url) && is_local(url) {
        // On loopback or a socket, TLS only costs CPU: nothing leaves the machine. A URL
        // that names `sslmode` keeps it.
        options.map_sqlx_postgres_opts(|opts: PgConnectOptions| opts.ssl_mode(PgSslMode::Disable));
    }
    options
}

/// Connections to pool: as set, or by engine when the setting is 0.
fn pool_size(url: &str, setting: u32) -> u32 {
    if setting > 0 {
        return setting;
    }
    if url.starts_with("sqlite:") {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        u32::try_from(cores.saturating_mul(4)).map_or(16, |n| n.clamp(4, 16))
    } else {
        16
    }
}

/// Whether a database URL says how to use TLS.
fn names_tls_mode(url: &str) -> bool {
    url.split_once('?')
        .is_some_and(|(_, query)| query.split('&').any(|pair| pair.starts_with("sslmode=")))
}

/// Whether a PostgreSQL URL points at this machine: a loopback host, or a socket (no host,
/// or a `host=` path parameter).
fn is_local(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = match host_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let socket = url
        .split_once('?')
        .is_some_and(|(_, query)| query.split('&').any(|pair| pair.starts_with("host=/")));
    socket
        || host.is_empty()
        || host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Connects with the given options and applies pending migrations.
pub async fn open(options: ConnectOptions) -> Result<DatabaseConnection, DbOpenError> {
    let mut db = Database::connect(options)
        .await
        .map_err(DbOpenError::Connect)?;
    db.set_metric_callback(|_| note_statement());
    Migrator::up(&db, None)
        .await
        .map_err(DbOpenError::Migrate)?;
    forget_sampled_statistics(&db)
        .await
        .map_err(DbOpenError::Migrate)?;
    Ok(db)
}

/// Statements sent to the database by this process (`ap_db_statements_total`): what a
/// request costs in SQL, read by `/metrics` and the benchmark suite.
static STATEMENTS_SENT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Counts one statement sent (a connection's metric callback calls this).
pub fn note_statement() {
    STATEMENTS_SENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// How many statements this process has sent to the database.
pub fn statements_sent() -> u64 {
    STATEMENTS_SENT.load(std::sync::atomic::Ordering::Relaxed)
}

/// Refreshes the query planner's statistics of the platform's tables after a large load.
pub async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => analyze_own_tables(db).await,
        _ => {
            db.execute_unprepared("ANALYZE").await?;
            forget_sampled_statistics(db).await
        }
    }
}

/// PostgreSQL's bare `ANALYZE` takes every table of the database, other schemas' included:
/// it reads tables that are not the platform's, and fails when another schema is dropped
/// meanwhile. Only the tables of the schema the platform works in are analysed.
async fn analyze_own_tables(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
        ))
        .await?;
    let mut tables = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get("", "tablename")?;
        tables.push(format!("\"{}\"", name.replace('"', "\"\"")));
    }
    if tables.is_empty() {
        return Ok(());
    }
    db.execute_unprepared(&format!("ANALYZE {}", tables.join(", ")))
        .await
        .map(|_| ())
}

/// SQLite's sampled statistics (`sqlite_stat4`, filled by `ANALYZE` in builds with STAT4)
/// make the planner compile a statement anew for every binding of an indexed column, so
/// prepared statements are re-prepared on every run. The table-level statistics
/// (`sqlite_stat1`) are enough for this schema's plans; the samples are dropped and the
/// statistics reloaded.
async fn forget_sampled_statistics(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    let sampled = db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat4'",
        ))
        .await?
        .is_some();
    if sampled {
        db.execute_unprepared("DELETE FROM sqlite_stat4; ANALYZE sqlite_schema;")
            .await?;
    }
    Ok(())
}

/// Connects to the database the settings name and migrates it.
pub async fn open_from_settings(settings: &Settings) -> Result<DatabaseConnection, DbOpenError> {
    let url = database_url(settings)?;
    open(connect_options(&url, settings)).await
}

/// A short name of the engine, for start-up messages.
pub fn engine_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "PostgreSQL",
        DbBackend::Sqlite => "SQLite",
        _ => "unsupported",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_is_sized_by_engine_unless_set() {
        assert_eq!(pool_size("postgres://u@db.example.org/p", 0), 16);
        let sqlite = pool_size("sqlite://data/a.sqlite3?mode=rwc", 0);
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        assert_eq!(usize::try_from(sqlite).unwrap(), (cores * 4).clamp(4, 16));
        assert_eq!(pool_size("sqlite://data/a.sqlite3", 3), 3);
        assert_eq!(pool_size("postgres://u@db.example.org/p", 40), 40);
    }

    #[test]
    fn tls_is_left_out_only_on_this_machine_and_only_when_the_url_says_nothing() {
        for local in [
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://u:p@localhost/db",
            "postgresql://[::1]:5432/db",
            "postgres:///db?host=/var/run/postgresql",
        ] {
            assert!(is_local(local), "{local}");
            assert!(!names_tls_mode(local), "{local}");
        }
        for remote in [
            "postgres://u:p@db.example.ch:5432/db",
            "postgres://u@10.0.0.5/db",
        ] {
            assert!(!is_local(remote), "{remote}");
        }
        assert!(names_tls_mode("postgres://127.0.0.1/db?sslmode=require"));
    }
}
