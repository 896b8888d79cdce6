//! Write transactions, queued one at a time per SQLite database in this process.
//!
//! SQLite lets one writer in at a time. Left to itself, a writer that finds the database
//! locked sleeps in SQLite's busy handler for growing intervals (up to 100 ms each) and
//! retries, so under load the writers that arrive later often get in first and a few wait
//! for most of a second. Here writers wait their turn in a fair queue instead and start
//! as soon as the one before them commits; they begin `IMMEDIATE`, taking SQLite's write
//! lock before their first read, so a transaction that reads and then writes cannot find
//! its snapshot overtaken. Another process writing to the same file (a command beside the
//! server) still meets the busy timeout. PostgreSQL transactions are not queued.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    ExecResult, PrimaryKeyTrait, QueryResult, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::OwnedMutexGuard;
use uuid::Uuid;

/// How long a writer waits for its turn before giving up, as SQLite's busy timeout would.
const TURN_TIMEOUT: Duration = Duration::from_secs(10);

/// The writers' queue of each SQLite file this process opened.
static QUEUES: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

fn queue_of(db: &DatabaseConnection) -> Option<Arc<tokio::sync::Mutex<()>>> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_path_buf();
    // A poisoned map only means another thread panicked while inserting; its content
    // is still a map of queues.
    let mut queues = QUEUES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Some(queues.entry(file).or_default().clone())
}

/// Begins a transaction that writes: on SQLite after the writers before it in this
/// process have finished.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTransaction, DbErr> {
    let Some(queue) = queue_of(db) else {
        return Ok(WriteTransaction {
            txn: db.begin().await?,
            _turn: None,
        });
    };
    let turn = tokio::time::timeout(TURN_TIMEOUT, queue.lock_owned())
        .await
        .map_err(|_| DbErr::Custom("timed out waiting for the database's writer".into()))?;
    let txn = db
        .begin_with_options(TransactionOptions {
            isolation_level: None,
            access_mode: None,
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        })
        .await?;
    Ok(WriteTransaction {
        txn,
        _turn: Some(turn),
    })
}

/// A transaction that holds the writer's turn until it commits or is dropped (rolled back).
pub struct WriteTransaction {
    // Declared first so the transaction ends before the next writer's turn begins.
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTransaction {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Reads the row `id` of `E` back as this transaction leaves it, then commits: a write
    /// hands its caller what it stored, defaults and triggers included.
    pub async fn commit_returning<E>(self, id: Uuid) -> Result<E::Model, DbErr>
    where
        E: EntityTrait,
        <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
    {
        let row = E::find_by_id(id).one(&self.txn).await?.ok_or_else(|| {
            DbErr::RecordNotFound(format!(
                "{} {id}, written by this transaction",
                E::default().table_name()
            ))
        })?;
        self.txn.commit().await?;
        Ok(row)
    }
}

impl std::ops::Deref for WriteTransaction {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}
