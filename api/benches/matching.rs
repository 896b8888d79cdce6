//! Matching benchmark: ranks one request among 10,000 mentors, and computes the pool-wide
//! proposal for 1,000 requests and 2,000 mentors, on synthetic profiles spread over the
//! canton. Prints latency percentiles, wall time and the process's peak memory.
//!
//!     cargo bench -p angebotsplattform --bench matching

use std::time::Instant;

use angebotsplattform::matching::score::rank;
use angebotsplattform::matching::{MentorProfile, PoolRules, RequestProfile, Slot, Weights};
use angebotsplattform::service::mentoring::proposals::assign;
use chrono::NaiveDate;
use entity::types::{Gender, Proficiency};
use uuid::Uuid;

/// A small deterministic random source, so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn coordinate(&mut self, from: f64, span: f64) -> f64 {
        from + span * (self.below(10_000) as f64 / 10_000.0)
    }
}

const LANGUAGES: [&str; 8] = ["de", "ar", "ti", "fa", "uk", "tr", "es", "en"];
const TOPICS: [&str; 5] = [
    "PAPERWORK",
    "JOB_SEARCH",
    "SCHOOL",
    "GERMAN_CONVERSATION",
    "LEISURE",
];
const LEVELS: [Proficiency; 4] = [
    Proficiency::Native,
    Proficiency::Fluent,
    Proficiency::Good,
    Proficiency::Basic,
];

fn languages(rng: &mut Rng) -> Vec<(String, Proficiency)> {
    let mut out = vec![("de".to_owned(), LEVELS[rng.below(4) as usize])];
    let extra = LANGUAGES[1 + rng.below(7) as usize];
    out.push((extra.to_owned(), LEVELS[rng.below(4) as usize]));
    out
}

fn slots(rng: &mut Rng) -> Vec<Slot> {
    (0..1 + rng.below(3))
        .map(|_| {
            let start = (8 + rng.below(11) as u32) * 60;
            Slot {
                weekday: 1 + rng.below(7) as i16,
                start,
                end: start + 60 + rng.below(3) as u32 * 60,
            }
        })
        .collect()
}

fn topics(rng: &mut Rng) -> Vec<String> {
    (0..1 + rng.below(3))
        .map(|_| TOPICS[rng.below(5) as usize].to_owned())
        .collect()
}

fn mentors(rng: &mut Rng, pool: Uuid, count: usize, today: NaiveDate) -> Vec<MentorProfile> {
    (0..count)
        .map(|_| MentorProfile {
            id: Uuid::now_v7(),
            pool_id: pool,
            active: true,
            training_completed_on: Some(today),
            police_record_issued_on: Some(today),
            code_of_conduct_signed_on: Some(today),
            gender: Some(if rng.below(2) == 0 {
                Gender::Female
            } else {
                Gender::Male
            }),
            languages: languages(rng),
            home: Some((rng.coordinate(47.1, 0.4), rng.coordinate(7.4, 0.6))),
            area: None,
            availability: slots(rng),
            topics: topics(rng),
            capacity: 1 + rng.below(2) as u32,
            load: 0,
        })
        .collect()
}

fn requests(rng: &mut Rng, pool: Uuid, count: usize) -> Vec<RequestProfile> {
    (0..count)
        .map(|_| RequestProfile {
            id: Uuid::now_v7(),
            pool_id: pool,
            preferred_mentor_gender: (rng.below(5) == 0).then_some(Gender::Female),
            languages: languages(rng),
            home: Some((rng.coordinate(47.1, 0.4), rng.coordinate(7.4, 0.6))),
            area: None,
            availability: slots(rng),
            topics: topics(rng),
            waiting_days: rng.below(60) as u32,
            declined_by: vec![],
        })
        .collect()
}

fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let pool = Uuid::now_v7();
    let rules = PoolRules {
        pool_id: pool,
        allow_neighbouring: false,
        police_record_valid_months: 36,
        waiting_alert_days: 30,
        weights: Weights::default(),
        today,
    };
    let mut rng = Rng(42);

    let many = mentors(&mut rng, pool, 10_000, today);
    let asking = requests(&mut rng, pool, 200);
    let mut times = Vec::new();
    for request in &asking {
        let started = Instant::now();
        let ranked = rank(request, &many, &rules, 10);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(ranked);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "mentorCandidates core, 10,000 mentors, {} requests: p50 {:.2} ms, p99 {:.2} ms",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );

    let pool_mentors = mentors(&mut rng, pool, 2_000, today);
    let waiting = requests(&mut rng, pool, 1_000);
    let started = Instant::now();
    let proposal = assign(&waiting, &pool_mentors, &rules);
    let elapsed = started.elapsed();
    println!(
        "proposePoolMatches core, 1,000 requests x 2,000 mentors: {:.2} s, {} pairs, total score {:.1}, {} unplaced",
        elapsed.as_secs_f64(),
        proposal.pairs.len(),
        proposal.total_score,
        proposal.unplaced.len()
    );
    if let Some(peak) = peak_memory_mib() {
        println!("peak memory of the benchmark process: {peak:.0} MiB");
    }
}
