//! Tells the tests which real servers this run has (`TEST_DATABASE_URL`, `TEST_REDIS_URL`,
//! `TEST_MEILI_URL`), so a test that needs one is reported as ignored, with the variable
//! to set, instead of passing without having run.

fn main() {
    for (variable, flag) in [
        ("TEST_DATABASE_URL", "with_postgres"),
        ("TEST_REDIS_URL", "with_redis"),
        ("TEST_MEILI_URL", "with_meilisearch"),
    ] {
        println!("cargo::rerun-if-env-changed={variable}");
        println!("cargo::rustc-check-cfg=cfg({flag})");
        let set = std::env::var(variable).is_ok_and(|value| !value.trim().is_empty());
        if set {
            println!("cargo::rustc-cfg={flag}");
        }
    }
}
