//! Traces reach an OTLP collector: a request whose client sent a `traceparent` is exported
//! as a span in the client's trace, a child of the client's span, and the answer's
//! `traceparent` names that exported span. Its own test binary: it installs the
//! process-wide log and trace subscriber.

#![expect(clippy::unwrap_used, reason = "a test stops at a failed expectation")]

use std::sync::{Arc, Mutex};

use actix_web::test::TestRequest;
use actix_web::{App, HttpResponse, HttpServer, web};
use angebotsplattform::config::Settings;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use prost::Message;
use tests::TestApp;

/// What the collector received: one body per export.
type Received = Arc<Mutex<Vec<web::Bytes>>>;

async fn collect(received: web::Data<Received>, body: web::Bytes) -> HttpResponse {
    received.lock().unwrap().push(body);
    HttpResponse::Ok()
        .content_type("application/x-protobuf")
        .finish()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[actix_web::test]
async fn a_clients_trace_reaches_the_collector_with_the_servers_span() {
    let received = Received::default();
    let shared = received.clone();
    let collector = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(shared.clone()))
            .route("/v1/traces", web::post().to(collect))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let address = collector.addrs()[0];
    actix_web::rt::spawn(collector.run());

    let mut settings = Settings::for_data_dir(std::env::temp_dir());
    settings.telemetry.otel_exporter_otlp_endpoint = Some(format!("http://{address}"));
    settings.telemetry.otel_service_name = "angebotsplattform-test".to_owned();
    let telemetry = angebotsplattform::telemetry::init(&settings);
    assert!(angebotsplattform::telemetry::exporting());

    let app = TestApp::spawn().await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let client_span = "00f067aa0ba902b7";
    let reply = app
        .request(
            TestRequest::get()
                .uri("/healthz")
                .insert_header(("traceparent", format!("00-{trace_id}-{client_span}-01"))),
        )
        .await;
    let answered = reply.headers.get("traceparent").unwrap().to_str().unwrap();
    let parts: Vec<&str> = answered.split('-').collect();
    assert_eq!(parts[1], trace_id, "{answered}");
    assert_ne!(parts[2], client_span, "{answered}");
    let server_span = parts[2].to_owned();

    // Shutting down sends what the batch processor holds.
    tokio::task::spawn_blocking(move || telemetry.shutdown())
        .await
        .unwrap();
    let bodies = received.lock().unwrap().clone();
    assert!(!bodies.is_empty(), "the collector received nothing");
    let mut found = None;
    for body in &bodies {
        let export = ExportTraceServiceRequest::decode(body.as_ref()).unwrap();
        for resource in export.resource_spans {
            let service = resource
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|a| a.key == "service.name")
                .and_then(|a| a.value.clone())
                .and_then(|v| v.value);
            for span in resource.scope_spans.into_iter().flat_map(|s| s.spans) {
                if hex(&span.span_id) == server_span {
                    found = Some((service.clone(), span));
                }
            }
        }
    }
    let (service, span) =
        found.unwrap_or_else(|| unreachable!("the request's span was not exported"));
    assert_eq!(
        service,
        Some(Value::StringValue("angebotsplattform-test".to_owned()))
    );
    assert_eq!(hex(&span.trace_id), trace_id);
    assert_eq!(hex(&span.parent_span_id), client_span);
    assert_eq!(span.name, "GET /healthz");
    let attribute = |key: &str| {
        span.attributes
            .iter()
            .find(|a| a.key == key)
            .and_then(|a| a.value.clone())
            .and_then(|v| v.value)
    };
    assert_eq!(
        attribute("http.response.status_code"),
        Some(Value::IntValue(200))
    );
    assert_eq!(
        attribute("request_id"),
        Some(Value::StringValue(tests::request_id(&reply)))
    );
}
