//! Providers and their offers: the catalogue, with translations, categories, served regions,
//! locations, schedules and languages.

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const PROVIDER_KINDS: &[&str] = &[
    "NGO",
    "SCHOOL",
    "MUNICIPALITY",
    "CANTON",
    "RELIGIOUS_COMMUNITY",
    "COMPANY",
    "OTHER",
];
const OFFER_KINDS: &[&str] = &[
    "COURSE",
    "GROUP",
    "COUNSELLING",
    "EVENT",
    "MEETING_PLACE",
    "SERVICE",
];
const OFFER_STATUSES: &[&str] = &["DRAFT", "IN_REVIEW", "PUBLISHED", "ARCHIVED"];
const CEFR_LEVELS: &[&str] = &["A1", "A2", "B1", "B2", "C1", "C2"];
const COST_KINDS: &[&str] = &["FREE", "PAID", "SUBSIDISED"];
const PRICE_UNITS: &[&str] = &["COURSE", "LESSON", "MONTH"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_provider(manager).await?;
        create_offer(manager).await?;
        create_offer_children(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "offer_schedule",
                "offer_location",
                "offer_region",
                "offer_category",
                "offer_language",
                "offer_translation",
                "offer",
                "provider_translation",
                "provider",
            ],
        )
        .await
    }
}

async fn create_provider(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("provider")
                .col(uuid_pk("id"))
                .col(text("slug"))
                .col(text("kind"))
                .col(text("name"))
                .col(text("default_locale"))
                .col(text_null("email"))
                .col(text_null("phone"))
                .col(text_null("website"))
                .col(text_null("street"))
                .col(text_null("postcode"))
                .col(text_null("locality"))
                .col(uuid_null("municipality_id"))
                .col(boolean("verified", false))
                .col(boolean("trusted", false))
                .col(integer("version", 1))
                .col(timestamp("created_at"))
                .col(timestamp("updated_at"))
                .foreign_key(&mut foreign_key(
                    "provider",
                    "municipality_id",
                    "region",
                    ForeignKeyAction::SetNull,
                ))
                .check(one_of("kind", PROVIDER_KINDS))
                .check(not_blank("name"))
                .check(check("slug <> '' AND slug = lower(slug)"))
                .check(check("version >= 1"))
                .take(),
        )
        .await?;
    create_indexes(
        manager,
        vec![
            unique_index("provider", &["slug"]),
            index("provider", &["name"]),
            index("provider", &["municipality_id"]),
        ],
    )
    .await?;

    manager
        .create_table(
            Table::create()
                .table("provider_translation")
                .col(uuid("provider_id"))
                .col(text("locale"))
                .col(text("description"))
                .col(boolean("machine_translated", false))
                .primary_key(Index::create().col("provider_id").col("locale"))
                .foreign_key(&mut foreign_key(
                    "provider_translation",
                    "provider_id",
                    "provider",
                    ForeignKeyAction::Cascade,
                ))
                .take(),
        )
        .await
}

async fn create_offer(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("offer")
                .col(uuid_pk("id"))
                .col(uuid("provider_id"))
                .col(text_null("external_ref"))
                .col(text("kind"))
                .col(text("status"))
                .col(text("default_locale"))
                .col(text_null("cefr_level"))
                .col(boolean("fide", false))
                .col(text("cost_kind"))
                // Money in Rappen (hundredths of a franc): exact on both engines.
                .col(integer_null("price_cents"))
                .col(text_null("price_unit"))
                .col(boolean("childcare", false))
                .col(json("accessibility"))
                .col(json("target_groups"))
                .col(boolean("online", false))
                .col(text_null("registration_url"))
                .col(text_null("registration_email"))
                .col(text_null("registration_phone"))
                .col(date_null("valid_from"))
                .col(date_null("valid_until"))
                // The first day the offer meets (earliest schedule, else its validity start):
                // kept by the application so lists can sort and page by it.
                .col(date("starts_on"))
                // The title in the offer's own locale, lower-cased, for sorting by title.
                .col(text("sort_title"))
                .col(timestamp_null("published_at"))
                .col(timestamp_null("archived_at"))
                .col(integer("version", 1))
                .col(timestamp("created_at"))
                .col(timestamp("updated_at"))
                .foreign_key(&mut foreign_key(
                    "offer",
                    "provider_id",
                    "provider",
                    ForeignKeyAction::Restrict,
                ))
                .check(one_of("kind", OFFER_KINDS))
                .check(one_of("status", OFFER_STATUSES))
                .check(one_of("cefr_level", CEFR_LEVELS))
                .check(one_of("cost_kind", COST_KINDS))
                .check(one_of("price_unit", PRICE_UNITS))
                .check(check("external_ref IS NULL OR length(trim(external_ref)) > 0"))
                // A free offer has no price; a paid one always has one. Subsidised offers may
                // name the reduced price that remains.
                .check(check(
                    "(cost_kind <> 'FREE' OR (price_cents IS NULL AND price_unit IS NULL)) \
                     AND (cost_kind <> 'PAID' OR (price_cents IS NOT NULL AND price_unit IS NOT NULL))",
                ))
                .check(check("(price_cents IS NULL) = (price_unit IS NULL)"))
                .check(check("price_cents IS NULL OR price_cents >= 0"))
                .check(check(
                    "valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until",
                ))
                .check(check("status <> 'PUBLISHED' OR published_at IS NOT NULL"))
                .check(check("version >= 1"))
                .take(),
        )
        .await?;
    create_indexes(
        manager,
        vec![
            // NULLs are distinct in unique indexes on both engines: only offers that carry an
            // external reference are held to one per provider.
            unique_index("offer", &["provider_id", "external_ref"]),
            // Public lists always ask for one status and page in one of three orders: these
            // let both engines walk an index from the cursor instead of sorting.
            index("offer", &["status", "starts_on", "id"]),
            index("offer", &["status", "sort_title", "id"]),
            index("offer", &["status", "updated_at", "id"]),
            index("offer", &["starts_on", "id"]),
            index("offer", &["sort_title", "id"]),
            index("offer", &["updated_at", "id"]),
            // Counting a public list reads only this index.
            index("offer", &["status", "valid_until"]),
            // Filters that yield offer ids (categories, regions, languages, schedules) check
            // each offer's visibility here without reading its row.
            index("offer", &["id", "status", "valid_until"]),
            index("offer", &["provider_id", "status"]),
            index("offer", &["cefr_level"]),
        ],
    )
    .await
}

async fn create_offer_children(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("offer_translation")
                .col(uuid("offer_id"))
                .col(text("locale"))
                .col(text("title"))
                .col(text_null("summary"))
                .col(text_null("description"))
                .col(boolean("machine_translated", false))
                .col(text_null("source_hash"))
                .col(timestamp("updated_at"))
                .primary_key(Index::create().col("offer_id").col("locale"))
                .foreign_key(&mut foreign_key(
                    "offer_translation",
                    "offer_id",
                    "offer",
                    ForeignKeyAction::Cascade,
                ))
                .check(not_blank("title"))
                .check(not_blank("locale"))
                .check(check("NOT machine_translated OR source_hash IS NOT NULL"))
                .take(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table("offer_language")
                .col(uuid("offer_id"))
                .col(text("language"))
                .col(text("role"))
                .primary_key(Index::create().col("offer_id").col("language").col("role"))
                .foreign_key(&mut foreign_key(
                    "offer_language",
                    "offer_id",
                    "offer",
                    ForeignKeyAction::Cascade,
                ))
                .check(one_of("role", &["INSTRUCTION", "SUPPORT"]))
                .check(not_blank("language"))
                .take(),
        )
        .await?;
    manager
        .create_index(index("offer_language", &["language", "role"]))
        .await?;

    for (table, column, target) in [
        ("offer_category", "category_id", "category"),
        ("offer_region", "region_id", "region"),
    ] {
        manager
            .create_table(
                Table::create()
                    .table(table)
                    .col(uuid("offer_id"))
                    .col(uuid(column))
                    .primary_key(Index::create().col("offer_id").col(column))
                    .foreign_key(&mut foreign_key(
                        table,
                        "offer_id",
                        "offer",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        table,
                        column,
                        target,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager.create_index(index(table, &[column])).await?;
    }

    manager
        .create_table(
            Table::create()
                .table("offer_location")
                .col(uuid_pk("id"))
                .col(uuid("offer_id"))
                .col(text_null("name"))
                .col(text_null("street"))
                .col(text_null("postcode"))
                .col(text_null("locality"))
                .col(uuid_null("municipality_id"))
                .col(coordinate_null("lat"))
                .col(coordinate_null("lon"))
                .foreign_key(&mut foreign_key(
                    "offer_location",
                    "offer_id",
                    "offer",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "offer_location",
                    "municipality_id",
                    "region",
                    ForeignKeyAction::Restrict,
                ))
                .check(check("(lat IS NULL) = (lon IS NULL)"))
                .check(check("lat IS NULL OR (lat BETWEEN -90 AND 90)"))
                .check(check("lon IS NULL OR (lon BETWEEN -180 AND 180)"))
                .take(),
        )
        .await?;
    create_indexes(
        manager,
        vec![
            index("offer_location", &["offer_id"]),
            index("offer_location", &["municipality_id"]),
        ],
    )
    .await?;

    manager
        .create_table(
            Table::create()
                .table("offer_schedule")
                .col(uuid_pk("id"))
                .col(uuid("offer_id"))
                .col(uuid_null("location_id"))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .col(ColumnDef::new("weekday").small_integer().null())
                .col(ColumnDef::new("start_time").time().null())
                .col(ColumnDef::new("end_time").time().null())
                .col(text_null("note"))
                .foreign_key(&mut foreign_key(
                    "offer_schedule",
                    "offer_id",
                    "offer",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut foreign_key(
                    "offer_schedule",
                    "location_id",
                    "offer_location",
                    ForeignKeyAction::SetNull,
                ))
                // ISO weekday, Monday = 1. A row without weekday is a single date.
                .check(check("weekday IS NULL OR weekday BETWEEN 1 AND 7"))
                .check(check("end_date IS NULL OR end_date >= start_date"))
                .check(check(
                    "weekday IS NOT NULL OR end_date IS NULL OR end_date = start_date",
                ))
                .check(check(
                    "start_time IS NULL OR end_time IS NULL OR end_time > start_time",
                ))
                .check(check("start_time IS NOT NULL OR end_time IS NULL"))
                .take(),
        )
        .await?;
    create_indexes(
        manager,
        vec![
            index("offer_schedule", &["offer_id", "start_date"]),
            index("offer_schedule", &["weekday", "start_time"]),
        ],
    )
    .await
}
