//! Importing and exporting offer files: round trips (export → import → export gives the same
//! file), idempotence, dry runs and bad rows that write nothing, archiving what a full file
//! leaves out, bad files refused with a clear message, and the command-line twins.

use actix_web::http::StatusCode;
use angebotsplattform::config::{ExportOffersArgs, FileFormat, ImportOffersArgs};
use entity::types::OfferStatus;
use entity::{audit_log, offer, offer_schedule, search_outbox};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tests::fixtures;
use tests::{TestApp, error_code};

use crate::ids::provider_gid;

const IMPORT: &str =
    "mutation($p: ID!, $f: OfferFileFormat!, $d: String!, $dry: Boolean! = false, $archive: Boolean! = false) {
  importOffers(providerId: $p, format: $f, data: $d, dryRun: $dry, archiveMissing: $archive) {
    written dryRun created updated unchanged invalid archived
    rows { row externalRef outcome offerId changedFields problems { field message } }
  }
}";
const EXPORT: &str = "query($p: ID, $f: OfferFileFormat!, $all: Boolean! = false) { offerExport(providerId: $p, format: $f, includeArchived: $all) }";

/// Three offers as a provider's spreadsheet has them: semicolons between cells (as Excel
/// writes in Switzerland), Swiss dates, two locales, places and weekly slots.
const CSV: &str = "\
externalRef;kind;defaultLocale;title.de;summary.de;description.de;title.fr;categories;level;fide;costKind;price;priceUnit;childcare;online;accessibility;targetGroups;registrationUrl;registrationEmail;registrationPhone;validFrom;validUntil;instructionLanguages;supportLanguages;regions;location1.name;location1.street;location1.postcode;location1.locality;location1.municipality;location1.lat;location1.lon;location2.name;location2.municipality;schedule1.startDate;schedule1.endDate;schedule1.weekday;schedule1.startTime;schedule1.endTime;schedule1.location;schedule1.note;schedule2.startDate;schedule2.endDate;schedule2.weekday;schedule2.startTime;schedule2.endTime;schedule2.location;schedule2.note
DK-A1;COURSE;de;Deutschkurs A1 mit Kinderhüte;Für Eltern mit kleinen Kindern;\"Mit **Kinderhüte**; am Montag und Donnerstag.\";Cours d'allemand A1;language;A1;true;PAID;120.50;COURSE;true;false;wheelchair-access;parents;https://example.org/anmeldung;kurse@example.org;+41 62 000 00 00;01.08.2027;2027-12-20;de;ti;SO-D-OLTEN;Schulhaus Frohheim;Frohheimstrasse 1;4600;Olten;2581;47.3499;7.9077;Bibliothek;2581;16.08.2027;2027-12-13;MONDAY;09:00;11:00;1;Mit Kinderhüte;19.08.2027;2027-12-16;THURSDAY;18:30;20:30;2;
TREFF-1;MEETING_PLACE;de;Frauentreff Grenchen;;;;living-together;;false;FREE;;;false;false;;;;;;;;de;tr;SO-D-LEBERN;Quartiertreff;;2540;Grenchen;2546;;;;;03.09.2027;;;14:00;16:00;1;;;;;;;;
JOB-7;COUNSELLING;fr;;;;Conseil emploi;employability;;false;SUBSIDISED;20;LESSON;false;true;;;https://example.org/job;;;;;fr;;SO;;;;;;;;;;;;;;;;;;;;;;;
";

fn rows<'a>(report: &'a Value, outcome: &str) -> Vec<&'a Value> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == outcome)
        .collect()
}

async fn import(
    app: &TestApp,
    token: &str,
    provider: uuid::Uuid,
    format: &str,
    data: &str,
    dry_run: bool,
    archive_missing: bool,
) -> Value {
    let response = app
        .graphql_as(
            Some(token),
            IMPORT,
            json!({ "p": provider_gid(provider), "f": format, "d": data, "dry": dry_run, "archive": archive_missing }),
        )
        .await;
    assert!(
        response.get("errors").is_none(),
        "import failed: {response}"
    );
    response["data"]["importOffers"].clone()
}

async fn export(app: &TestApp, token: &str, provider: uuid::Uuid, format: &str) -> String {
    let data = app
        .data_as(
            Some(token),
            EXPORT,
            json!({ "p": provider_gid(provider), "f": format }),
        )
        .await;
    data["offerExport"].as_str().unwrap().to_owned()
}

/// What the database holds that an import may write: offers, audit entries, outbox rows.
async fn footprint(app: &TestApp) -> (u64, u64, u64) {
    (
        offer::Entity::find().count(&app.db).await.unwrap(),
        audit_log::Entity::find().count(&app.db).await.unwrap(),
        search_outbox::Entity::find().count(&app.db).await.unwrap(),
    )
}

#[tokio::test]
async fn a_csv_file_round_trips_and_a_second_import_changes_nothing() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let b = fixtures::provider(&app.db, "Familienzentrum Grenchen").await;
    let editor = app.editor(&[a, b]).await;

    // A dry run reports every row and writes nothing.
    let before = footprint(&app).await;
    let dry = import(&app, &editor.token, a, "CSV", CSV, true, false).await;
    assert_eq!(
        (dry["written"].as_bool(), dry["dryRun"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(dry["created"], 3, "{dry}");
    assert!(
        dry["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["offerId"].is_null())
    );
    assert_eq!(footprint(&app).await, before, "a dry run writes nothing");

    // The real run creates drafts, with an audit entry each (and one for the import) and
    // an outbox row each.
    let done = import(&app, &editor.token, a, "CSV", CSV, false, false).await;
    assert_eq!(
        (done["written"].as_bool(), done["created"].as_i64()),
        (Some(true), Some(3))
    );
    let rows_created = rows(&done, "CREATED");
    assert_eq!(
        rows_created
            .iter()
            .map(|r| r["row"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![2, 3, 4],
        "rows are numbered as a spreadsheet shows them"
    );
    assert!(rows_created.iter().all(|r| r["offerId"].is_string()));
    let after = footprint(&app).await;
    assert_eq!(after.0 - before.0, 3);
    assert_eq!(
        after.1 - before.1,
        4,
        "three offer entries and one for the import"
    );
    assert_eq!(after.2 - before.2, 3);
    let stored = offer::Entity::find()
        .filter(offer::Column::ProviderId.eq(a))
        .all(&app.db)
        .await
        .unwrap();
    assert!(stored.iter().all(|o| o.status == OfferStatus::Draft));
    let course = stored
        .iter()
        .find(|o| o.external_ref.as_deref() == Some("DK-A1"))
        .unwrap();
    assert_eq!(course.price_cents, Some(12050));
    let slots = offer_schedule::Entity::find()
        .filter(offer_schedule::Column::OfferId.eq(course.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(slots, 2);

    // The same file again: every row unchanged, nothing written.
    let again = import(&app, &editor.token, a, "CSV", CSV, false, false).await;
    assert_eq!(again["unchanged"], 3, "{again}");
    assert_eq!(again["written"], false);
    assert_eq!(footprint(&app).await, after, "re-importing changes nothing");

    // Export → import into another provider → export: the same file.
    let exported = export(&app, &editor.token, a, "CSV").await;
    assert!(
        exported.starts_with("externalRef,kind,defaultLocale,"),
        "{exported}"
    );
    let copied = import(&app, &editor.token, b, "CSV", &exported, false, false).await;
    assert_eq!(copied["created"], 3, "{copied}");
    assert_eq!(export(&app, &editor.token, b, "CSV").await, exported);
    // … and back into the first provider, where it changes nothing.
    let back = import(&app, &editor.token, a, "CSV", &exported, false, false).await;
    assert_eq!(back["unchanged"], 3, "{back}");
    assert_eq!(export(&app, &editor.token, a, "CSV").await, exported);
}

#[tokio::test]
async fn a_json_file_round_trips_and_a_changed_record_updates() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let editor = app.editor(&[a]).await;
    import(&app, &editor.token, a, "CSV", CSV, false, false).await;

    let exported = export(&app, &editor.token, a, "JSON").await;
    let mut records: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(records.as_array().unwrap().len(), 3);
    // One provider's export leaves the provider out, so it imports into any provider.
    assert!(records[0].get("providerId").is_none(), "{exported}");
    assert_eq!(records[0]["cost"]["amount"], "120.50");
    assert_eq!(records[0]["schedules"][1]["weekday"], "THURSDAY");
    let at = |key: &str| exported.find(&format!("\"{key}\"")).unwrap();
    assert!(
        at("kind") < at("translations"),
        "fields come in createOffer's order"
    );

    let same = import(&app, &editor.token, a, "JSON", &exported, false, false).await;
    assert_eq!(same["unchanged"], 3, "{same}");
    assert_eq!(export(&app, &editor.token, a, "JSON").await, exported);

    // One record changes its title: that offer is updated, the others stay.
    records[0]["translations"][0]["title"] = json!("Deutschkurs A1 (neu)");
    let changed = import(
        &app,
        &editor.token,
        a,
        "JSON",
        &records.to_string(),
        false,
        false,
    )
    .await;
    assert_eq!(
        (changed["updated"].as_i64(), changed["unchanged"].as_i64()),
        (Some(1), Some(2))
    );
    let updated = rows(&changed, "UPDATED");
    assert_eq!(updated[0]["changedFields"], json!(["translations"]));
    let course = offer::Entity::find()
        .filter(offer::Column::ExternalRef.eq("DK-A1"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(course.version, 2);
    assert_eq!(course.sort_title, "deutschkurs a1 (neu)");
    let update_entries = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("offer.update"))
        .filter(audit_log::Column::EntityId.eq(course.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(update_entries, 1);
}

#[tokio::test]
async fn a_full_file_archives_what_it_leaves_out_only_when_asked() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let editor = app.editor(&[a]).await;
    import(&app, &editor.token, a, "CSV", CSV, false, false).await;
    // An offer made in the back office, without a reference: imports never touch it.
    let mut spec = fixtures::OfferSpec::new(a, "Elterncafé");
    spec.status = OfferStatus::Published;
    let by_hand = fixtures::offer(&app.db, spec).await;

    let without_job: String = CSV
        .lines()
        .filter(|l| !l.starts_with("JOB-7"))
        .map(|l| format!("{l}\n"))
        .collect();
    let kept = import(&app, &editor.token, a, "CSV", &without_job, false, false).await;
    assert_eq!(
        (kept["unchanged"].as_i64(), kept["archived"].as_i64()),
        (Some(2), Some(0))
    );

    let dry = import(&app, &editor.token, a, "CSV", &without_job, true, true).await;
    assert_eq!(dry["archived"], 1, "{dry}");
    let job = offer::Entity::find()
        .filter(offer::Column::ExternalRef.eq("JOB-7"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.status, OfferStatus::Draft, "a dry run archives nothing");

    let full = import(&app, &editor.token, a, "CSV", &without_job, false, true).await;
    let archived = rows(&full, "ARCHIVED");
    assert_eq!(archived.len(), 1, "{full}");
    assert_eq!(archived[0]["externalRef"], "JOB-7");
    assert!(archived[0]["row"].is_null());
    let job = offer::Entity::find_by_id(job.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.status, OfferStatus::Archived);
    let by_hand = offer::Entity::find_by_id(by_hand)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_hand.status, OfferStatus::Published);

    // The archived offer's row again, changed: refused with a reason, nothing written.
    let reopened = CSV.replace("Conseil emploi", "Conseil emploi (nouveau)");
    let refused = import(&app, &editor.token, a, "CSV", &reopened, false, false).await;
    assert_eq!(refused["written"], false);
    let invalid = rows(&refused, "INVALID");
    assert!(
        invalid[0]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("archived"),
        "{refused}"
    );
}

#[tokio::test]
async fn one_bad_row_writes_nothing_and_every_problem_is_named_by_its_column() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let editor = app.editor(&[a]).await;
    let bad = format!(
        "{CSV}BAD-1;COURSE;de;;;;;flying;C7;maybe;PAID;;;false;false;;;not a url;;;;;de;;SO-XX;;;;;9999;north;;;;2027-02-01;2027-01-01;FUNDAY;;;3;;;;;;;;\nDK-A1;COURSE;de;Doppelt;;;;language;;false;FREE;;;false;false;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\n"
    );
    let before = footprint(&app).await;
    let report = import(&app, &editor.token, a, "CSV", &bad, false, false).await;
    assert_eq!(report["written"], false);
    assert_eq!(
        footprint(&app).await,
        before,
        "a batch with a bad row writes nothing"
    );
    let invalid = rows(&report, "INVALID");
    let bad_row = invalid
        .iter()
        .find(|r| r["externalRef"] == "BAD-1")
        .unwrap();
    assert_eq!(bad_row["row"], 5);
    let fields: Vec<&str> = bad_row["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    for column in [
        "level",
        "fide",
        "regions",
        "location1.municipality",
        "location1.lat",
        "schedule1.weekday",
        "schedule1.location",
    ] {
        assert!(
            fields.contains(&column),
            "{column} not reported: {fields:?}"
        );
    }
    // The same reference twice: both rows are refused, naming each other.
    let twice: Vec<&&Value> = invalid
        .iter()
        .filter(|r| r["externalRef"] == "DK-A1")
        .collect();
    assert_eq!(twice.len(), 2, "{report}");
    assert!(
        twice[0]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("rows 2, 6"),
        "{report}"
    );

    // A row whose cells read fine but break the offer rules is named by its columns too.
    let rules = "externalRef,kind,defaultLocale,title.de,categories,costKind,price,schedule1.startDate,schedule1.endDate,schedule1.weekday\n\
        R-1,EVENT,de,Fest,meeting,FREE,12,2027-02-01,2027-01-01,MONDAY\n";
    let report = import(&app, &editor.token, a, "CSV", rules, false, false).await;
    let problems = &rows(&report, "INVALID")[0]["problems"];
    let fields: Vec<&str> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"price"), "{fields:?}");
    assert!(fields.contains(&"schedule1.endDate"), "{fields:?}");
    assert_eq!(footprint(&app).await, before);
}

#[tokio::test]
async fn bad_files_are_refused_with_a_clear_message() {
    let app = TestApp::spawn_with(|s| s.catalogue.import_max_rows = 2).await;
    let a = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let editor = app.editor(&[a]).await;
    let refused = |response: &Value| -> String {
        assert_eq!(error_code(response), Some("BAD_USER_INPUT"), "{response}");
        response["errors"].to_string()
    };
    let send = |data: String, format: &'static str| {
        let token = editor.token.clone();
        let app = &app;
        async move {
            app.graphql_as(
                Some(&token),
                IMPORT,
                json!({ "p": provider_gid(a), "f": format, "d": data }),
            )
            .await
        }
    };

    // Text that was read with the wrong encoding on its way here.
    let mangled = CSV.replace("Kinderhüte", "Kinderh\u{FFFD}te");
    let message = refused(&send(mangled, "CSV").await);
    assert!(message.contains("UTF-8"), "{message}");
    // Missing and misspelt columns.
    let message = refused(&send("externalRef,kind,titel.de\nK,COURSE,x\n".into(), "CSV").await);
    assert!(
        message.contains("required column `costKind` is missing"),
        "{message}"
    );
    assert!(message.contains("unknown column `titel.de`"), "{message}");
    // More rows than one import takes.
    assert!(refused(&send(CSV.into(), "CSV").await).contains("IMPORT_MAX_ROWS"));
    // JSON that is not an array of offers.
    assert!(refused(&send("{\"offers\": []}".into(), "JSON").await).contains("array"));
    assert!(refused(&send("[{".into(), "JSON").await).contains("not valid JSON"));
    assert_eq!(footprint(&app).await.0, 0);

    // 50 MB is refused before it is read whole, for staff as for anyone.
    let huge = "x".repeat(50 * 1024 * 1024);
    let body =
        json!({ "query": IMPORT, "variables": { "p": provider_gid(a), "f": "CSV", "d": huge } });
    let reply = app
        .request(
            actix_web::test::TestRequest::post()
                .uri("/graphql")
                .insert_header(("Authorization", format!("Bearer {}", editor.token)))
                .insert_header(("Content-Type", "application/json"))
                .set_payload(body.to_string()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Staff may send files larger than other requests may be.
    let big_row = format!(
        "externalRef,kind,defaultLocale,title.de,description.de,categories,costKind\nK-1,COURSE,de,Kurs,{},language,FREE\n",
        "Beschreibung. ".repeat(600)
    );
    let padded = format!("{big_row}{}", "\n".repeat(2 * 1024 * 1024));
    let reply = app
        .graphql_as(
            Some(&editor.token),
            IMPORT,
            json!({ "p": provider_gid(a), "f": "CSV", "d": padded, "dry": true }),
        )
        .await;
    assert!(reply.get("errors").is_none(), "{reply}");
    let anonymous = app
        .request(
            actix_web::test::TestRequest::post()
                .uri("/graphql")
                .insert_header(("Content-Type", "application/json"))
                .set_payload(
                    json!({ "query": IMPORT, "variables": { "d": "\n".repeat(2 * 1024 * 1024) } })
                        .to_string(),
                ),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn records_of_another_provider_and_callers_without_rights_are_refused() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let b = fixtures::provider(&app.db, "Familienzentrum Grenchen").await;
    let editor_a = app.editor(&[a]).await;
    let editor_b = app.editor(&[b]).await;
    let admin = app.admin().await;
    import(&app, &editor_a.token, a, "CSV", CSV, false, false).await;

    // The JSON export of every provider names each record's: imported into B, A's
    // records are refused.
    let json_all = app
        .data_as(
            Some(&admin.token),
            EXPORT,
            json!({ "p": null, "f": "JSON" }),
        )
        .await["offerExport"]
        .as_str()
        .unwrap()
        .to_owned();
    let report = import(&app, &admin.token, b, "JSON", &json_all, false, false).await;
    assert_eq!(report["invalid"], 3, "{report}");
    assert_eq!(report["rows"][0]["problems"][0]["field"], "providerId");

    // Editors export only their own providers; the export of all is for admins, and its
    // CSV names each row's provider.
    let other = app
        .graphql_as(
            Some(&editor_b.token),
            EXPORT,
            json!({ "p": provider_gid(a), "f": "CSV" }),
        )
        .await;
    assert_eq!(error_code(&other), Some("FORBIDDEN"));
    let all = app
        .graphql_as(Some(&editor_a.token), EXPORT, json!({ "f": "CSV" }))
        .await;
    assert_eq!(error_code(&all), Some("FORBIDDEN"));
    let all = app
        .data_as(Some(&admin.token), EXPORT, json!({ "f": "CSV" }))
        .await;
    let all = all["offerExport"].as_str().unwrap();
    assert!(all.starts_with("providerId,externalRef,"), "{all}");
    assert_eq!(all.lines().count(), 4);
    let anonymous = app
        .graphql(EXPORT, json!({ "p": provider_gid(a), "f": "CSV" }))
        .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn the_commands_import_and_export_files() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let editor = app.editor(&[a]).await;
    let dir = tempdir();
    let file = dir.join("angebote.csv");
    std::fs::write(&file, CSV).unwrap();
    let settings = (*app.app.settings).clone();
    let args = |dry_run| ImportOffersArgs {
        provider: provider_gid(a).to_string(),
        file: file.clone(),
        format: None,
        dry_run,
        archive_missing: false,
    };
    angebotsplattform::offer_files::import(&app.db, &app.app.effects, &settings, args(true))
        .await
        .unwrap();
    assert_eq!(footprint(&app).await.0, 0, "a dry run writes nothing");
    angebotsplattform::offer_files::import(&app.db, &app.app.effects, &settings, args(false))
        .await
        .unwrap();
    assert_eq!(footprint(&app).await.0, 3);

    let out = dir.join("export.json");
    angebotsplattform::offer_files::export(
        &app.db,
        ExportOffersArgs {
            provider: Some(a.to_string()),
            format: FileFormat::Json,
            out: Some(out.clone()),
            include_archived: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        export(&app, &editor.token, a, "JSON").await
    );

    // A Latin-1 file, as older spreadsheet programs save it, is refused and writes nothing.
    let latin1 = dir.join("latin1.csv");
    let bytes: Vec<u8> = CSV
        .replace("DK-A1", "DK-B1")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    std::fs::write(&latin1, bytes).unwrap();
    let err = angebotsplattform::offer_files::import(
        &app.db,
        &app.app.effects,
        &settings,
        ImportOffersArgs {
            file: latin1,
            ..args(false)
        },
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("not UTF-8"), "{err}");
    // A file with a bad row makes the command fail, writing nothing.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        CSV.replace("language;A1", "nonsense;A1")
            .replace("DK-A1", "DK-C1"),
    )
    .unwrap();
    let err = angebotsplattform::offer_files::import(
        &app.db,
        &app.app.effects,
        &settings,
        ImportOffersArgs {
            file: bad,
            ..args(false)
        },
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(footprint(&app).await.0, 3);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_file_of_many_offers_is_written_in_chunks_and_reads_back_unchanged() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let editor = app.editor(&[a]).await;
    // Enough offers that offers, texts and schedules each need several multi-row inserts.
    let file = tests::offer_file::csv(2_500, "");
    let done = import(&app, &editor.token, a, "CSV", &file, false, false).await;
    assert_eq!(done["created"], 2_500);
    let slots = offer_schedule::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(slots, 5_000);
    let outbox = search_outbox::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(outbox, 2_500);
    let again = import(&app, &editor.token, a, "CSV", &file, false, false).await;
    assert_eq!(again["unchanged"], 2_500);
    let changed = tests::offer_file::csv(2_500, " (neu)");
    let report = import(&app, &editor.token, a, "CSV", &changed, false, false).await;
    assert_eq!(
        (report["updated"].as_i64(), report["unchanged"].as_i64()),
        (Some(250), Some(2_250))
    );
    let exported = export(&app, &editor.token, a, "CSV").await;
    let back = import(&app, &editor.token, a, "CSV", &exported, false, false).await;
    assert_eq!(back["unchanged"], 2_500);
}

#[tokio::test]
async fn an_import_that_changes_a_public_offer_refreshes_cached_answers() {
    let app = TestApp::spawn_with(|s| s.caches.response_cache_secs = 60).await;
    let a = fixtures::provider(&app.db, "Verein Deutsch für alle").await;
    let editor = app.editor(&[a]).await;
    let admin = app.admin().await;
    let done = import(&app, &editor.token, a, "CSV", CSV, false, false).await;
    let course = rows(&done, "CREATED")[0]["offerId"]
        .as_str()
        .unwrap()
        .to_owned();
    app.data_as(
        Some(&admin.token),
        "mutation($o: ID!) { publishOffer(id: $o) { status } }",
        json!({ "o": course }),
    )
    .await;
    let titles = "{ offers(first: 5) { edges { node { title } } } }";
    let before = app.data(titles, json!({})).await;
    assert_eq!(
        before["offers"]["edges"][0]["node"]["title"],
        "Deutschkurs A1 mit Kinderhüte"
    );

    let renamed = CSV.replace("Deutschkurs A1 mit Kinderhüte", "Deutschkurs A1 (Montag)");
    let report = import(&app, &editor.token, a, "CSV", &renamed, false, false).await;
    assert_eq!(report["updated"], 1, "{report}");
    let after = app.data(titles, json!({})).await;
    assert_eq!(
        after["offers"]["edges"][0]["node"]["title"], "Deutschkurs A1 (Montag)",
        "the cached page was dropped"
    );
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("offer-files-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn exported_cells_never_run_as_spreadsheet_formulas_and_read_back_exactly() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein A").await;
    let b = fixtures::provider(&app.db, "Verein B").await;
    let editor = app.editor(&[a, b]).await;
    let planted = "=HYPERLINK(\"https://evil.example/\",\"Anmeldung\")";
    let file = format!(
        "externalRef,kind,defaultLocale,title.de,summary.de,categories,costKind,registrationPhone\n\
         F-1,COURSE,de,\"{}\",@SUM(1+1),language,FREE,+41 62 000 00 00\n\
         F-2,COURSE,de,'s Chäsi,-5 Grad,language,FREE,\n",
        planted.replace('"', "\"\"")
    );
    let done = import(&app, &editor.token, a, "CSV", &file, false, false).await;
    assert_eq!(done["created"], 2, "{done}");
    let exported = export(&app, &editor.token, a, "CSV").await;
    for line in exported.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a formula cell in the export: {line}"
            );
        }
    }
    assert!(exported.contains("'=HYPERLINK"), "{exported}");
    assert!(exported.contains("'+41 62 000 00 00"), "{exported}");
    assert!(
        exported.contains(",'s Chäsi,"),
        "an ordinary apostrophe stays: {exported}"
    );
    // Into another provider: the texts arrive exactly as they were typed.
    let copied = import(&app, &editor.token, b, "CSV", &exported, false, false).await;
    assert_eq!(copied["created"], 2, "{copied}");
    let title = |reference: &'static str| {
        let db = app.db.clone();
        async move {
            let stored = offer::Entity::find()
                .filter(offer::Column::ProviderId.eq(b))
                .filter(offer::Column::ExternalRef.eq(reference))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            entity::offer_translation::Entity::find()
                .filter(entity::offer_translation::Column::OfferId.eq(stored.id))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let first = title("F-1").await;
    assert_eq!(first.title, planted);
    assert_eq!(first.summary.as_deref(), Some("@SUM(1+1)"));
    let second = title("F-2").await;
    assert_eq!(second.title, "'s Chäsi");
    assert_eq!(second.summary.as_deref(), Some("-5 Grad"));
    assert_eq!(export(&app, &editor.token, b, "CSV").await, exported);
}

#[tokio::test]
async fn every_demo_providers_export_imports_back_unchanged_and_into_another_provider() {
    let app = TestApp::spawn_with_demo().await;
    let admin = app.admin().await.token;
    let providers = app
        .data_as(
            Some(&admin),
            "{ providers(first: 100) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let target = fixtures::provider(&app.db, "Neuer Anbieter").await;
    let mut checked = 0;
    for edge in providers["providers"]["edges"].as_array().unwrap() {
        let id = edge["node"]["id"].as_str().unwrap();
        if id == provider_gid(target) {
            continue;
        }
        for format in ["CSV", "JSON"] {
            let exported = app
                .data_as(
                    Some(&admin),
                    EXPORT,
                    json!({ "p": id, "f": format, "all": true }),
                )
                .await["offerExport"]
                .as_str()
                .unwrap()
                .to_owned();
            let back = app
                .data_as(
                    Some(&admin),
                    IMPORT,
                    json!({ "p": id, "f": format, "d": exported, "dry": true }),
                )
                .await["importOffers"]
                .clone();
            assert_eq!(
                (
                    back["updated"].as_i64(),
                    back["invalid"].as_i64(),
                    back["created"].as_i64()
                ),
                (Some(0), Some(0), Some(0)),
                "{format} export of {id} imported back: {}",
                serde_json::to_string(&rows(&back, "INVALID")).unwrap()
                    + &serde_json::to_string(&rows(&back, "UPDATED")).unwrap()
            );
            let elsewhere = app
                .data_as(
                    Some(&admin),
                    IMPORT,
                    json!({ "p": provider_gid(target), "f": format, "d": exported, "dry": true }),
                )
                .await["importOffers"]
                .clone();
            assert_eq!(
                elsewhere["invalid"], 0,
                "{format} export of {id} into another provider: {elsewhere}"
            );
            assert_eq!(
                elsewhere["created"].as_i64().unwrap() + elsewhere["unchanged"].as_i64().unwrap(),
                back["unchanged"].as_i64().unwrap(),
                "every offer arrives"
            );
        }
        checked += 1;
    }
    assert!(checked >= 5, "{checked} providers");
}

#[tokio::test]
async fn offers_made_without_a_reference_export_and_import_like_any_other() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein A").await;
    let b = fixtures::provider(&app.db, "Verein B").await;
    let editor = app.editor(&[a, b]).await;
    let created = app
        .data_as(
            Some(&editor.token),
            "mutation($p: ID!) { createOffer(input: { providerId: $p, kind: COURSE, defaultLocale: \"de\", translations: [{ locale: \"de\", title: \"Im Backoffice erfasst\" }], categoryCodes: [\"language\"], cost: { kind: FREE } }) { externalRef } }",
            json!({ "p": provider_gid(a) }),
        )
        .await;
    let reference = created["createOffer"]["externalRef"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        reference.starts_with("AP-"),
        "the platform gives a reference: {reference}"
    );
    for format in ["CSV", "JSON"] {
        let exported = export(&app, &editor.token, a, format).await;
        let back = import(&app, &editor.token, a, format, &exported, true, false).await;
        assert_eq!(
            (back["unchanged"].as_i64(), back["invalid"].as_i64()),
            (Some(1), Some(0)),
            "{back}"
        );
        let copied = import(&app, &editor.token, b, format, &exported, true, false).await;
        assert_eq!(
            (copied["created"].as_i64(), copied["invalid"].as_i64()),
            (Some(1), Some(0)),
            "{copied}"
        );
    }
    // A full file of the provider's own offers leaves the back-office offer alone.
    let full = "externalRef,kind,defaultLocale,title.de,categories,costKind\nOWN-1,COURSE,de,Eigener Kurs,language,FREE\n";
    let report = import(&app, &editor.token, a, "CSV", full, false, true).await;
    assert_eq!(report["archived"], 0, "{report}");
    // The copy in B carries A's reference as its own: B's full files manage it.
    let exported = export(&app, &editor.token, a, "CSV").await;
    import(&app, &editor.token, b, "CSV", &exported, false, false).await;
    let in_b = import(&app, &editor.token, b, "CSV", full, false, true).await;
    assert_eq!(in_b["archived"], 1, "the copy, not B's own: {in_b}");
}

#[tokio::test]
async fn a_file_with_double_encoded_umlauts_is_refused() {
    let app = TestApp::spawn().await;
    let a = fixtures::provider(&app.db, "Verein A").await;
    let editor = app.editor(&[a]).await;
    let file = "externalRef,kind,defaultLocale,title.de,categories,costKind\nM-1,COURSE,de,Deutschkurs fÃ¼r MÃ¼tter,language,FREE\n";
    let refused = app
        .graphql_as(
            Some(&editor.token),
            IMPORT,
            json!({ "p": provider_gid(a), "f": "CSV", "d": file }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let message = refused["errors"][0]["extensions"]["fields"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("line 2") && message.contains("für"),
        "{message}"
    );
    assert_eq!(footprint(&app).await.0, 0, "nothing was written");
}
