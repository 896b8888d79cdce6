//! Start-up failures are one clear line, not a panic.

use angebotsplattform::config::Cli;
use clap::Parser;

async fn start_error(args: &[&str]) -> String {
    let cli = Cli::try_parse_from(args).unwrap();
    let err = angebotsplattform::run_cli(cli).await.unwrap_err();
    err.to_string()
}

#[actix_web::test]
async fn an_unreachable_database_is_one_line() {
    let dir = std::env::temp_dir().join(format!("startup-{}", uuid::Uuid::new_v4().simple()));
    let message = start_error(&[
        "angebotsplattform",
        "--data-dir",
        dir.to_str().unwrap(),
        "--database-url",
        "postgres://nobody@127.0.0.1:1/none",
        "--db-connect-timeout-secs",
        "1",
        "migrate",
    ])
    .await;
    assert!(
        message.starts_with("cannot connect to the database"),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
}

#[actix_web::test]
async fn an_unsupported_database_url_is_refused() {
    let message = start_error(&[
        "angebotsplattform",
        "--database-url",
        "mysql://somewhere/db",
        "migrate",
    ])
    .await;
    assert!(message.contains("unsupported DATABASE_URL"), "{message}");
}

#[test]
fn a_bad_setting_is_a_clear_parse_error() {
    let err = Cli::try_parse_from(["angebotsplattform", "--listen", "not-an-address"]).unwrap_err();
    assert!(err.to_string().contains("--listen"), "{err}");
}

#[actix_web::test]
async fn production_without_a_token_secret_does_not_start() {
    let dir = std::env::temp_dir().join(format!("startup-{}", uuid::Uuid::new_v4().simple()));
    let message = start_error(&[
        "angebotsplattform",
        "--data-dir",
        dir.to_str().unwrap(),
        "--mode",
        "production",
        "--seed-demo-when-empty",
        "false",
        "serve",
    ])
    .await;
    assert_eq!(message, "JWT_SECRET must be set in production mode (HS256)");
    assert!(!dir.join("jwt-secret").exists());
    std::fs::remove_dir_all(dir).ok();
}
