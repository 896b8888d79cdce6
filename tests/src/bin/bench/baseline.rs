//! The suite's yardstick: a bare actix-web server that answers every POST with the JSON a
//! `{ __typename }` query gets, on as many workers as the platform runs, driven by the same
//! client. Each workload's throughput is reported as a ratio to it, which stays comparable
//! across runs on a shared, noisy machine where absolute figures do not.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};

use super::{Args, Report, Workload, drive};

const ANSWER: &str = r#"{"data":{"__typename":"Query"}}"#;

/// Reads the body (as the platform does: a payload left unread makes actix close the
/// connection instead of keeping it alive) and answers the fixed JSON.
async fn answer(_body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(ANSWER)
}

/// Starts the bare server on `port`, drives the `typename` workload against it and stops it.
pub async fn measure(args: &Args, port: u16) -> Result<Report, String> {
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let (handle_tx, handle_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(|| App::new().route("/graphql", web::post().to(answer)))
                .workers(workers)
                .disable_signals()
                .listen(listener)?
                .run();
            let _ = handle_tx.send(server.handle());
            server.await
        })
    });
    let handle = handle_rx
        .recv_timeout(Duration::from_secs(10))
        .map_err(|_| "the baseline server did not start".to_owned())?;
    let mut run = args.clone();
    run.workload = Workload::Typename;
    run.url = format!("http://127.0.0.1:{port}/graphql");
    eprintln!("running the bare actix-web baseline…");
    let report = drive(&run).await;
    handle.stop(true).await;
    let _ = thread.join();
    report
}
