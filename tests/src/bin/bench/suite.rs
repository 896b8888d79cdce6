//! The whole benchmark in one command: seeds a fresh database at the chosen scale, builds
//! the search index, creates an admin, starts the server (SQLite by default, or the given
//! PostgreSQL and Redis), drives every workload in turn and prints one table with the
//! server's peak memory.
//!
//! The machines it runs on are shared, so absolute figures drift from run to run. The
//! suite therefore first measures a bare actix-web server answering the same JSON a
//! `{ __typename }` query gets (same workers, same client), and prints every workload as a
//! ratio to it, with the load average before and after.
//!
//! ```sh
//! cargo build --release --workspace && target/release/bench --suite
//! ```

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{Args, Report, Workload, baseline, drive, peak_memory_kib, status_kib};

/// A file that marks a data directory as the suite's own, so it may be emptied.
const MARKER: &str = ".bench-suite";
/// The admin the suite signs in as.
const ADMIN: &str = "bench@example.org";

/// The suite's options.
#[derive(Debug, Clone, clap::Args)]
pub struct SuiteArgs {
    /// Run the whole suite rather than one workload.
    #[arg(long)]
    pub suite: bool,
    /// The server binary (default: `angebotsplattform` next to this one).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Directory for the embedded database and search index; emptied first (only if the
    /// suite made it).
    #[arg(long, default_value = "/tmp/angebotsplattform-bench")]
    data_dir: PathBuf,
    /// Seed and serve this PostgreSQL database (it must be empty) instead of SQLite.
    #[arg(long)]
    database_url: Option<String>,
    /// Serve with this Redis.
    #[arg(long)]
    redis_url: Option<String>,
    /// Offers to seed.
    #[arg(long, default_value_t = 100_000)]
    offers: u32,
    /// Mentors to seed.
    #[arg(long, default_value_t = 10_000)]
    mentors: u32,
    /// Mentoring requests to seed.
    #[arg(long, default_value_t = 5_000)]
    requests: u32,
    /// Loopback port for the server.
    #[arg(long, default_value_t = 18_090)]
    port: u16,
}

/// The workloads of the suite, in the order they run (writes last).
const WORKLOADS: [Workload; 10] = [
    Workload::Typename,
    Workload::OfferById,
    Workload::OffersPage,
    Workload::SearchWord,
    Workload::SearchTypo,
    Workload::SearchFiltered,
    Workload::Suggest,
    Workload::MentorCandidates,
    Workload::ProposePool,
    Workload::CreatePublish,
];

pub async fn run(args: &Args) -> Result<(), String> {
    let suite = &args.suite;
    let server = server_binary(suite)?;
    prepare_data_dir(&suite.data_dir)?;
    let mut common = vec![
        "--data-dir".to_owned(),
        suite.data_dir.display().to_string(),
        "--seed-demo-when-empty".to_owned(),
        "false".to_owned(),
    ];
    if let Some(url) = &suite.database_url {
        common.extend(["--database-url".to_owned(), url.clone()]);
    }

    let started = Instant::now();
    run_step(
        &server,
        &common,
        &[
            "seed-demo",
            "--offers",
            &suite.offers.to_string(),
            "--mentors",
            &suite.mentors.to_string(),
            "--requests",
            &suite.requests.to_string(),
        ],
        None,
    )?;
    println!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    let started = Instant::now();
    run_step(&server, &common, &["reindex"], None)?;
    println!("indexed in {:.1} s", started.elapsed().as_secs_f64());
    let password = format!("bench-{}-password", std::process::id());
    run_step(
        &server,
        &common,
        &["create-admin", "--email", ADMIN],
        Some(&password),
    )?;

    let mut serve = common.clone();
    serve.extend([
        "--listen".to_owned(),
        format!("127.0.0.1:{}", suite.port),
        "--rate-limit-per-address".to_owned(),
        "1000000000".to_owned(),
        // The suite measures the work itself; the response cache has its own figures.
        "--response-cache-secs".to_owned(),
        "0".to_owned(),
    ]);
    if let Some(url) = &suite.redis_url {
        serve.extend(["--redis-url".to_owned(), url.clone()]);
    }
    let load_before = load_average();
    let baseline = baseline::measure(args, suite.port + 1).await?;
    let mut child = Command::new(&server)
        .args(&serve)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", server.display()))?;
    let result = drive_all(args, &mut child).await;
    stop(&mut child);
    let (mut reports, memory) = result?;
    // With Meilisearch, the same searches against its own HTTP API: a second yardstick.
    if let Ok(meili) = std::env::var("MEILI_URL") {
        for workload in [Workload::MeiliWord, Workload::MeiliTypo] {
            let mut run = args.clone();
            run.workload = workload;
            run.url = format!(
                "{}/indexes/{}/search",
                meili.trim_end_matches('/'),
                std::env::var("MEILI_INDEX").unwrap_or_else(|_| "offers".to_owned())
            );
            eprintln!("running {workload:?}…");
            reports.push(drive(&run).await.map_err(|why| (workload, why)));
        }
    }
    print_table(&baseline, &reports, memory.peak_kib, suite);
    if let (Some(anon), Some(file)) = (memory.anon_kib, memory.file_kib) {
        println!(
            "server resident memory at the end: {:.1} MiB anonymous, {:.1} MiB file-backed (mapped files)",
            anon as f64 / 1024.0,
            file as f64 / 1024.0
        );
    }
    println!(
        "load average before: {load_before}; after: {}",
        load_average()
    );
    Ok(())
}

/// The 1, 5 and 15 minute load averages, as the kernel reports them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|line| {
            line.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A workload's report, or why it could not run.
type Outcome = Result<Report, (Workload, String)>;

/// Runs every workload against the started server. One workload that cannot run is
/// reported in the table and the others still run, so a long seeding is not wasted.
/// The server's memory after the workloads: its peak, and what it holds then by kind.
struct ServerMemory {
    peak_kib: Option<u64>,
    anon_kib: Option<u64>,
    file_kib: Option<u64>,
}

async fn drive_all(args: &Args, child: &mut Child) -> Result<(Vec<Outcome>, ServerMemory), String> {
    wait_until_listening(args.suite.port, child)?;
    let mut reports = Vec::new();
    for workload in WORKLOADS {
        let mut run = args.clone();
        run.workload = workload;
        run.server_pid = Some(child.id());
        if workload == Workload::ProposePool {
            // A coordinator asks for one proposal at a time.
            run.concurrency = 1;
        }
        run.url = format!("http://127.0.0.1:{}/graphql", args.suite.port);
        run.email = Some(ADMIN.to_owned());
        run.password = Some(format!("bench-{}-password", std::process::id()));
        eprintln!("running {workload:?}…");
        reports.push(drive(&run).await.map_err(|why| (workload, why)));
        if let Some(kib) = peak_memory_kib(child.id()) {
            eprintln!("server peak memory so far: {:.1} MiB", kib as f64 / 1024.0);
        }
    }
    let pid = child.id();
    let memory = ServerMemory {
        peak_kib: peak_memory_kib(pid),
        anon_kib: status_kib(pid, "RssAnon:"),
        file_kib: status_kib(pid, "RssFile:"),
    };
    Ok((reports, memory))
}

fn server_binary(suite: &SuiteArgs) -> Result<PathBuf, String> {
    let path = match &suite.server_bin {
        Some(path) => path.clone(),
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("angebotsplattform"),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "no server binary at {}: run `cargo build --release --workspace` first, or pass --server-bin",
            path.display()
        ))
    }
}

/// Empties the data directory, if it is the suite's own (or does not exist yet).
fn prepare_data_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        if !dir.join(MARKER).is_file() {
            return Err(format!(
                "{} exists and was not made by the suite; choose another --data-dir",
                dir.display()
            ));
        }
        std::fs::remove_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(MARKER), b"made by the benchmark suite\n").map_err(|e| e.to_string())
}

/// Runs one server command to its end, optionally feeding a line on standard input.
fn run_step(
    server: &Path,
    common: &[String],
    step: &[&str],
    input: Option<&str>,
) -> Result<(), String> {
    let mut child = Command::new(server)
        .args(common)
        .args(step)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let (Some(line), Some(mut stdin)) = (input, child.stdin.take()) {
        writeln!(stdin, "{line}").map_err(|e| e.to_string())?;
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{}` failed: {}",
            step.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

fn wait_until_listening(port: u16, child: &mut Child) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the server exited: {status}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err("the server did not start listening within 2 minutes".into())
}

/// Stops the server as an orchestrator would: SIGTERM, then waiting.
fn stop(child: &mut Child) {
    let asked = Command::new("kill").arg(child.id().to_string()).status();
    if asked.map(|s| !s.success()).unwrap_or(true) {
        let _ = child.kill();
    }
    let _ = child.wait();
}

fn print_table(baseline: &Report, reports: &[Outcome], peak_kib: Option<u64>, suite: &SuiteArgs) {
    let engine = match (&suite.database_url, &suite.redis_url) {
        (Some(_), Some(_)) => "PostgreSQL + Redis",
        (Some(_), None) => "PostgreSQL",
        (None, Some(_)) => "SQLite + Redis",
        (None, None) => "SQLite",
    };
    let search = if std::env::var("MEILI_URL").is_ok() {
        "Meilisearch"
    } else {
        "embedded search"
    };
    println!();
    println!(
        "{engine}, {search}: {} offers, {} mentors, {} requests",
        suite.offers, suite.mentors, suite.requests
    );
    println!(
        "| workload | clients | req/s | × bare actix | p50 | p95 | p99 | server CPU ms/req | SQL/req | errors |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let figure = |value: Option<f64>, digits: usize| {
        value.map_or_else(|| "–".to_owned(), |v| format!("{v:.digits$}"))
    };
    let bare = baseline.throughput().max(f64::MIN_POSITIVE);
    let row = |name: String, report: &Report| {
        println!(
            "| {name} | {} | {:.1} | {:.4} | {} | {} | {} | {} | {} | {} |",
            report.concurrency,
            report.throughput(),
            report.throughput() / bare,
            ms(report.p50),
            ms(report.p95),
            ms(report.p99),
            figure(report.cpu_ms_per_request, 2),
            figure(report.statements_per_request, 1),
            report.errors
        );
    };
    row("bare actix-web (baseline)".to_owned(), baseline);
    for outcome in reports {
        match outcome {
            Ok(report) => row(format!("{:?}", report.workload), report),
            Err((workload, why)) => println!("| {workload:?} | – | not run: {why} | | | | | | | |"),
        }
    }
    match peak_kib {
        Some(kib) => println!("server peak memory: {:.1} MiB", kib as f64 / 1024.0),
        None => println!("server peak memory: unknown"),
    }
}
