//! `import-regions`: a canton brings official numbers, coordinates, postcodes and the lead
//! municipality model; a bad file changes nothing.

use angebotsplattform::reference::region_csv;
use angebotsplattform::service::region_import::{ImportMode, import};
use entity::region;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tests::TestApp;

#[actix_web::test]
async fn an_import_adds_postcodes_coordinates_social_regions_and_lead_municipalities() {
    let app = TestApp::spawn().await;
    let file = "code,kind,name,part_of,served_by,postcodes,lat,lon,name_fr\n\
                2581,MUNICIPALITY,Olten,SO-D-OLTEN,,4600,47.3499,7.9033,\n\
                SO-SR-OLTEN,SOCIAL_REGION,Sozialregion Olten,SO,,,,,Région sociale d'Olten\n\
                2503,MUNICIPALITY,Dulliken,SO-D-OLTEN;SO-SR-OLTEN,2581,4657,,,\n";
    let records = region_csv::parse(file.as_bytes()).unwrap();
    let written = import(&app.db, &records, ImportMode::Upsert).await.unwrap();
    let report = app.app.effects.apply(written).await;
    assert_eq!(report.created, 1);
    assert_eq!(report.updated, 2);

    let data = app
        .data(
            r#"{ dulliken: region(code: "2503") { postcodes servedBy { name } parents { code } }
                 olten: region(code: "2581") { centroid { lat lon } postcodes }
                 social: region(code: "SO-SR-OLTEN", locale: "fr") { name servedLocale kind } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["dulliken"]["postcodes"], json!(["4657"]));
    assert_eq!(data["dulliken"]["servedBy"][0]["name"], "Olten");
    assert_eq!(data["dulliken"]["parents"].as_array().unwrap().len(), 2);
    assert_eq!(data["olten"]["centroid"]["lat"], 47.3499);
    assert_eq!(data["social"]["name"], "Région sociale d'Olten");
    assert_eq!(data["social"]["servedLocale"], "fr");
    assert_eq!(data["social"]["kind"], "SOCIAL_REGION");

    // The shipped data loaded again does not undo the canton's corrections.
    let loaded = angebotsplattform::reference::load(&app.db).await.unwrap();
    app.app.effects.apply(loaded).await;
    let olten = region::Entity::find()
        .filter(region::Column::Code.eq("2581"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(olten.lat, Some(47.3499));
}

#[actix_web::test]
async fn a_file_with_one_bad_row_writes_nothing() {
    let app = TestApp::spawn().await;
    let before = region::Entity::find().count(&app.db).await.unwrap();
    let file = "code,kind,name,part_of,lat,lon\n\
                SO-SR-NEW,SOCIAL_REGION,Neue Sozialregion,SO,,\n\
                9999,MUNICIPALITY,Nirgendwo,SO-D-DOES-NOT-EXIST,,\n\
                2581,DISTRICT,Olten,,,\n";
    let records = region_csv::parse(file.as_bytes()).unwrap();
    let err = import(&app.db, &records, ImportMode::Upsert)
        .await
        .unwrap_err();
    assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
    let message = format!("{err:?}");
    assert!(message.contains("SO-D-DOES-NOT-EXIST"), "{message}");
    assert!(message.contains("row 4: kind"), "{message}");
    assert_eq!(region::Entity::find().count(&app.db).await.unwrap(), before);
}

#[actix_web::test]
async fn a_file_that_is_not_utf8_is_refused_clearly() {
    let bytes: &[u8] = b"code,kind,name\n2581,MUNICIPALITY,Olt\xe9n\n";
    let errors = region_csv::parse(bytes).unwrap_err();
    assert!(errors[0].message.contains("UTF-8"), "{errors:?}");
}

/// Regions are held in memory for pages; an import is seen by the very next read, names,
/// postcodes and lead municipalities alike.
#[actix_web::test]
async fn an_import_is_seen_at_once_by_regions_held_in_memory() {
    let app = TestApp::spawn().await;
    let query = r#"{ region(code: "2503") { name postcodes servedBy { name } } }"#;
    let before = app.data(query, json!({})).await;
    assert_ne!(before["region"]["name"], "Neu-Erlinsbach");
    assert_eq!(before["region"]["servedBy"], json!([]));

    let file = "code,kind,name,part_of,served_by,postcodes,lat,lon\n\
                2503,MUNICIPALITY,Neu-Erlinsbach,SO-D-OLTEN,2581,4657,,\n";
    let records = region_csv::parse(file.as_bytes()).unwrap();
    let written = import(&app.db, &records, ImportMode::Upsert).await.unwrap();
    app.app.effects.apply(written).await;

    let after = app.data(query, json!({})).await;
    assert_eq!(after["region"]["name"], "Neu-Erlinsbach");
    assert_eq!(after["region"]["postcodes"], json!(["4657"]));
    assert_eq!(after["region"]["servedBy"][0]["name"], "Olten");
}
