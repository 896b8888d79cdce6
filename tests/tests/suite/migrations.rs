//! Migrations run up, down and up again, and the entities agree with the tables they make.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityName, EntityTrait, Iterable, Statement,
};
use std::collections::BTreeSet;
use tests::TestDatabase;

async fn tables(db: &DatabaseConnection) -> BTreeSet<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .filter(|name| name != "seaql_migrations")
        .collect()
}

async fn columns(db: &DatabaseConnection, table: &str) -> BTreeSet<String> {
    let backend = db.get_database_backend();
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT column_name AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT name FROM pragma_table_info(?)",
            [table.into()],
        ),
    };
    db.query_all_raw(statement)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .collect()
}

/// Every entity's table and column names.
fn entity_columns() -> Vec<(String, BTreeSet<String>)> {
    fn of<E: EntityTrait>(entity: E) -> (String, BTreeSet<String>) {
        let columns = E::Column::iter()
            .map(|c| sea_orm::IdenStatic::as_str(&c).to_owned())
            .collect();
        (EntityName::table_name(&entity).to_owned(), columns)
    }
    use entity::*;
    vec![
        of(account_scope::Entity),
        of(api_client::Entity),
        of(audit_log::Entity),
        of(category::Entity),
        of(category_label::Entity),
        of(invitation::Entity),
        of(invitation_scope::Entity),
        of(match_check_in::Entity),
        of(mentor::Entity),
        of(mentor_availability::Entity),
        of(mentor_language::Entity),
        of(mentor_match::Entity),
        of(mentoring_pool::Entity),
        of(mentoring_request::Entity),
        of(offer::Entity),
        of(offer_category::Entity),
        of(offer_language::Entity),
        of(offer_location::Entity),
        of(offer_region::Entity),
        of(offer_schedule::Entity),
        of(offer_translation::Entity),
        of(provider::Entity),
        of(provider_translation::Entity),
        of(refresh_token::Entity),
        of(registered_operation::Entity),
        of(region::Entity),
        of(region_edge::Entity),
        of(region_name::Entity),
        of(region_postcode::Entity),
        of(request_availability::Entity),
        of(request_language::Entity),
        of(search_miss::Entity),
        of(search_outbox::Entity),
        of(search_term_row::Entity),
        of(user_account::Entity),
    ]
}

#[actix_web::test]
async fn migrations_go_up_down_and_up_again() {
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    Migrator::up(&db, None).await.unwrap();
    let first = tables(&db).await;
    assert_eq!(first.len(), entity_columns().len());

    Migrator::down(&db, None).await.unwrap();
    assert!(tables(&db).await.is_empty(), "down left tables behind");

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(tables(&db).await, first);
}

#[actix_web::test]
async fn entities_match_the_migrated_tables() {
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    Migrator::up(&db, None).await.unwrap();

    let expected = entity_columns();
    let entity_tables: BTreeSet<String> = expected.iter().map(|(t, _)| t.clone()).collect();
    assert_eq!(
        tables(&db).await,
        entity_tables,
        "tables without entities, or the reverse"
    );
    for (table, entity_columns) in expected {
        assert_eq!(
            columns(&db, &table).await,
            entity_columns,
            "entity and table `{table}` disagree"
        );
    }
}

#[actix_web::test]
async fn stored_codes_and_neighbour_reach_are_brought_into_form() {
    use entity::{mentoring_pool, offer};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    use serde_json::json;

    let database = TestDatabase::create().await;
    let db = database.connect().await;
    // The schema as it was before the two data migrations.
    Migrator::up(&db, Some(11)).await.unwrap();
    Migrator::down(&db, Some(1)).await.unwrap();
    // No server runs on this database: nobody holds anything to drop.
    let _ = angebotsplattform::reference::load(&db).await.unwrap();
    let provider = tests::fixtures::provider(&db, "Verein").await;
    let id = tests::fixtures::offer(&db, tests::fixtures::OfferSpec::new(provider, "Kurs")).await;
    offer::Entity::update_many()
        .col_expr(
            offer::Column::Accessibility,
            Expr::value(json!(["WHEELCHAIR", "HEARING_LOOP", "hearing-loop"])),
        )
        .col_expr(
            offer::Column::TargetGroups,
            Expr::value(json!(["ADULTS", "JOB_SEEKERS"])),
        )
        .filter(offer::Column::Id.eq(id))
        .exec(&db)
        .await
        .unwrap();
    let olten = tests::fixtures::region_id(&db, "SO-D-OLTEN").await;
    let pool = tests::mentoring::pool(&db, olten, true).await;
    mentoring_pool::Entity::update_many()
        .col_expr(
            mentoring_pool::Column::MatchingWeights,
            Expr::value(json!({ "neighbourKm": 500, "language": 4 })),
        )
        .filter(mentoring_pool::Column::Id.eq(pool))
        .exec(&db)
        .await
        .unwrap();

    Migrator::up(&db, None).await.unwrap();
    let stored = offer::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.accessibility.0, ["wheelchair", "hearing-loop"]);
    assert_eq!(stored.target_groups.0, ["adults", "job-seekers"]);
    let weights = mentoring_pool::Entity::find_by_id(pool)
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .matching_weights;
    assert_eq!(weights, json!({ "neighbourKm": 30.0, "language": 4 }));
}
