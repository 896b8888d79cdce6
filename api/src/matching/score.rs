//! The soft criteria: how well a mentor fits a request, as a weighted sum of values between
//! 0 and 1, each with its reason in words ("both speak Tigrinya", "4 km apart").

use entity::types::Proficiency;
use uuid::Uuid;

use crate::language;
use crate::matching::{MentorProfile, PoolRules, RequestProfile, Slot, rules};
use crate::search::distance_km;

/// Weekly time together that counts as a full fit, in minutes.
const FULL_OVERLAP_MINUTES: u32 = 180;

/// One criterion's part of a score.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub criterion: &'static str,
    pub weight: f64,
    /// How well the pair does on it, 0 to 1.
    pub value: f64,
    pub explanation: String,
}

/// A mentor who may be matched, with the fit and its reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub mentor_id: Uuid,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

fn factor(level: Proficiency) -> f64 {
    match level {
        Proficiency::Native => 1.0,
        Proficiency::Fluent => 0.9,
        Proficiency::Good => 0.7,
        Proficiency::Basic => 0.4,
    }
}

fn how_well(level: Proficiency) -> &'static str {
    match level {
        Proficiency::Native => "natively",
        Proficiency::Fluent => "fluently",
        Proficiency::Good => "well",
        Proficiency::Basic => "a little",
    }
}

fn is_german(code: &str) -> bool {
    code == "de" || code == "gsw"
}

/// What the criteria measure of one pair before anything is put in words. A ranking
/// measures every candidate but words only the few it shows, so measuring allocates
/// nothing.
struct Fit<'a> {
    request: &'a RequestProfile,
    mentor: &'a MentorProfile,
    /// The best language both speak: how well they share it, its code, and how well the
    /// mentor and the newcomer speak it.
    common: Option<(f64, &'a str, Proficiency, Proficiency)>,
    /// How well the mentor speaks German, 0 to 1.
    german: f64,
    /// Kilometres between their homes' map points, when both are known.
    km: Option<f64>,
    /// Minutes a week both are free.
    overlap: u32,
    /// How many of the asked topics the mentor helps with.
    shared_topics: usize,
}

/// A weighted criterion of the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Criterion {
    Language,
    Distance,
    Availability,
    Topics,
    Load,
    Waiting,
}

impl Criterion {
    /// Its name in reasons and in the pool's weights.
    fn name(self) -> &'static str {
        match self {
            Self::Language => "language",
            Self::Distance => "distance",
            Self::Availability => "availability",
            Self::Topics => "topics",
            Self::Load => "load",
            Self::Waiting => "waiting",
        }
    }
}

/// The criteria in the order their reasons are shown.
const CRITERIA: [Criterion; 6] = [
    Criterion::Language,
    Criterion::Distance,
    Criterion::Availability,
    Criterion::Topics,
    Criterion::Load,
    Criterion::Waiting,
];

impl<'a> Fit<'a> {
    fn measure(request: &'a RequestProfile, mentor: &'a MentorProfile) -> Self {
        Self {
            request,
            mentor,
            common: common_language(request, mentor),
            german: mentor
                .languages
                .iter()
                .filter(|(c, _)| is_german(c))
                .map(|(_, l)| factor(*l))
                .fold(0.0, f64::max),
            km: request
                .home
                .zip(mentor.home)
                .map(|(a, b)| distance_km(a, b)),
            overlap: overlap_minutes(&request.availability, &mentor.availability),
            shared_topics: request
                .topics
                .iter()
                .filter(|t| mentor.topics.contains(t))
                .count(),
        }
    }

    /// A criterion's weight in the pool and the pair's value on it, 0 to 1.
    fn part(&self, criterion: Criterion, rules: &PoolRules) -> (f64, f64) {
        let w = &rules.weights;
        match criterion {
            // A common language to start with, and German to practise.
            Criterion::Language => {
                let common = self.common.map_or(0.0, |(level, ..)| level);
                (w.language, 0.7 * common + 0.3 * self.german)
            }
            Criterion::Distance => (
                w.distance,
                self.km
                    .map_or(0.0, |km| 0.5f64.powf(km / w.distance_half_km)),
            ),
            Criterion::Availability => (
                w.availability,
                (f64::from(self.overlap) / f64::from(FULL_OVERLAP_MINUTES)).min(1.0),
            ),
            Criterion::Topics => {
                let value = if self.request.topics.is_empty() {
                    0.5
                } else {
                    self.shared_topics as f64 / self.request.topics.len() as f64
                };
                (w.topics, value)
            }
            Criterion::Load => {
                let capacity = self.mentor.capacity.max(1);
                (
                    w.load,
                    1.0 - f64::from(self.mentor.load.min(capacity)) / f64::from(capacity),
                )
            }
            Criterion::Waiting => (
                w.waiting,
                (f64::from(self.request.waiting_days) / f64::from(rules.waiting_alert_days.max(1)))
                    .min(1.0),
            ),
        }
    }

    /// The weighted sum of the criteria (the preference is a rule and weighs nothing).
    fn score(&self, rules: &PoolRules) -> f64 {
        CRITERIA
            .iter()
            .map(|criterion| {
                let (weight, value) = self.part(*criterion, rules);
                weight * value
            })
            .sum()
    }

    /// Every criterion's part in words.
    fn reasons(&self, rules: &PoolRules) -> Vec<Reason> {
        let mut reasons: Vec<Reason> = CRITERIA
            .iter()
            .map(|criterion| {
                let (weight, value) = self.part(*criterion, rules);
                Reason {
                    criterion: criterion.name(),
                    weight,
                    value,
                    explanation: self.explain(*criterion, rules),
                }
            })
            .collect();
        // A rule, not a weight: shown so the coordinator sees why only such mentors are listed.
        if let Some((value, explanation)) = preference(self.request, self.mentor) {
            reasons.push(Reason {
                criterion: "preference",
                weight: 0.0,
                value,
                explanation,
            });
        }
        reasons
    }

    fn explain(&self, criterion: Criterion, rules: &PoolRules) -> String {
        match criterion {
            Criterion::Language => self.explain_languages(),
            Criterion::Distance => self.explain_distance(),
            Criterion::Availability => match self.overlap {
                0 => "no time in common during the week".to_owned(),
                minutes => format!("{} a week in common", duration(minutes)),
            },
            Criterion::Topics => self.explain_topics(),
            Criterion::Load => match self.mentor.load {
                0 => "no current mentee".to_owned(),
                load => format!("{load} of {} places taken", self.mentor.capacity),
            },
            Criterion::Waiting => waiting(self.request, rules.waiting_alert_days),
        }
    }

    /// Each side as they speak it: a native mentor is not "speaks German a little" because
    /// the newcomer is starting out.
    fn explain_languages(&self) -> String {
        let mut explanation = match self.common {
            Some((_, code, mentor_level, newcomer_level)) => {
                let name = language::english_name(code).unwrap_or(code);
                if mentor_level == newcomer_level {
                    format!("both speak {name} {}", how_well(mentor_level))
                } else {
                    format!(
                        "both speak {name}: the mentor {}, the newcomer {}",
                        how_well(mentor_level),
                        how_well(newcomer_level)
                    )
                }
            }
            None => "no language in common".to_owned(),
        };
        if self.german >= 0.9 && self.common.is_none_or(|(_, c, ..)| !is_german(c)) {
            explanation.push_str("; German to practise");
        }
        explanation
    }

    /// Only what is known: homes are known by their municipality, so two people in one
    /// municipality live "in the same municipality", and two municipalities that share one
    /// map point (an imported region file with district centres only) are "in the same
    /// district", not "in the same place".
    fn explain_distance(&self) -> String {
        let Some(km) = self.km else {
            return "home not known".to_owned();
        };
        match self.request.area.zip(self.mentor.area) {
            Some((x, y)) if x.municipality == y.municipality => {
                "live in the same municipality".to_owned()
            }
            Some((x, y)) if km < 0.05 && x.district.is_some() && x.district == y.district => {
                "live in the same district (closer than that is not known)".to_owned()
            }
            _ if km < 0.05 => {
                "their municipalities share one map point: distance not known".to_owned()
            }
            _ if km < 1.0 => "less than 1 km apart".to_owned(),
            _ => format!("{} km apart", km.round()),
        }
    }

    fn explain_topics(&self) -> String {
        if self.request.topics.is_empty() {
            return "no topics asked for".to_owned();
        }
        let names: Vec<String> = self
            .request
            .topics
            .iter()
            .filter(|t| self.mentor.topics.contains(t))
            .map(|t| topic_name(t))
            .collect();
        if names.is_empty() {
            "no topic in common".to_owned()
        } else {
            format!("can help with {}", names.join(", "))
        }
    }
}

/// The best language both speak, preferring one other than German at the same level: it
/// is the way in.
fn common_language<'a>(
    request: &'a RequestProfile,
    mentor: &'a MentorProfile,
) -> Option<(f64, &'a str, Proficiency, Proficiency)> {
    let mut best: Option<(f64, &str, Proficiency, Proficiency)> = None;
    for (code, theirs) in &request.languages {
        let Some((_, ours)) = mentor.languages.iter().find(|(c, _)| c == code) else {
            continue;
        };
        let level = factor(*theirs).min(factor(*ours));
        let better = match best {
            None => true,
            Some((b, c, ..)) => level > b || (level == b && is_german(c) && !is_german(code)),
        };
        if better {
            best = Some((level, code, *ours, *theirs));
        }
    }
    best
}

/// The newcomer's wish about their mentor, when they stated one (a hard rule: only
/// mentors who fit it are candidates).
fn preference(request: &RequestProfile, mentor: &MentorProfile) -> Option<(f64, String)> {
    let wanted = request.preferred_mentor_gender?;
    let fits = mentor.gender == Some(wanted);
    let who = match wanted {
        entity::types::Gender::Female => "a woman",
        entity::types::Gender::Male => "a man",
        entity::types::Gender::Diverse => "a non-binary mentor",
    };
    Some((
        if fits { 1.0 } else { 0.0 },
        format!("{who}, as the newcomer asked"),
    ))
}

/// Minutes a week both are free.
pub fn overlap_minutes(a: &[Slot], b: &[Slot]) -> u32 {
    let mut total = 0;
    for x in a {
        for y in b.iter().filter(|y| y.weekday == x.weekday) {
            total += x.end.min(y.end).saturating_sub(x.start.max(y.start));
        }
    }
    total
}

fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn topic_name(code: &str) -> String {
    code.to_lowercase().replace('_', " ")
}

fn waiting(request: &RequestProfile, alert_days: u32) -> String {
    let mut explanation = match request.waiting_days {
        0 => "asked today".to_owned(),
        1 => "waiting 1 day".to_owned(),
        n => format!("waiting {n} days"),
    };
    if request.waiting_days >= alert_days {
        explanation.push_str(", longer than the pool aims for");
    }
    explanation
}

/// Every criterion's part for a pair that passed the hard rules.
pub fn reasons(request: &RequestProfile, mentor: &MentorProfile, rules: &PoolRules) -> Vec<Reason> {
    Fit::measure(request, mentor).reasons(rules)
}

/// The pair's fit, or the rule it breaks; nothing put in words.
pub fn score(
    request: &RequestProfile,
    mentor: &MentorProfile,
    rules: &PoolRules,
) -> Result<f64, rules::Exclusion> {
    rules::check(request, mentor, rules)?;
    Ok(Fit::measure(request, mentor).score(rules))
}

/// The pair's fit with its reasons, or the rule it breaks.
pub fn evaluate(
    request: &RequestProfile,
    mentor: &MentorProfile,
    rules: &PoolRules,
) -> Result<Candidate, rules::Exclusion> {
    rules::check(request, mentor, rules)?;
    let fit = Fit::measure(request, mentor);
    Ok(Candidate {
        mentor_id: mentor.id,
        score: fit.score(rules),
        reasons: fit.reasons(rules),
    })
}

/// The `first` mentors who may be matched with `request`, best first (ties by id, so the
/// order is stable). Every mentor is scored; only those shown get their reasons.
pub fn rank(
    request: &RequestProfile,
    mentors: &[MentorProfile],
    rules: &PoolRules,
    first: usize,
) -> Vec<Candidate> {
    let better = |a: &(f64, &MentorProfile), b: &(f64, &MentorProfile)| {
        b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id))
    };
    let mut scored: Vec<(f64, &MentorProfile)> = mentors
        .iter()
        .filter_map(|m| score(request, m, rules).ok().map(|s| (s, m)))
        .collect();
    if first < scored.len() {
        if first == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable_by(first - 1, better);
        scored.truncate(first);
    }
    scored.sort_by(better);
    scored
        .into_iter()
        .map(|(score, mentor)| Candidate {
            mentor_id: mentor.id,
            score,
            reasons: reasons(request, mentor, rules),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::rules::tests::{mentor, pool_rules, request};
    use entity::types::Gender;

    fn reason<'a>(c: &'a Candidate, criterion: &str) -> &'a Reason {
        c.reasons
            .iter()
            .find(|r| r.criterion == criterion)
            .unwrap_or_else(|| unreachable!("every criterion has a reason"))
    }

    #[test]
    fn reasons_say_why_in_words() {
        let pool = Uuid::now_v7();
        let rules = pool_rules(pool);
        let r = request(pool);
        let mut m = mentor(pool);
        m.languages.push(("ti".into(), Proficiency::Fluent));
        m.home = Some((47.386, 7.90)); // 4 km north
        m.load = 1;
        let c = evaluate(&r, &m, &rules).unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(
            reason(&c, "language").explanation,
            "both speak Tigrinya: the mentor fluently, the newcomer natively; German to practise"
        );
        assert_eq!(reason(&c, "distance").explanation, "4 km apart");
        assert_eq!(
            reason(&c, "availability").explanation,
            "1 h a week in common"
        );
        assert_eq!(reason(&c, "topics").explanation, "can help with paperwork");
        assert_eq!(reason(&c, "load").explanation, "1 of 2 places taken");
        assert_eq!(reason(&c, "waiting").explanation, "waiting 10 days");
        let total: f64 = c.reasons.iter().map(|r| r.weight * r.value).sum();
        assert!((c.score - total).abs() < 1e-9);
    }

    #[test]
    fn reasons_say_only_what_is_known_of_homes_and_name_the_preference() {
        use crate::matching::HomeArea;
        let pool = Uuid::now_v7();
        let rules = pool_rules(pool);
        let (olten, trimbach, district) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut r = request(pool);
        r.preferred_mentor_gender = Some(Gender::Female);
        r.area = Some(HomeArea {
            municipality: olten,
            district: Some(district),
        });
        let mut m = mentor(pool);
        m.gender = Some(Gender::Female);
        m.area = r.area;
        let distance_of = |m: &MentorProfile| {
            let c = evaluate(&r, m, &rules).unwrap_or_else(|e| unreachable!("{e:?}"));
            reason(&c, "distance").explanation.clone()
        };
        assert_eq!(distance_of(&m), "live in the same municipality");
        // Another municipality that the region data puts at the same point.
        m.area = Some(HomeArea {
            municipality: trimbach,
            district: Some(district),
        });
        assert_eq!(
            distance_of(&m),
            "live in the same district (closer than that is not known)"
        );
        m.home = Some((47.386, 7.90));
        assert_eq!(distance_of(&m), "4 km apart");
        let c = evaluate(&r, &m, &rules).unwrap_or_else(|e| unreachable!("{e:?}"));
        let preference = reason(&c, "preference");
        assert_eq!(preference.explanation, "a woman, as the newcomer asked");
        assert_eq!(preference.weight, 0.0, "a rule, not part of the score");
        // A native German speaker is not "speaking German a little" next to a beginner.
        let mut beginner = request(pool);
        beginner.languages = vec![("de".into(), Proficiency::Basic)];
        let native = mentor(pool);
        let c = evaluate(&beginner, &native, &rules).unwrap_or_else(|e| unreachable!("{e:?}"));
        assert_eq!(
            reason(&c, "language").explanation,
            "both speak German: the mentor natively, the newcomer a little"
        );
    }

    /// A change to a mentor that improves one criterion.
    type Improvement = Box<dyn Fn(&mut MentorProfile)>;

    #[test]
    fn each_criterion_moves_the_ranking_its_way() {
        let pool = Uuid::now_v7();
        let rules = pool_rules(pool);
        let r = request(pool);
        let base = mentor(pool);
        let better: Vec<(&str, Improvement)> = vec![
            (
                "language",
                Box::new(|m| m.languages.push(("ti".into(), Proficiency::Native))),
            ),
            ("distance", Box::new(|m| m.home = Some((47.351, 7.901)))),
            (
                "availability",
                Box::new(|m| {
                    m.availability.push(Slot {
                        weekday: 2,
                        start: 17 * 60,
                        end: 18 * 60,
                    });
                }),
            ),
            ("load", Box::new(|m| m.capacity = 3)),
        ];
        let mut worse = base.clone();
        worse.home = Some((47.40, 7.95));
        worse.load = 1;
        for (criterion, improve) in better {
            let mut m = worse.clone();
            improve(&mut m);
            let ranked = rank(&r, &[worse.clone(), m.clone()], &rules, 10);
            assert_eq!(ranked[0].mentor_id, m.id, "{criterion} raises the score");
        }
        // Topics: sharing the asked topic beats not sharing it.
        let mut other = base.clone();
        other.id = Uuid::now_v7();
        other.topics = vec!["LEISURE".into()];
        let ranked = rank(&r, &[other.clone(), base.clone()], &rules, 10);
        assert_eq!(ranked[0].mentor_id, base.id);
        // Waiting raises a request's scores with every mentor.
        let mut waited = r.clone();
        waited.waiting_days = 40;
        let before = evaluate(&r, &base, &rules)
            .map(|c| c.score)
            .unwrap_or_default();
        let after = evaluate(&waited, &base, &rules)
            .map(|c| c.score)
            .unwrap_or_default();
        assert!(after > before);
    }

    #[test]
    fn weights_set_by_the_pool_change_the_order() {
        let pool = Uuid::now_v7();
        let mut rules = pool_rules(pool);
        let r = request(pool);
        // One speaks Tigrinya but lives far; the other lives next door, German only.
        let mut speaker = mentor(pool);
        speaker.languages.push(("ti".into(), Proficiency::Native));
        speaker.home = Some((47.45, 7.90));
        let mut neighbour = mentor(pool);
        neighbour.home = Some((47.351, 7.90));
        rules.weights.language = 10.0;
        rules.weights.distance = 0.5;
        assert_eq!(
            rank(&r, &[neighbour.clone(), speaker.clone()], &rules, 10)[0].mentor_id,
            speaker.id
        );
        rules.weights.language = 0.5;
        rules.weights.distance = 10.0;
        assert_eq!(
            rank(&r, &[neighbour.clone(), speaker.clone()], &rules, 10)[0].mentor_id,
            neighbour.id
        );
    }

    #[test]
    fn excluded_mentors_are_not_ranked() {
        let pool = Uuid::now_v7();
        let rules = pool_rules(pool);
        let mut r = request(pool);
        r.preferred_mentor_gender = Some(Gender::Female);
        let mut man = mentor(pool);
        man.gender = Some(Gender::Male);
        let woman = mentor(pool);
        let ranked = rank(&r, &[man, woman.clone()], &rules, 10);
        assert_eq!(ranked.len(), 1);
        assert_eq!(ranked[0].mentor_id, woman.id);
    }

    #[test]
    fn the_first_few_are_the_head_of_the_whole_ranking() {
        let pool = Uuid::now_v7();
        let rules = pool_rules(pool);
        let r = request(pool);
        // Varied homes and loads, with ties (same profile, another id) among them.
        let mentors: Vec<MentorProfile> = (0..60)
            .map(|i| {
                let mut m = mentor(pool);
                m.home = Some((47.35 + f64::from(i % 7) * 0.01, 7.90));
                m.load = u32::try_from(i % 2).unwrap_or(0);
                m
            })
            .collect();
        let whole = rank(&r, &mentors, &rules, mentors.len());
        assert_eq!(whole.len(), 60);
        for first in [0, 1, 5, 17, 59, 60, 100] {
            let head = rank(&r, &mentors, &rules, first);
            assert_eq!(head, whole[..first.min(60)].to_vec(), "first {first}");
        }
    }

    #[test]
    fn overlap_adds_up_per_weekday() {
        let slot = |weekday, start, end| Slot {
            weekday,
            start,
            end,
        };
        let a = [slot(1, 600, 720), slot(3, 1080, 1200)];
        let b = [slot(1, 660, 900), slot(3, 1000, 1100), slot(4, 600, 700)];
        assert_eq!(overlap_minutes(&a, &b), 60 + 20);
        assert_eq!(duration(90), "1 h 30 min");
    }
}
