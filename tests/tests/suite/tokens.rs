//! Access tokens: every forged, stale or misdirected token is refused with 401, and key
//! rotation keeps tokens of the old key valid; live sign-ins are served from memory and an
//! ended one is refused at once.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tests::TestApp;

/// The query every token is tried with.
const ME: &str = "{ me { role } }";

/// The app's HS256 test secret, as text.
fn expose(settings: &angebotsplattform::config::Settings) -> String {
    settings
        .auth
        .jwt_secret
        .as_ref()
        .map(|s| s.expose_secret().to_owned())
        .unwrap_or_default()
}

async fn status_of(app: &TestApp, token: &str) -> u16 {
    let request = actix_web::test::TestRequest::post()
        .uri("/graphql")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .set_json(json!({ "query": ME }));
    let reply = app.request(request).await;
    if reply.status.as_u16() == 401 {
        assert_eq!(
            reply.body["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
        assert!(reply.headers.contains_key("www-authenticate"));
    }
    reply.status.as_u16()
}

fn claims(app: &TestApp, account: uuid::Uuid, session: uuid::Uuid) -> Value {
    let now = Utc::now().timestamp();
    json!({
        "sub": account.to_string(),
        "sid": session.to_string(),
        "iss": app.app.settings.auth.jwt_issuer,
        "aud": app.app.settings.auth.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    })
}

fn sign_hs(secret: &str, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

#[tokio::test]
async fn forged_stale_and_misdirected_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    assert_eq!(
        status_of(&app, &admin.token).await,
        200,
        "a good token passes"
    );
    let secret = expose(&app.app.settings);
    let kid = kid_of(&admin.token);
    let good = claims(&app, admin.account_id, admin.session_id);

    // The right key signs the claims below, so only the claim under test is wrong.
    assert_eq!(status_of(&app, &sign_hs(&secret, &kid, &good)).await, 200);

    let bad_signature = sign_hs("another secret of at least thirty-two bytes", &kid, &good);
    assert_eq!(status_of(&app, &bad_signature).await, 401, "bad signature");

    let none_header =
        URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "JWT", "kid": kid }).to_string());
    let body = URL_SAFE_NO_PAD.encode(good.to_string());
    assert_eq!(
        status_of(&app, &format!("{none_header}.{body}.")).await,
        401,
        "alg none"
    );

    let mut expired = good.clone();
    expired["exp"] = json!(Utc::now().timestamp() - 120);
    assert_eq!(
        status_of(&app, &sign_hs(&secret, &kid, &expired)).await,
        401,
        "expired"
    );

    let mut early = good.clone();
    early["nbf"] = json!(Utc::now().timestamp() + 600);
    assert_eq!(
        status_of(&app, &sign_hs(&secret, &kid, &early)).await,
        401,
        "not yet valid"
    );

    let mut audience = good.clone();
    audience["aud"] = json!("another-api");
    assert_eq!(
        status_of(&app, &sign_hs(&secret, &kid, &audience)).await,
        401,
        "wrong aud"
    );

    let mut issuer = good.clone();
    issuer["iss"] = json!("someone-else");
    assert_eq!(
        status_of(&app, &sign_hs(&secret, &kid, &issuer)).await,
        401,
        "wrong iss"
    );

    for claim in ["exp", "iss", "aud", "sub"] {
        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove(claim);
        assert_eq!(
            status_of(&app, &sign_hs(&secret, &kid, &missing)).await,
            401,
            "no {claim}"
        );
    }

    assert_eq!(
        status_of(&app, &sign_hs(&secret, "unknown-kid", &good)).await,
        401,
        "unknown kid"
    );
    let mut no_kid = Header::new(Algorithm::HS256);
    no_kid.kid = None;
    let kidless =
        jsonwebtoken::encode(&no_kid, &good, &EncodingKey::from_secret(secret.as_bytes())).unwrap();
    assert_eq!(status_of(&app, &kidless).await, 401, "no kid");

    assert_eq!(status_of(&app, "not-a-jwt").await, 401, "garbage");
}

#[tokio::test]
async fn a_signed_out_session_ends_its_access_tokens() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    assert_eq!(status_of(&app, &admin.token).await, 200);
    let out = app
        .data_as(Some(&admin.token), "mutation { logout }", json!({}))
        .await;
    assert_eq!(out["logout"], true);
    assert_eq!(status_of(&app, &admin.token).await, 401, "revoked");
}

/// An Ed25519 key pair written to the test's data directory: (private, public) paths.
fn ed25519_files(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut seed = [0u8; 32];
    seed[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    seed[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    let key = SigningKey::from_bytes(&seed);
    std::fs::create_dir_all(dir).unwrap();
    let private = dir.join(format!("{name}.key.pem"));
    let public = dir.join(format!("{name}.pub.pem"));
    std::fs::write(
        &private,
        key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
    )
    .unwrap();
    std::fs::write(
        &public,
        key.verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    )
    .unwrap();
    (private, public)
}

#[tokio::test]
async fn eddsa_tokens_and_key_rotation() {
    let mut app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("keys-{}", uuid::Uuid::new_v4().simple()));
    let (old_private, old_public) = ed25519_files(&dir, "old");
    app.reconfigure(|s| {
        s.auth.jwt_algorithm = angebotsplattform::config::JwtAlgorithm::EdDsa;
        s.auth.jwt_private_key_file = Some(old_private.clone());
        s.auth.jwt_public_key_file = Some(old_public.clone());
        s.auth.jwt_key_id = Some("2026-11".into());
    });
    let admin = app.admin().await;
    assert_eq!(kid_of(&admin.token), "2026-11");
    assert_eq!(
        jsonwebtoken::decode_header(&admin.token).unwrap().alg,
        Algorithm::EdDSA
    );
    assert_eq!(status_of(&app, &admin.token).await, 200);

    // Algorithm confusion: an HS256 token "signed" with the public key as the HMAC secret.
    let public_pem = std::fs::read_to_string(&old_public).unwrap();
    let good = claims(&app, admin.account_id, admin.session_id);
    let confused = sign_hs(&public_pem, "2026-11", &good);
    assert_eq!(
        status_of(&app, &confused).await,
        401,
        "HS256 against an EdDSA key"
    );

    // Rotation: a new signing key, the old one kept for verification only.
    let (new_private, new_public) = ed25519_files(&dir, "new");
    app.reconfigure(|s| {
        s.auth.jwt_private_key_file = Some(new_private.clone());
        s.auth.jwt_public_key_file = Some(new_public.clone());
        s.auth.jwt_key_id = Some("2026-12".into());
        s.auth.jwt_verify_keys = vec![format!("2026-11={}", old_public.display())];
    });
    assert_eq!(
        status_of(&app, &admin.token).await,
        200,
        "old tokens stay valid"
    );
    let fresh = app.admin().await;
    assert_eq!(kid_of(&fresh.token), "2026-12");
    assert_eq!(status_of(&app, &fresh.token).await, 200);

    // Once the old key is dropped, its tokens stop working.
    app.reconfigure(|s| s.auth.jwt_verify_keys = vec![]);
    assert_eq!(status_of(&app, &admin.token).await, 401, "retired key");
    assert_eq!(status_of(&app, &fresh.token).await, 200);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn hs256_rotation_keeps_old_tokens() {
    let mut app = TestApp::spawn().await;
    let admin = app.admin().await;
    let old_secret = expose(&app.app.settings);
    let old_kid = kid_of(&admin.token);
    let dir = std::env::temp_dir().join(format!("keys-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let old_file = dir.join("old-secret");
    std::fs::write(&old_file, format!("{old_secret}\n")).unwrap();
    app.reconfigure(|s| {
        s.auth.jwt_secret = Some(
            "the next secret, also of at least 32 bytes"
                .to_owned()
                .into(),
        );
        s.auth.jwt_key_id = None;
        s.auth.jwt_verify_keys = vec![format!("{old_kid}={}", old_file.display())];
    });
    assert_eq!(status_of(&app, &admin.token).await, 200);
    let fresh = app.admin().await;
    assert_ne!(kid_of(&fresh.token), old_kid);
    assert_eq!(status_of(&app, &fresh.token).await, 200);
    std::fs::remove_dir_all(dir).ok();
}

/// The statements of one request that read the sign-in or the account's scopes.
async fn sign_in_statements(app: &TestApp, token: &str) -> Vec<String> {
    let mark = app.statements();
    assert_eq!(status_of(app, token).await, 200);
    app.statements_since(mark)
        .into_iter()
        .filter(|sql| sql.contains("refresh_token") || sql.contains("account_scope"))
        .collect()
}

/// Signs an administrator in with a password: (access token, refresh token).
async fn signed_in_admin(app: &TestApp) -> (String, String) {
    const PASSWORD: &str = "correct horse battery staple";
    angebotsplattform::service::account::create_admin(
        &app.db,
        &app.app.settings,
        "admin@example.org",
        "Kanton",
        PASSWORD,
    )
    .await
    .unwrap();
    let login = app
        .data(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }",
            json!({ "e": "admin@example.org", "p": PASSWORD }),
        )
        .await;
    let text = |field: &str| login["login"][field].as_str().unwrap().to_owned();
    (text("accessToken"), text("refreshToken"))
}

const REFRESH: &str =
    "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }";

#[tokio::test]
async fn a_live_sign_in_is_served_from_memory_and_its_end_is_seen_at_once() {
    let app = TestApp::spawn().await;
    let (access, refresh) = signed_in_admin(&app).await;
    assert!(!sign_in_statements(&app, &access).await.is_empty());
    assert_eq!(
        sign_in_statements(&app, &access).await,
        Vec::<String>::new(),
        "the second request reads neither the sign-in nor the scopes"
    );

    // Signed out through its refresh token by a client that sends no access token.
    let out = app
        .data(
            "mutation($t: String) { logout(refreshToken: $t) }",
            json!({ "t": refresh }),
        )
        .await;
    assert_eq!(out["logout"], true);
    assert_eq!(status_of(&app, &access).await, 401, "ended at once");
}

#[tokio::test]
async fn a_reused_refresh_token_ends_remembered_access_tokens_at_once() {
    let app = TestApp::spawn().await;
    let (access, refresh) = signed_in_admin(&app).await;
    assert_eq!(status_of(&app, &access).await, 200);
    let first = app.data(REFRESH, json!({ "t": refresh })).await;
    let rotated = first["refreshSession"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(status_of(&app, &rotated).await, 200);
    let reused = app.graphql(REFRESH, json!({ "t": refresh })).await;
    assert_eq!(tests::error_code(&reused), Some("UNAUTHENTICATED"));
    assert_eq!(status_of(&app, &access).await, 401);
    assert_eq!(status_of(&app, &rotated).await, 401);
}

#[tokio::test]
async fn an_account_disabled_beside_the_platform_is_refused_within_the_session_cache_window() {
    use entity::types::AccountStatus;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

    let app = TestApp::spawn_with(|s| s.auth.session_cache_secs = 1).await;
    let (access, _) = signed_in_admin(&app).await;
    assert_eq!(status_of(&app, &access).await, 200);
    entity::user_account::Entity::update_many()
        .col_expr(
            entity::user_account::Column::Status,
            Expr::value(AccountStatus::Disabled),
        )
        .filter(entity::user_account::Column::Email.eq("admin@example.org"))
        .exec(&app.db)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_300)).await;
    assert_eq!(status_of(&app, &access).await, 401);

    // Without a window every request asks the database.
    let app = TestApp::spawn_with(|s| s.auth.session_cache_secs = 0).await;
    let (access, _) = signed_in_admin(&app).await;
    assert_eq!(status_of(&app, &access).await, 200);
    assert!(!sign_in_statements(&app, &access).await.is_empty());
}
