//! Log lines written while a request is served carry its trace. Its own test binary: a
//! thread-local log subscriber meets tracing's process-wide callsite cache, which tests
//! running on other threads of the same process change under it.

#![expect(clippy::unwrap_used, reason = "a test stops at a failed expectation")]

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;
use tests::{TestApp, request_id};

/// A log writer the test reads back.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// A capture installed as this thread's log subscriber, until the guard is dropped.
    fn installed() -> (Self, tracing::subscriber::DefaultGuard) {
        let captured = Self::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        (captured, tracing::subscriber::set_default(subscriber))
    }
}

#[tokio::test]
async fn a_requests_log_lines_and_answer_carry_its_trace() {
    let app = TestApp::spawn().await;
    let (captured, _logging) = Captured::installed();

    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let reply = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .insert_header(("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01")))
                .set_json(json!({ "query": "query Traced { __typename }" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    // The answer names the same trace and this request's own span in it.
    let answered = reply.headers.get("traceparent").unwrap().to_str().unwrap();
    assert!(
        answered.starts_with(&format!("00-{trace_id}-")),
        "{answered}"
    );
    assert!(answered.ends_with("-01"));
    assert!(!answered.contains("00f067aa0ba902b7"), "a span of its own");

    let id = request_id(&reply);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = logs.lines().find(|l| l.contains("graphql request"));
    assert!(line.is_some(), "a request line in {logs}");
    let line = line.unwrap();
    for field in [
        format!("request_id={id}"),
        format!("trace_id={trace_id}"),
        "operation=\"Traced\"".to_owned(),
        "caller=\"anonymous\"".to_owned(),
        "route=/graphql".to_owned(),
    ] {
        assert!(line.contains(&field), "{field} in {line}");
    }

    // Without a (valid) traceparent the request starts a trace of its own.
    let fresh = app
        .request(
            TestRequest::get()
                .uri("/healthz")
                .insert_header(("traceparent", "not-a-trace")),
        )
        .await;
    let answered = fresh.headers.get("traceparent").unwrap().to_str().unwrap();
    assert_eq!(answered.len(), 55, "{answered}");
    assert!(!answered.contains(trace_id));
}

#[tokio::test]
async fn an_internal_error_is_logged_once_with_its_cause_place_and_request() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn_with_demo().await;
    app.db
        .execute_unprepared("DROP TABLE offer_schedule")
        .await
        .unwrap();
    let (captured, _logging) = Captured::installed();

    let reply = app
        .request(TestRequest::post().uri("/graphql").set_json(json!({
            "query": "{ offers(first: 1) { nodes { schedules { startDate } } } }"
        })))
        .await;
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"], "INTERNAL_SERVER_ERROR",
        "{}",
        reply.body
    );
    assert_eq!(reply.body["errors"][0]["message"], "internal server error");

    let id = request_id(&reply);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("internal error"))
        .collect();
    // Once, where the error left the API, inside the request's span; with the database's
    // words and the place in the source where the error was made.
    assert_eq!(lines.len(), 1, "{logs}");
    let line = lines[0];
    assert!(line.contains(&format!("request_id={id}")), "{line}");
    assert!(line.contains("cause=database:"), "{line}");
    assert!(line.contains("offer_schedule"), "{line}");
    assert!(line.contains("at=api/src/"), "{line}");
    assert!(
        !line.contains("at=api/src/error/"),
        "the place that made the error: {line}"
    );
}
