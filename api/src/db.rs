//! Opening the database (embedded SQLite under the data directory, or the server named by
//! `DATABASE_URL`) and bringing its schema up to date.

use std::path::Path;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};

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
    match &settings.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(url.clone())
        }
        Some(url) if url.starts_with("sqlite:") => Ok(url.clone()),
        Some(_) => Err(DbOpenError::UnsupportedScheme),
        None => {
            create_dir(&settings.data_dir)?;
            let file = settings.data_dir.join("angebotsplattform.sqlite3");
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
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(settings.db_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(settings.db_connect_timeout_secs))
        .acquire_timeout(Duration::from_secs(settings.db_connect_timeout_secs))
        .statement_timeout(Duration::from_secs(settings.db_statement_timeout_secs))
        .sqlx_logging(false)
        .set_application_name("angebotsplattform")
        // SQLite: write-ahead logging lets readers go on while one writer commits; the busy
        // timeout makes concurrent writers wait instead of failing at once.
        .map_sqlx_sqlite_opts(|opts: SqliteConnectOptions| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    options
}

/// Connects with the given options and applies pending migrations.
pub async fn open(options: ConnectOptions) -> Result<DatabaseConnection, DbOpenError> {
    let db = Database::connect(options)
        .await
        .map_err(DbOpenError::Connect)?;
    Migrator::up(&db, None)
        .await
        .map_err(DbOpenError::Migrate)?;
    Ok(db)
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
