//! Sign-ins shared through Redis: an instance that remembers a sign-in as live stops
//! serving it as soon as another instance signs it out.

use serde_json::json;
use tests::{TestApp, error_code};

#[tokio::test]
#[cfg_attr(not(with_redis), ignore = "needs a Redis server: set TEST_REDIS_URL")]
async fn a_sign_out_on_one_instance_reaches_the_others_at_once() {
    let first = TestApp::spawn_with(|s| s.auth.session_cache_secs = 600).await;
    assert!(first.app.redis.is_some(), "TEST_REDIS_URL is not set");
    let admin = first.admin().await;
    let mut second = TestApp::spawn_with(|_| {}).await;
    let settings = (*first.app.settings).clone();
    second.reconfigure(|s| *s = settings);
    second.app.db = first.db.clone();
    let me = "{ me { role } }";
    // Both instances serve the sign-in; the second now remembers it as live.
    assert_eq!(
        second.data_as(Some(&admin.token), me, json!({})).await["me"]["role"],
        "ADMIN"
    );
    assert_eq!(
        second.data_as(Some(&admin.token), me, json!({})).await["me"]["role"],
        "ADMIN"
    );
    first
        .data_as(Some(&admin.token), "mutation { logout }", json!({}))
        .await;
    let after = second.graphql_as(Some(&admin.token), me, json!({})).await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"), "{after}");
}
