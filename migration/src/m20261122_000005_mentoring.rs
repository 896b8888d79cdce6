//! Regional mentoring pools: volunteers (mentors), newcomers' requests, matches and check-ins.
//! These tables hold personal data; nothing else in the schema copies it.

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const MENTOR_STATUSES: &[&str] = &["APPLIED", "SCREENING", "ACTIVE", "PAUSED", "RETIRED"];
const REQUEST_STATUSES: &[&str] = &["OPEN", "MATCHED", "CLOSED"];
const MATCH_STATUSES: &[&str] = &[
    "PROPOSED",
    "ACCEPTED",
    "ACTIVE",
    "ENDED",
    "DECLINED",
    "CANCELLED",
];
const GENDERS: &[&str] = &["FEMALE", "MALE", "DIVERSE"];
const PROFICIENCIES: &[&str] = &["NATIVE", "FLUENT", "GOOD", "BASIC"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_pool(manager).await?;
        create_mentor(manager).await?;
        create_request(manager).await?;
        for (table, owner, owner_table) in [
            ("mentor_language", "mentor_id", "mentor"),
            ("request_language", "request_id", "mentoring_request"),
        ] {
            create_languages(manager, table, owner, owner_table).await?;
        }
        for (table, owner, owner_table) in [
            ("mentor_availability", "mentor_id", "mentor"),
            ("request_availability", "request_id", "mentoring_request"),
        ] {
            create_availability(manager, table, owner, owner_table).await?;
        }
        create_match(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "match_check_in",
                "mentor_match",
                "request_availability",
                "mentor_availability",
                "request_language",
                "mentor_language",
                "mentoring_request",
                "mentor",
                "mentoring_pool",
            ],
        )
        .await
    }
}

async fn create_pool(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("mentoring_pool")
                .col(uuid_pk("id"))
                .col(uuid("region_id"))
                .col(text("name"))
                .col(text_null("description"))
                .col(boolean("allow_neighbouring_regions", false))
                // Weights of the soft matching criteria; the application fills in defaults.
                .col(json("matching_weights"))
                .col(integer("police_record_valid_months", 36))
                .col(integer("review_after_months", 6))
                .col(integer("request_waiting_alert_days", 30))
                .col(boolean("active", true))
                .col(timestamp("created_at"))
                .col(timestamp("updated_at"))
                .foreign_key(&mut foreign_key(
                    "mentoring_pool",
                    "region_id",
                    "region",
                    ForeignKeyAction::Restrict,
                ))
                .check(not_blank("name"))
                .check(check("police_record_valid_months > 0"))
                .check(check("review_after_months > 0"))
                .check(check("request_waiting_alert_days > 0"))
                .take(),
        )
        .await?;
    manager
        .create_index(unique_index("mentoring_pool", &["region_id", "name"]))
        .await
}

async fn create_mentor(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("mentor")
                .col(uuid_pk("id"))
                .col(uuid("pool_id"))
                .col(text("first_name"))
                .col(text("last_name"))
                .col(text("email"))
                .col(text_null("phone"))
                .col(uuid_null("municipality_id"))
                .col(text_null("gender"))
                .col(integer_null("birth_year"))
                .col(json("topics"))
                .col(integer("capacity", 1))
                .col(text("status"))
                .col(date_null("training_completed_on"))
                .col(date_null("police_record_issued_on"))
                .col(date_null("code_of_conduct_signed_on"))
                .col(timestamp("consent_at"))
                .col(date_null("retention_until"))
                .col(timestamp_null("erased_at"))
                .col(integer("version", 1))
                .col(timestamp("created_at"))
                .col(timestamp("updated_at"))
                .foreign_key(&mut foreign_key(
                    "mentor",
                    "pool_id",
                    "mentoring_pool",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut foreign_key(
                    "mentor",
                    "municipality_id",
                    "region",
                    ForeignKeyAction::Restrict,
                ))
                .check(one_of("status", MENTOR_STATUSES))
                .check(one_of("gender", GENDERS))
                .check(check("capacity BETWEEN 0 AND 10"))
                .check(check("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100"))
                // Only a fully screened mentor can be active.
                .check(check(
                    "status <> 'ACTIVE' OR (training_completed_on IS NOT NULL \
                     AND police_record_issued_on IS NOT NULL AND code_of_conduct_signed_on IS NOT NULL)",
                ))
                .check(check("version >= 1"))
                .take(),
        )
        .await?;
    create_indexes(
        manager,
        vec![
            index("mentor", &["pool_id", "status"]),
            index("mentor", &["municipality_id"]),
            index("mentor", &["retention_until"]),
        ],
    )
    .await
}

async fn create_request(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("mentoring_request")
                .col(uuid_pk("id"))
                .col(uuid("pool_id"))
                // First name or a pseudonym: the newcomer decides how much to tell.
                .col(text("first_name"))
                .col(text_null("email"))
                .col(text_null("phone"))
                .col(uuid_null("municipality_id"))
                .col(json("topics"))
                .col(text_null("preferred_mentor_gender"))
                .col(text("source"))
                .col(text("status"))
                .col(timestamp("consent_at"))
                .col(date("retention_until"))
                .col(timestamp_null("closed_at"))
                .col(timestamp_null("erased_at"))
                .col(integer("version", 1))
                .col(timestamp("created_at"))
                .col(timestamp("updated_at"))
                .foreign_key(&mut foreign_key(
                    "mentoring_request",
                    "pool_id",
                    "mentoring_pool",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut foreign_key(
                    "mentoring_request",
                    "municipality_id",
                    "region",
                    ForeignKeyAction::Restrict,
                ))
                .check(one_of("status", REQUEST_STATUSES))
                .check(one_of("source", &["PARTNER_APP", "COORDINATOR"]))
                .check(one_of("preferred_mentor_gender", GENDERS))
                .check(check("(status = 'CLOSED') = (closed_at IS NOT NULL)"))
                .check(check("version >= 1"))
                .take(),
        )
        .await?;
    create_indexes(
        manager,
        vec![
            index("mentoring_request", &["pool_id", "status", "created_at"]),
            index("mentoring_request", &["retention_until"]),
        ],
    )
    .await
}

async fn create_languages(
    manager: &SchemaManager<'_>,
    table: &'static str,
    owner: &'static str,
    owner_table: &'static str,
) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(table)
                .col(uuid(owner))
                .col(text("language"))
                .col(text("proficiency"))
                .primary_key(Index::create().col(owner).col("language"))
                .foreign_key(&mut foreign_key(
                    table,
                    owner,
                    owner_table,
                    ForeignKeyAction::Cascade,
                ))
                .check(one_of("proficiency", PROFICIENCIES))
                .check(not_blank("language"))
                .take(),
        )
        .await
}

async fn create_availability(
    manager: &SchemaManager<'_>,
    table: &'static str,
    owner: &'static str,
    owner_table: &'static str,
) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(table)
                .col(uuid_pk("id"))
                .col(uuid(owner))
                .col(ColumnDef::new("weekday").small_integer().not_null())
                .col(time("start_time"))
                .col(time("end_time"))
                .foreign_key(&mut foreign_key(
                    table,
                    owner,
                    owner_table,
                    ForeignKeyAction::Cascade,
                ))
                .check(check("weekday BETWEEN 1 AND 7"))
                .check(check("end_time > start_time"))
                .take(),
        )
        .await?;
    manager.create_index(index(table, &[owner])).await
}

async fn create_match(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("mentor_match")
                .col(uuid_pk("id"))
                .col(uuid("request_id"))
                .col(uuid("mentor_id"))
                .col(text("status"))
                .col(ColumnDef::new("score").double().null())
                .col(json("reasons"))
                .col(uuid_null("proposed_by"))
                .col(timestamp("proposed_at"))
                .col(timestamp_null("accepted_at"))
                .col(timestamp_null("started_at"))
                .col(timestamp_null("ended_at"))
                .col(date_null("review_due_on"))
                .col(text_null("end_reason"))
                .col(text_null("evaluation"))
                .col(ColumnDef::new("rating").small_integer().null())
                .col(integer("version", 1))
                .col(timestamp("created_at"))
                .col(timestamp("updated_at"))
                .foreign_key(&mut foreign_key(
                    "mentor_match",
                    "request_id",
                    "mentoring_request",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "mentor_match",
                    "mentor_id",
                    "mentor",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "mentor_match",
                    "proposed_by",
                    "user_account",
                    ForeignKeyAction::SetNull,
                ))
                .check(one_of("status", MATCH_STATUSES))
                .check(one_of(
                    "end_reason",
                    &[
                        "COMPLETED",
                        "MENTEE_LEFT",
                        "MENTOR_LEFT",
                        "MOVED_AWAY",
                        "NO_CONTACT",
                        "MISMATCH",
                        "OTHER",
                    ],
                ))
                .check(check("rating IS NULL OR rating BETWEEN 1 AND 5"))
                .check(check("(status = 'ENDED') = (ended_at IS NOT NULL)"))
                .check(check("status <> 'ENDED' OR end_reason IS NOT NULL"))
                .check(check("status <> 'ACTIVE' OR started_at IS NOT NULL"))
                .check(check("version >= 1"))
                .take(),
        )
        .await?;
    create_indexes(
        manager,
        vec![
            index("mentor_match", &["request_id", "status"]),
            index("mentor_match", &["mentor_id", "status"]),
            index("mentor_match", &["review_due_on"]),
        ],
    )
    .await?;
    // One live match per request, enforced by the database so concurrent proposals cannot
    // both win. Partial indexes read the same on SQLite and PostgreSQL.
    manager
        .get_connection()
        .execute_unprepared(
            "CREATE UNIQUE INDEX ux_mentor_match_live_request ON mentor_match (request_id) \
             WHERE status IN ('PROPOSED', 'ACCEPTED', 'ACTIVE')",
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table("match_check_in")
                .col(uuid_pk("id"))
                .col(uuid("match_id"))
                .col(date("occurred_on"))
                .col(text("kind"))
                .col(text("outcome"))
                .col(text_null("note"))
                .col(uuid_null("recorded_by"))
                .col(timestamp("created_at"))
                .foreign_key(&mut foreign_key(
                    "match_check_in",
                    "match_id",
                    "mentor_match",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "match_check_in",
                    "recorded_by",
                    "user_account",
                    ForeignKeyAction::SetNull,
                ))
                .check(one_of("kind", &["CALL", "MEETING", "MESSAGE", "VISIT"]))
                .check(one_of("outcome", &["GOOD", "CONCERN", "NO_CONTACT"]))
                .take(),
        )
        .await?;
    manager
        .create_index(index("match_check_in", &["match_id", "occurred_on"]))
        .await
}
