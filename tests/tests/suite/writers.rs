//! Write transactions: on SQLite, writers of one process take turns in the order they
//! arrived instead of racing through SQLite's sleeping busy handler; on both engines every
//! one of many concurrent writers succeeds.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use angebotsplattform::db::begin_write;
use sea_orm::{ConnectionTrait, DbBackend};
use tests::TestApp;

#[tokio::test]
async fn concurrent_writers_all_succeed_and_sqlite_serves_them_in_arrival_order() {
    const WRITERS: usize = 12;
    let app = TestApp::spawn().await;
    app.db
        .execute_unprepared("CREATE TABLE writer_turn (n INTEGER NOT NULL)")
        .await
        .unwrap();
    let first = begin_write(&app.db).await.unwrap();
    first
        .execute_unprepared("INSERT INTO writer_turn (n) VALUES (0)")
        .await
        .unwrap();
    let finished = Arc::new(Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for n in 1..=WRITERS {
        let db = app.db.clone();
        let finished = finished.clone();
        writers.push(tokio::spawn(async move {
            let txn = begin_write(&db).await.unwrap();
            txn.execute_unprepared(&format!("INSERT INTO writer_turn (n) VALUES ({n})"))
                .await
                .unwrap();
            txn.commit().await.unwrap();
            finished.lock().unwrap().push(n);
        }));
        // Each writer is waiting (in the queue, or in SQLite's busy handler) before the
        // next one arrives.
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    first.commit().await.unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let rows = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.backend(),
            "SELECT COUNT(*) AS n FROM writer_turn",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(rows, i64::try_from(WRITERS).unwrap() + 1);
    if app.backend() == DbBackend::Sqlite {
        let order = finished.lock().unwrap().clone();
        assert_eq!(
            order,
            (1..=WRITERS).collect::<Vec<_>>(),
            "first come, first served"
        );
    }
}
