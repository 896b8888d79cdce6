//! Regions as a graph: cantons, districts, municipalities, social and mentoring regions,
//! with typed edges between them (`PART_OF`, `SERVED_BY`), localised names and postcodes.

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub const REGION_KINDS: &[&str] = &[
    "CANTON",
    "DISTRICT",
    "MUNICIPALITY",
    "SOCIAL_REGION",
    "MENTORING_REGION",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("region")
                    .col(uuid_pk("id"))
                    .col(text("code"))
                    .col(text("kind"))
                    .col(text("name"))
                    .col(text_null("official_number"))
                    .col(coordinate_null("lat"))
                    .col(coordinate_null("lon"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .check(one_of("kind", REGION_KINDS))
                    .check(not_blank("code"))
                    .check(not_blank("name"))
                    .check(check("(lat IS NULL) = (lon IS NULL)"))
                    .check(check("lat IS NULL OR (lat BETWEEN -90 AND 90)"))
                    .check(check("lon IS NULL OR (lon BETWEEN -180 AND 180)"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("region", &["code"]),
                index("region", &["kind", "name"]),
                index("region", &["official_number"]),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("region_name")
                    .col(uuid("region_id"))
                    .col(text("locale"))
                    .col(text("name"))
                    .primary_key(Index::create().col("region_id").col("locale"))
                    .foreign_key(&mut foreign_key(
                        "region_name",
                        "region_id",
                        "region",
                        ForeignKeyAction::Cascade,
                    ))
                    .check(not_blank("name"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("region_postcode")
                    .col(uuid("region_id"))
                    .col(text("postcode"))
                    .primary_key(Index::create().col("region_id").col("postcode"))
                    .foreign_key(&mut foreign_key(
                        "region_postcode",
                        "region_id",
                        "region",
                        ForeignKeyAction::Cascade,
                    ))
                    .check(not_blank("postcode"))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("region_postcode", &["postcode"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("region_edge")
                    .col(uuid("from_region_id"))
                    .col(uuid("to_region_id"))
                    .col(text("kind"))
                    .primary_key(
                        Index::create()
                            .col("from_region_id")
                            .col("to_region_id")
                            .col("kind"),
                    )
                    .foreign_key(&mut foreign_key(
                        "region_edge",
                        "from_region_id",
                        "region",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "region_edge",
                        "to_region_id",
                        "region",
                        ForeignKeyAction::Cascade,
                    ))
                    .check(one_of("kind", &["PART_OF", "SERVED_BY"]))
                    .check(check("from_region_id <> to_region_id"))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("region_edge", &["to_region_id", "kind"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["region_edge", "region_postcode", "region_name", "region"],
        )
        .await
    }
}
