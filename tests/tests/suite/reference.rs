//! Shipped reference data: the canton of Solothurn and the category taxonomy.

use entity::types::RegionKind;
use entity::{category, category_label, region, region_edge};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tests::TestApp;

#[actix_web::test]
async fn solothurn_is_loaded_with_every_district_and_municipality() {
    let app = TestApp::spawn().await;
    let count = |kind| {
        region::Entity::find()
            .filter(region::Column::Kind.eq(kind))
            .count(&app.db)
    };
    assert_eq!(count(RegionKind::Canton).await.unwrap(), 1);
    assert_eq!(count(RegionKind::District).await.unwrap(), 10);
    assert_eq!(count(RegionKind::Municipality).await.unwrap(), 106);
    assert_eq!(count(RegionKind::MentoringRegion).await.unwrap(), 5);

    let olten = region::Entity::find()
        .filter(region::Column::Code.eq("2581"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("Olten by BFS number");
    assert_eq!(olten.name, "Olten");
}

#[actix_web::test]
async fn loading_reference_data_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let regions = region::Entity::find().count(&app.db).await.unwrap();
    let edges = region_edge::Entity::find().count(&app.db).await.unwrap();
    let labels = category_label::Entity::find().count(&app.db).await.unwrap();

    let loaded = angebotsplattform::reference::load(&app.db).await.unwrap();
    assert!(loaded.changes().iter().next().is_none(), "nothing to tell");
    let report = app.app.effects.apply(loaded).await;
    assert_eq!(report.created, 0);
    assert_eq!(
        region::Entity::find().count(&app.db).await.unwrap(),
        regions
    );
    assert_eq!(
        region_edge::Entity::find().count(&app.db).await.unwrap(),
        edges
    );
    assert_eq!(
        category_label::Entity::find().count(&app.db).await.unwrap(),
        labels
    );
}

#[actix_web::test]
async fn taxonomy_has_labels_in_the_languages_newcomers_read() {
    let app = TestApp::spawn().await;
    assert_eq!(category::Entity::find().count(&app.db).await.unwrap(), 11);
    // 11 categories in de, fr, it, en and es, pt, tr, uk, ar, fa, sq, so, ti, ta, ru, ku,
    // prs: the languages of the search's term file.
    assert_eq!(
        category_label::Entity::find().count(&app.db).await.unwrap(),
        11 * 17
    );

    let data = app
        .data(
            r#"{ categories(locale: "it") { code label servedLocale children { code label } } }"#,
            json!({}),
        )
        .await;
    let pillars = data["categories"].as_array().unwrap();
    assert_eq!(pillars.len(), 3);
    let education = pillars
        .iter()
        .find(|p| p["code"] == "education-work")
        .unwrap();
    assert_eq!(education["label"], "Formazione e lavoro");
    assert_eq!(education["servedLocale"], "it");
    assert_eq!(education["children"].as_array().unwrap().len(), 3);

    for (accept, locale, label) in [
        ("ti", "ti", "ቋንቋ"),
        ("ar", "ar", "اللغة"),
        ("fa-AF", "fa", "زبان"),
        ("uk", "uk", "Мова"),
        ("ta", "ta", "மொழி"),
        ("so", "so", "Luqadda"),
        ("sq", "sq", "Gjuha"),
        ("pt-BR", "pt", "Língua"),
        ("ru", "ru", "Язык"),
        ("ku", "ku", "Ziman"),
        ("prs", "prs", "زبان"),
        // A language without labels falls back to German, as offer texts do.
        ("am", "de", "Sprache"),
    ] {
        let data = app
            .data(
                &format!(
                    r#"{{ categories(locale: "{accept}") {{ children {{ code label servedLocale }} }} }}"#
                ),
                json!({}),
            )
            .await;
        let language = data["categories"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["children"].as_array().unwrap())
            .find(|c| c["code"] == "language")
            .unwrap();
        assert_eq!(language["label"], label, "{accept}");
        assert_eq!(language["servedLocale"], locale, "{accept}");
    }
}

#[actix_web::test]
async fn a_municipality_lies_in_its_district_which_lies_in_a_mentoring_region() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ region(code: "2581") { name kind parents { code kind parents { code kind } } } }"#,
            json!({}),
        )
        .await;
    let olten = &data["region"];
    assert_eq!(olten["kind"], "MUNICIPALITY");
    let district = &olten["parents"][0];
    assert_eq!(district["code"], "SO-D-OLTEN");
    let mut above: Vec<&str> = district["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    above.sort();
    assert_eq!(above, vec!["SO", "SO-MR-OLTEN-GOESGEN-NIEDERAMT"]);
}
