//! Signing in, refreshing, signing out, invitations and sign-in throttling.

use angebotsplattform::service::account;
use entity::{audit_log, user_account};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tests::{TestApp, error_code};

const PASSWORD: &str = "correct horse battery staple";
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken accessTokenExpiresAt account { email role } } }";
const REFRESH: &str =
    "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }";

async fn with_admin(app: &TestApp, email: &str) {
    account::create_admin(&app.db, &app.app.settings, email, "Kanton", PASSWORD)
        .await
        .unwrap();
}

#[tokio::test]
async fn login_refresh_rotation_and_reuse_detection() {
    let app = TestApp::spawn().await;
    with_admin(&app, "Admin@Example.org").await;
    let wrong = app
        .graphql(
            LOGIN,
            json!({ "e": "admin@example.org", "p": "wrong password!" }),
        )
        .await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    let unknown = app
        .graphql(LOGIN, json!({ "e": "nobody@example.org", "p": PASSWORD }))
        .await;
    assert_eq!(error_code(&unknown), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong["errors"][0]["message"], unknown["errors"][0]["message"],
        "the answer does not tell which part was wrong"
    );

    // E-mail addresses are matched without regard to case.
    let session = app
        .data(LOGIN, json!({ "e": " ADMIN@example.org ", "p": PASSWORD }))
        .await["login"]
        .clone();
    assert_eq!(session["account"]["role"], "ADMIN");
    let access = session["accessToken"].as_str().unwrap();
    let me = app
        .data_as(Some(access), "{ me { role account { email } } }", json!({}))
        .await;
    assert_eq!(me["me"]["account"]["email"], "admin@example.org");

    // Each refresh hands out a new refresh token; the old one is used up.
    let first = session["refreshToken"].as_str().unwrap();
    let second = app.data(REFRESH, json!({ "t": first })).await["refreshSession"].clone();
    let second_token = second["refreshToken"].as_str().unwrap();
    assert_ne!(first, second_token);
    let second_access = second["accessToken"].as_str().unwrap().to_owned();
    app.data_as(Some(&second_access), "{ me { role } }", json!({}))
        .await;

    // Presenting the used token again revokes the whole sign-in.
    let reuse = app.graphql(REFRESH, json!({ "t": first })).await;
    assert_eq!(error_code(&reuse), Some("UNAUTHENTICATED"));
    let after = app.graphql(REFRESH, json!({ "t": second_token })).await;
    assert_eq!(
        error_code(&after),
        Some("UNAUTHENTICATED"),
        "the family is revoked"
    );
    let me = app
        .graphql_as(Some(&second_access), "{ me { role } }", json!({}))
        .await;
    assert_eq!(
        error_code(&me),
        Some("UNAUTHENTICATED"),
        "its access tokens end too"
    );

    let unknown = app.graphql(REFRESH, json!({ "t": "rt_unknown" })).await;
    assert_eq!(error_code(&unknown), Some("UNAUTHENTICATED"));

    let reuses = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("session.refresh_reuse"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(reuses, 1);
}

#[tokio::test]
async fn logout_with_a_refresh_token_ends_that_sign_in() {
    let app = TestApp::spawn().await;
    with_admin(&app, "admin@example.org").await;
    let session = app
        .data(LOGIN, json!({ "e": "admin@example.org", "p": PASSWORD }))
        .await["login"]
        .clone();
    let out = app
        .data(
            "mutation($t: String) { logout(refreshToken: $t) }",
            json!({ "t": session["refreshToken"] }),
        )
        .await;
    assert_eq!(out["logout"], true);
    let refresh = app
        .graphql(REFRESH, json!({ "t": session["refreshToken"] }))
        .await;
    assert_eq!(error_code(&refresh), Some("UNAUTHENTICATED"));
    let anonymous = app.graphql("mutation { logout }", json!({})).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn sign_ins_are_throttled_per_account() {
    let app = TestApp::spawn_with(|s| s.auth.login_max_failures_per_account = 3).await;
    with_admin(&app, "admin@example.org").await;
    for _ in 0..3 {
        let wrong = app
            .graphql(
                LOGIN,
                json!({ "e": "admin@example.org", "p": "not the password" }),
            )
            .await;
        assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    }
    // Locked: even the right password is refused until the window ends.
    let locked = app
        .graphql(LOGIN, json!({ "e": "admin@example.org", "p": PASSWORD }))
        .await;
    assert_eq!(error_code(&locked), Some("RATE_LIMITED"));
    assert!(
        locked["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .unwrap()
            > 0
    );
    let failures = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("session.login_failed"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(failures, 3);
}

#[tokio::test]
async fn invitations_carry_role_and_scope_and_work_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let provider = tests::fixtures::provider(&app.db, "Verein").await;
    let invite = "mutation($e: String!, $s: ScopeInput) { inviteUser(email: $e, role: PROVIDER_EDITOR, scope: $s) { token role expiresAt } }";

    let no_scope = app
        .graphql_as(
            Some(&admin.token),
            invite,
            json!({ "e": "neu@example.org" }),
        )
        .await;
    assert_eq!(error_code(&no_scope), Some("BAD_USER_INPUT"));
    assert_eq!(
        no_scope["errors"][0]["extensions"]["fields"][0]["field"],
        "scope.providerIds"
    );

    let invited = app
        .data_as(
            Some(&admin.token),
            invite,
            json!({ "e": "neu@example.org", "s": { "providerIds": [crate::ids::provider_gid(provider)] } }),
        )
        .await;
    let token = invited["inviteUser"]["token"].as_str().unwrap();
    let accept = "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p, displayName: \"Neue Redaktorin\") { accessToken account { role scope { providers { name } } } } }";
    let short = app
        .graphql(accept, json!({ "t": token, "p": "short" }))
        .await;
    assert_eq!(error_code(&short), Some("BAD_USER_INPUT"));
    assert_eq!(
        short["errors"][0]["extensions"]["fields"][0]["field"],
        "password"
    );

    let accepted = app.data(accept, json!({ "t": token, "p": PASSWORD })).await;
    assert_eq!(
        accepted["acceptInvitation"]["account"]["role"],
        "PROVIDER_EDITOR"
    );
    assert_eq!(
        accepted["acceptInvitation"]["account"]["scope"]["providers"][0]["name"],
        "Verein"
    );
    let members = "query($id: ID!) { provider(id: $id) { members { displayName } } }";
    let gid = json!({ "id": crate::ids::provider_gid(provider) });
    let seen = app.data_as(Some(&admin.token), members, gid.clone()).await;
    assert_eq!(
        seen["provider"]["members"][0]["displayName"],
        "Neue Redaktorin"
    );
    let hidden = app.data(members, gid).await;
    assert!(
        hidden["provider"]["members"].is_null(),
        "members are not public"
    );
    let again = app
        .graphql(accept, json!({ "t": token, "p": PASSWORD }))
        .await;
    assert_eq!(
        error_code(&again),
        Some("UNAUTHENTICATED"),
        "an invitation works once"
    );

    // The new account signs in with its password; a second invitation to it is refused.
    app.data(LOGIN, json!({ "e": "neu@example.org", "p": PASSWORD }))
        .await;
    let twice = app
        .graphql_as(
            Some(&admin.token),
            invite,
            json!({ "e": "neu@example.org", "s": { "providerIds": [crate::ids::provider_gid(provider)] } }),
        )
        .await;
    assert_eq!(error_code(&twice), Some("CONFLICT"));
    let stored = user_account::Entity::find()
        .filter(user_account::Column::Email.eq("neu@example.org"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"));
}

#[tokio::test]
async fn api_keys_name_the_client_and_unknown_keys_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = app
        .data_as(
            Some(&admin.token),
            "mutation { createApiClient(name: \"Integrations-App\") { key client { id keyPrefix active } } }",
            json!({}),
        )
        .await;
    let key = created["createApiClient"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        key.starts_with(
            created["createApiClient"]["client"]["keyPrefix"]
                .as_str()
                .unwrap()
        )
    );
    let with_key = |key: String| {
        actix_web::test::TestRequest::post()
            .uri("/graphql")
            .insert_header(("X-Api-Key", key))
            .set_json(json!({ "query": "{ categories { code } }" }))
    };
    assert_eq!(
        app.request(with_key(key.clone())).await.status.as_u16(),
        200
    );
    let unknown = app.request(with_key("ak_unknown".into())).await;
    assert_eq!(unknown.status.as_u16(), 401);
    assert_eq!(
        unknown.body["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    app.data_as(
        Some(&admin.token),
        "mutation($c: ID!) { revokeApiClient(id: $c) { active } }",
        json!({ "c": created["createApiClient"]["client"]["id"] }),
    )
    .await;
    assert_eq!(
        app.request(with_key(key)).await.status.as_u16(),
        401,
        "revoked"
    );
}
