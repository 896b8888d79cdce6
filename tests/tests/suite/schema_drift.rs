//! `schema.graphql` must match the schema the code builds.

#[test]
fn exported_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let current = angebotsplattform::graphql::sdl();
    assert!(
        committed == current,
        "schema.graphql is stale: run `cargo run -- export-schema --out schema.graphql`"
    );
}
