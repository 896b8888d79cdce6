//! The search conformance suite: the same checks against every `SearchIndex`, each as a
//! test per engine. The embedded engine always runs; Meilisearch runs when `TEST_MEILI_URL`
//! is set and is reported as ignored otherwise.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use angebotsplattform::search::embedded::EmbeddedIndex;
use angebotsplattform::search::meili::{MeiliConfig, MeiliIndex};
use angebotsplattform::search::terms::Thesaurus;
use angebotsplattform::search::{
    Facet, Near, OfferDocument, SearchFilter, SearchIndex, SearchRequest, SearchSort,
};
use chrono::{Duration, NaiveDate, Utc};
use uuid::Uuid;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A document with defaults a test overrides.
fn doc(title: &str) -> OfferDocument {
    OfferDocument {
        id: Uuid::now_v7(),
        provider_id: Uuid::nil(),
        titles: vec![title.to_owned()],
        bodies: vec![],
        category_labels: vec![],
        context: vec![],
        categories: vec!["language".into(), "education-work".into()],
        regions: vec![],
        districts: vec!["SO-D-OLTEN".into()],
        instruction_languages: vec!["de".into()],
        level: None,
        cost: "FREE".into(),
        childcare: false,
        online: false,
        weekdays: vec![1],
        times_of_day: vec!["MORNING".into()],
        starts_on: today() + Duration::days(10),
        valid_until: None,
        updated_at: Utc::now(),
        point: Some((47.35, 7.90)),
    }
}

fn request(text: &str) -> SearchRequest {
    SearchRequest {
        text: text.to_owned(),
        limit: 20,
        today: today(),
        ..SearchRequest::default()
    }
}

async fn titles(
    index: &dyn SearchIndex,
    docs: &[OfferDocument],
    request: SearchRequest,
) -> Vec<String> {
    let results = index.search(request).await.unwrap();
    results
        .hits
        .iter()
        .map(|h| docs.iter().find(|d| d.id == h.id).unwrap().titles[0].clone())
        .collect()
}

/// The embedded engine, in memory.
fn embedded() -> Arc<dyn SearchIndex> {
    Arc::new(EmbeddedIndex::in_memory(Thesaurus::shipped().unwrap()).unwrap())
}

/// Meilisearch at `TEST_MEILI_URL` (`TEST_MEILI_API_KEY` its key, if it needs one), with a
/// fresh index.
fn meilisearch() -> Arc<dyn SearchIndex> {
    let url = std::env::var("TEST_MEILI_URL").unwrap();
    let config = MeiliConfig {
        url: url.trim().to_owned(),
        api_key: std::env::var("TEST_MEILI_API_KEY").ok(),
        index: format!("conformance_{}", Uuid::now_v7().simple()),
        task_timeout: StdDuration::from_secs(60),
        max_total_hits: 10_000,
    };
    Arc::new(MeiliIndex::new(config, Thesaurus::shipped().unwrap()).unwrap())
}

/// Each check runs as two tests: on the embedded engine, and on Meilisearch (reported as
/// ignored unless `TEST_MEILI_URL` names a server).
macro_rules! on_every_engine {
    ($($check:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test]
                async fn $check() {
                    super::$check(super::embedded()).await;
                }
            )*
        }

        mod meilisearch {
            $(
                #[tokio::test]
                #[cfg_attr(
                    not(with_meilisearch),
                    ignore = "needs a Meilisearch server: set TEST_MEILI_URL"
                )]
                async fn $check() {
                    super::$check(super::meilisearch()).await;
                }
            )*
        }
    };
}

on_every_engine!(
    words_typos_compounds_concepts_and_diacritics,
    filters_facets_geo_sort_and_pages,
    updates_deletes_suggestions_and_corrections,
    a_rebuild_replaces_the_documents_at_once,
    only_the_facets_asked_for_are_counted,
    pages_of_a_large_result_follow_one_order_whatever_the_sort,
    facets_count_every_match_of_a_large_result,
    words_of_every_script_are_found_whole,
    compounds_are_found_solid_split_and_with_typos,
    a_concept_named_by_a_category_outranks_one_in_a_description,
);

fn corpus() -> Vec<OfferDocument> {
    let mut german = doc("Deutschkurs A1 am Morgen");
    german.level = Some("A1".into());
    german.childcare = true;
    let mut evening = doc("Deutsch Kurs für Berufstätige");
    evening.times_of_day = vec!["EVENING".into()];
    evening.weekdays = vec![3];
    evening.level = Some("B1".into());
    evening.cost = "PAID".into();
    evening.starts_on = today() + Duration::days(3);
    evening.point = Some((47.21, 7.54));
    evening.districts = vec!["SO-D-SOLOTHURN".into()];
    let mut cafe = doc("Treffpunkt Zürich-Strasse");
    cafe.categories = vec!["living-together".into(), "understanding-integration".into()];
    cafe.bodies = vec!["Begegnung für Frauen und Kinder".into()];
    cafe.instruction_languages = vec![];
    cafe.point = None;
    let mut ended = doc("Deutschkurs vom letzten Jahr");
    ended.valid_until = Some(today() - Duration::days(1));
    let mut far = doc("Deutschkurs in Basel");
    far.point = Some((47.56, 7.59));
    far.districts = vec![];
    vec![german, evening, cafe, ended, far]
}

async fn words_typos_compounds_concepts_and_diacritics(index: Arc<dyn SearchIndex>) {
    let docs = corpus();
    index.upsert(docs.clone()).await.unwrap();
    let hits = titles(&*index, &docs, request("Deutschkurz")).await;
    assert!(
        hits.contains(&"Deutschkurs A1 am Morgen".to_owned()),
        "{}: typo {hits:?}",
        index.name()
    );
    let hits = titles(&*index, &docs, request("Deutschkurs")).await;
    assert!(
        hits.contains(&"Deutsch Kurs für Berufstätige".to_owned()),
        "compound → parts {hits:?}"
    );
    let hits = titles(&*index, &docs, request("deutsch kurs")).await;
    assert!(
        hits.contains(&"Deutschkurs A1 am Morgen".to_owned()),
        "parts → compound {hits:?}"
    );
    for query in [
        "german course",
        "cours d'allemand",
        "دورة اللغة الألمانية",
        "ትምህርቲ ጀርመን",
        "almanca kursu",
    ] {
        let hits = titles(&*index, &docs, request(query)).await;
        assert!(
            hits.contains(&"Deutschkurs A1 am Morgen".to_owned()),
            "{query}: {hits:?}"
        );
    }
    let hits = titles(&*index, &docs, request("Zurich")).await;
    assert_eq!(hits, ["Treffpunkt Zürich-Strasse"], "diacritics fold");
    let hits = titles(&*index, &docs, request("frauen")).await;
    assert_eq!(hits, ["Treffpunkt Zürich-Strasse"], "bodies are searched");
    let hits = titles(&*index, &docs, request("letzten Jahr")).await;
    assert!(hits.is_empty(), "ended offers are hidden: {hits:?}");
}

async fn filters_facets_geo_sort_and_pages(index: Arc<dyn SearchIndex>) {
    let docs = corpus();
    index.upsert(docs.clone()).await.unwrap();
    let mut filtered = request("deutsch");
    filtered.filter = SearchFilter {
        levels: vec!["A1".into()],
        childcare: Some(true),
        ..SearchFilter::default()
    };
    assert_eq!(
        titles(&*index, &docs, filtered).await,
        ["Deutschkurs A1 am Morgen"]
    );

    let mut evening = request("");
    evening.filter.times_of_day = vec!["EVENING".into()];
    evening.filter.weekdays = vec![3];
    assert_eq!(
        titles(&*index, &docs, evening).await,
        ["Deutsch Kurs für Berufstätige"]
    );

    // Facets count the whole result, not the page.
    let mut page = request("deutsch");
    page.limit = 1;
    page.facets = Facet::ALL.to_vec();
    let results = index.search(page).await.unwrap();
    assert_eq!(results.total, 3);
    assert_eq!(results.hits.len(), 1);
    assert_eq!(results.facets[&Facet::Level]["A1"], 1);
    assert_eq!(results.facets[&Facet::Level]["B1"], 1);
    assert_eq!(results.facets[&Facet::Cost]["FREE"], 2);
    assert_eq!(results.facets[&Facet::District]["SO-D-OLTEN"], 1);
    assert_eq!(results.facets[&Facet::TimeOfDay]["EVENING"], 1);

    // Around Olten within 10 km: Basel (about 25 km) and Solothurn (about 28 km) are out.
    let mut near = request("deutsch");
    near.near = Some(Near {
        lat: 47.35,
        lon: 7.90,
        radius_km: 10.0,
    });
    near.sort = SearchSort::Distance;
    let results = index.search(near).await.unwrap();
    assert_eq!(results.total, 1);
    assert!(results.hits[0].distance_km.unwrap() < 1.0);

    let mut soonest = request("deutsch");
    soonest.sort = SearchSort::StartDate;
    let hits = titles(&*index, &docs, soonest).await;
    assert_eq!(hits[0], "Deutsch Kurs für Berufstätige");

    // Pages do not overlap and cover the result.
    let mut seen = Vec::new();
    for offset in 0..3 {
        let mut one = request("deutsch");
        one.limit = 1;
        one.offset = offset;
        seen.extend(
            index
                .search(one)
                .await
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.id),
        );
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3);
}

async fn updates_deletes_suggestions_and_corrections(index: Arc<dyn SearchIndex>) {
    let mut docs = corpus();
    index.upsert(docs.clone()).await.unwrap();
    assert_eq!(index.count().await.unwrap(), 5);
    docs[0].titles = vec!["Alphabetisierung für Mütter".into()];
    index.upsert(vec![docs[0].clone()]).await.unwrap();
    assert_eq!(index.count().await.unwrap(), 5, "an upsert replaces");
    let hits = titles(&*index, &docs, request("literacy")).await;
    assert_eq!(hits, ["Alphabetisierung für Mütter"]);
    index.delete(vec![docs[0].id]).await.unwrap();
    assert!(
        titles(&*index, &docs, request("Alphabetisierung"))
            .await
            .is_empty()
    );

    let suggested = index.suggest("treffp".into(), 5, today()).await.unwrap();
    assert_eq!(suggested, [docs[2].id]);

    let results = index.search(request("Tréffpunkkt Zurch")).await.unwrap();
    assert!(results.total > 0, "typos within budget still match");
    // Short words forgive no typo, but a correction is offered when nothing matches.
    let results = index.search(request("Kurz")).await.unwrap();
    assert_eq!(results.total, 0);
    assert_eq!(results.corrected.as_deref(), Some("kurs"));
    index.clear().await.unwrap();
    assert_eq!(index.count().await.unwrap(), 0);
}

async fn a_rebuild_replaces_the_documents_at_once(index: Arc<dyn SearchIndex>) {
    let docs = corpus();
    index.upsert(docs.clone()).await.unwrap();
    let fresh = doc("Nähkurs für Anfängerinnen");
    let mut rebuild = index.rebuild().await.unwrap();
    rebuild.add(vec![fresh.clone()]).await.unwrap();
    assert_eq!(
        titles(&*index, &docs, request("Treffpunkt")).await,
        ["Treffpunkt Zürich-Strasse"],
        "{}: searches answer from the old documents during a rebuild",
        index.name()
    );
    rebuild.finish().await.unwrap();
    assert_eq!(index.count().await.unwrap(), 1);
    let hits = index.search(request("Nähkurs")).await.unwrap().hits;
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [fresh.id]);
    assert!(
        index
            .search(request("Treffpunkt"))
            .await
            .unwrap()
            .hits
            .is_empty()
    );

    // An abandoned rebuild changes nothing.
    let rebuild = index.rebuild().await.unwrap();
    drop(rebuild);
    assert_eq!(index.count().await.unwrap(), 1);
}

async fn only_the_facets_asked_for_are_counted(index: Arc<dyn SearchIndex>) {
    let docs = corpus();
    index.upsert(docs.clone()).await.unwrap();
    let mut some = request("deutsch");
    some.facets = vec![Facet::Level, Facet::Cost];
    let results = index.search(some).await.unwrap();
    let counted: Vec<Facet> = results.facets.keys().copied().collect();
    assert_eq!(counted, [Facet::Level, Facet::Cost], "{}", index.name());
    assert_eq!(results.facets[&Facet::Cost]["FREE"], 2);
    let none = index.search(request("deutsch")).await.unwrap();
    assert!(none.facets.is_empty(), "{}", index.name());
    assert_eq!(none.total, 3);
}

/// Many documents with equal scores and dates: every order, paged in sevens, gives the same
/// sequence as one page holding everything, and the total counts every match.
async fn pages_of_a_large_result_follow_one_order_whatever_the_sort(index: Arc<dyn SearchIndex>) {
    let docs: Vec<OfferDocument> = (0..150)
        .map(|i| {
            let mut d = doc(if i % 3 == 0 {
                "Deutschkurs Deutschkurs am Abend"
            } else {
                "Deutschkurs am Abend"
            });
            d.starts_on = today() + Duration::days(i64::from(i % 5));
            d.point = Some((47.35 + f64::from(i % 4) * 0.01, 7.90));
            d
        })
        .collect();
    index.upsert(docs).await.unwrap();
    for sort in [
        SearchSort::Relevance,
        SearchSort::StartDate,
        SearchSort::Distance,
    ] {
        for text in ["deutschkurs", ""] {
            let ask = |offset: usize, limit: usize| {
                let mut one = request(text);
                one.sort = sort;
                one.offset = offset;
                one.limit = limit;
                one.near = Some(Near {
                    lat: 47.35,
                    lon: 7.90,
                    radius_km: 50.0,
                });
                one
            };
            let whole = index.search(ask(0, 150)).await.unwrap();
            assert_eq!(whole.total, 150, "{} {sort:?} {text:?}", index.name());
            let whole: Vec<Uuid> = whole.hits.iter().map(|h| h.id).collect();
            let mut paged = Vec::new();
            for offset in (0..150).step_by(7) {
                let page = index.search(ask(offset, 7)).await.unwrap();
                assert_eq!(page.total, 150);
                paged.extend(page.hits.iter().map(|h| h.id));
            }
            assert_eq!(paged, whole, "{} {sort:?} {text:?}", index.name());
        }
    }
}

/// Facet counts over hundreds of matches, with several values per document (categories,
/// districts) and values some documents lack (levels), equal counts made by hand.
async fn facets_count_every_match_of_a_large_result(index: Arc<dyn SearchIndex>) {
    let levels = ["A1", "A2", "B1"];
    let docs: Vec<OfferDocument> = (0..700)
        .map(|i| {
            let mut d = doc(if i % 5 == 0 {
                "Treffpunkt"
            } else {
                "Deutschkurs"
            });
            d.level = (i % 4 != 0).then(|| levels[i % 3].to_owned());
            d.categories = if i % 2 == 0 {
                vec!["language".into()]
            } else {
                vec!["language".into(), "education-work".into()]
            };
            d.districts = (0..i % 3).map(|k| format!("SO-D-{k}")).collect();
            d.cost = if i % 7 == 0 { "PAID" } else { "FREE" }.into();
            d
        })
        .collect();
    index.upsert(docs.clone()).await.unwrap();
    let mut ask = request("deutschkurs");
    ask.facets = vec![Facet::Level, Facet::Category, Facet::District, Facet::Cost];
    let results = index.search(ask).await.unwrap();
    let matching: Vec<&OfferDocument> = docs
        .iter()
        .filter(|d| d.titles[0] == "Deutschkurs")
        .collect();
    assert_eq!(results.total, matching.len() as u64, "{}", index.name());
    // Each facet, the values to check, and a document's values of it.
    type ValuesOf = fn(&OfferDocument) -> Vec<String>;
    let checks: [(Facet, &[&str], ValuesOf); 4] = [
        (Facet::Level, &levels, |d| {
            d.level.clone().into_iter().collect()
        }),
        (Facet::Category, &["language", "education-work"], |d| {
            d.categories.clone()
        }),
        (Facet::District, &["SO-D-0", "SO-D-1"], |d| {
            d.districts.clone()
        }),
        (Facet::Cost, &["FREE", "PAID"], |d| vec![d.cost.clone()]),
    ];
    for (facet, values, values_of) in checks {
        for value in values {
            let expected = matching
                .iter()
                .filter(|d| values_of(d).iter().any(|v| v == value))
                .count() as u64;
            assert_eq!(
                results.facets[&facet][*value],
                expected,
                "{} {facet:?} {value}",
                index.name()
            );
        }
    }
}

/// Words written with combining marks (Tamil's and Devanagari's vowel signs and viramas) are
/// found whole, typed composed or not; a Persian word with or without its zero-width
/// non-joiner is the same word.
async fn words_of_every_script_are_found_whole(index: Arc<dyn SearchIndex>) {
    let docs = vec![
        doc("ஜெர்மன் மொழி வகுப்பு"),
        doc("जर्मन भाषा कक्षा"),
        doc("کلاس زبان آلمانی برای می\u{200C}خواهم"),
        doc("Deutschkurs A1"),
    ];
    // "மொழி" (language) also names the concept "language course", which the Persian
    // "language class" names: the word as written comes first, and no German course.
    let cases = [
        ("மொழி", "ஜெர்மன் மொழி வகுப்பு"),
        ("வகுப்பு", "ஜெர்மன் மொழி வகுப்பு"),
        ("भाषा", "जर्मन भाषा कक्षा"),
        ("میخواهم", "کلاس زبان آلمانی برای می\u{200C}خواهم"),
    ];
    for found in first_hits_are(&*index, &docs, &cases).await {
        assert!(
            !found.iter().any(|t| t == "Deutschkurs A1"),
            "{}",
            index.name()
        );
    }
}

/// Upserts `docs`, runs each query and checks its first hit; the titles found, per query.
async fn first_hits_are(
    index: &dyn SearchIndex,
    docs: &[OfferDocument],
    cases: &[(&str, &str)],
) -> Vec<Vec<String>> {
    index.upsert(docs.to_vec()).await.unwrap();
    let mut all = Vec::new();
    for (query, expected) in cases {
        let found = titles(index, docs, request(query)).await;
        assert_eq!(
            found.first().map(String::as_str),
            Some(*expected),
            "{} {query}",
            index.name()
        );
        all.push(found);
    }
    all
}

/// A hyphenated compound is found typed solid, with a typo too, and a solid compound by a
/// misspelt part.
async fn compounds_are_found_solid_split_and_with_typos(index: Arc<dyn SearchIndex>) {
    let docs = vec![
        doc("Eltern-Kind-Treff Olten"),
        doc("Alphabetisierungskurs für Frauen"),
        doc("Treffpunkt am Abend"),
    ];
    let cases = [
        ("Elternkindtreff", "Eltern-Kind-Treff Olten"),
        ("Elternkindtref", "Eltern-Kind-Treff Olten"),
        ("Eltern Kind Treff", "Eltern-Kind-Treff Olten"),
        ("Alphabetiserung", "Alphabetisierungskurs für Frauen"),
        ("Alphabetisierung", "Alphabetisierungskurs für Frauen"),
    ];
    first_hits_are(&*index, &docs, &cases).await;
}

/// The embedded index records which concepts each document names; opened with another
/// term file, it starts empty so that the indexer fills it again, and with the same term
/// file it keeps its documents.
#[tokio::test]
async fn an_index_written_under_other_terms_is_filled_again() {
    let dir = std::env::temp_dir().join(format!("terms-{}", Uuid::now_v7()));
    let shipped = || Thesaurus::shipped().unwrap();
    {
        let index = EmbeddedIndex::open(&dir, shipped()).unwrap();
        index.upsert(corpus()).await.unwrap();
        assert_eq!(index.count().await.unwrap(), 5);
    }
    {
        let index = EmbeddedIndex::open(&dir, shipped()).unwrap();
        assert_eq!(index.count().await.unwrap(), 5);
        let found = index.search(request("German course")).await.unwrap();
        assert_eq!(found.total, 3);
    }
    let other =
        Thesaurus::parse("concept,locale,terms\ngerman-course,en,german lessons\n").unwrap();
    let index = EmbeddedIndex::open(&dir, other).unwrap();
    assert_eq!(index.count().await.unwrap(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Meilisearch documents record the concepts their texts named too: an index set up again
/// with the same terms keeps its documents, one set up with other terms is emptied for the
/// indexer to fill again.
#[tokio::test]
#[cfg_attr(
    not(with_meilisearch),
    ignore = "needs a Meilisearch server: set TEST_MEILI_URL"
)]
async fn a_meilisearch_index_written_under_other_terms_is_filled_again() {
    let config = MeiliConfig {
        url: std::env::var("TEST_MEILI_URL").unwrap().trim().to_owned(),
        api_key: std::env::var("TEST_MEILI_API_KEY").ok(),
        index: format!("terms_{}", Uuid::now_v7().simple()),
        task_timeout: StdDuration::from_secs(60),
        max_total_hits: 10_000,
    };
    let shipped = || Thesaurus::shipped().unwrap();
    let first = MeiliIndex::new(config.clone(), shipped()).unwrap();
    first.upsert(corpus()).await.unwrap();
    assert_eq!(first.count().await.unwrap(), 5);
    let again = MeiliIndex::new(config.clone(), shipped()).unwrap();
    again.prepare().await.unwrap();
    assert_eq!(again.count().await.unwrap(), 5);
    assert_eq!(
        again.search(request("German course")).await.unwrap().total,
        3
    );
    let other =
        Thesaurus::parse("concept,locale,terms\ngerman-course,en,german lessons\n").unwrap();
    let edited = MeiliIndex::new(config, other).unwrap();
    edited.prepare().await.unwrap();
    assert_eq!(edited.count().await.unwrap(), 0);
    edited.clear().await.unwrap();
}

/// Searches beyond the engine's slots wait for one, and every one is answered.
#[tokio::test]
async fn searches_beyond_the_slots_wait_and_are_all_answered() {
    let index = Arc::new(
        EmbeddedIndex::in_memory(Thesaurus::shipped().unwrap())
            .unwrap()
            .searching_at_once(1),
    );
    let docs = corpus();
    index.upsert(docs.clone()).await.unwrap();
    let searches: Vec<_> = (0..16)
        .map(|_| {
            let index = index.clone();
            tokio::spawn(async move { index.search(request("deutsch")).await.unwrap().total })
        })
        .collect();
    for search in searches {
        assert_eq!(search.await.unwrap(), 3);
    }
}

/// Other forms of a word are found by their stem, below the form typed, in the scripts the
/// embedded engine has stemmers for: "Frau" finds "Frauen", "families" finds "Family",
/// "курсов" finds "Курсы". (Meilisearch does not stem; it finds these by its typo rules
/// where they reach.)
#[tokio::test]
async fn inflected_forms_are_found_by_their_stem() {
    let index = embedded();
    let docs = vec![
        doc("Treffpunkt für Frauen und Kinder"),
        doc("Family counselling"),
        doc("Курсы для взрослых"),
        doc("Frau Müllers Nähcafé"),
    ];
    index.upsert(docs.clone()).await.unwrap();
    for (query, expected) in [
        ("Kind", vec!["Treffpunkt für Frauen und Kinder"]),
        ("families", vec!["Family counselling"]),
        ("курсов", vec!["Курсы для взрослых"]),
        // The form typed first, then the other forms.
        (
            "Frau",
            vec!["Frau Müllers Nähcafé", "Treffpunkt für Frauen und Kinder"],
        ),
    ] {
        let found = titles(&*index, &docs, request(query)).await;
        assert_eq!(found, expected, "{query}");
    }
}

/// What an offer is (its title, its category) outranks what its description mentions: an
/// offer in the category "Beratung" comes before one whose description offers "Beratung"
/// on the side, for a query naming counselling in another language.
async fn a_concept_named_by_a_category_outranks_one_in_a_description(index: Arc<dyn SearchIndex>) {
    let mut mentioned = doc("Kaffee am Montag");
    mentioned.bodies = vec!["Mit Beratung für alle, die Fragen haben".into()];
    let mut categorised = doc("Treffpunkt am Montag");
    categorised.category_labels = vec!["Beratung".into(), "Conseil".into()];
    let docs = vec![mentioned, categorised];
    index.upsert(docs.clone()).await.unwrap();
    let found = titles(&*index, &docs, request("counselling")).await;
    assert_eq!(
        found,
        ["Treffpunkt am Montag", "Kaffee am Montag"],
        "{}",
        index.name()
    );
}
