//! The hard rules: a pair that breaks one is never proposed, whatever it would score.

use chrono::{Months, NaiveDate};

use crate::matching::{MentorProfile, PoolRules, RequestProfile};
use crate::search::distance_km;

/// Why a mentor cannot be matched with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    /// Another pool, and not a neighbouring one the request's pool accepts.
    OtherPool,
    /// Not ACTIVE (applied, being screened, paused, retired or erased).
    NotActive,
    /// A screening step is missing, or the police record extract is too old.
    ScreeningIncomplete,
    /// As many live matches as places.
    NoCapacity,
    /// Declined before, for this request.
    DeclinedBefore,
    /// Not the mentor the newcomer asked for (e.g. a woman).
    Preference,
}

impl Exclusion {
    /// The rule in words.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::OtherPool => "belongs to another pool",
            Self::NotActive => "is not active",
            Self::ScreeningIncomplete => "screening is incomplete or has expired",
            Self::NoCapacity => "has no place left",
            Self::DeclinedBefore => "was declined for this request before",
            Self::Preference => "does not fit the newcomer's stated preference",
        }
    }
}

/// Whether the police record extract issued on `issued` still counts on `today`.
pub fn police_record_valid(issued: NaiveDate, valid_months: u32, today: NaiveDate) -> bool {
    issued
        .checked_add_months(Months::new(valid_months))
        .is_some_and(|until| until >= today)
}

/// Whether every screening step is done and still valid.
pub fn screened(mentor: &MentorProfile, rules: &PoolRules) -> bool {
    mentor.training_completed_on.is_some()
        && mentor.code_of_conduct_signed_on.is_some()
        && mentor
            .police_record_issued_on
            .is_some_and(|d| police_record_valid(d, rules.police_record_valid_months, rules.today))
}

/// The first rule the pair breaks, if any.
pub fn check(
    request: &RequestProfile,
    mentor: &MentorProfile,
    rules: &PoolRules,
) -> Result<(), Exclusion> {
    if mentor.pool_id != request.pool_id {
        let near = rules.allow_neighbouring
            && request
                .home
                .zip(mentor.home)
                .is_some_and(|(a, b)| distance_km(a, b) <= rules.weights.neighbour_km);
        if !near {
            return Err(Exclusion::OtherPool);
        }
    }
    if !mentor.active {
        return Err(Exclusion::NotActive);
    }
    if !screened(mentor, rules) {
        return Err(Exclusion::ScreeningIncomplete);
    }
    if mentor.load >= mentor.capacity {
        return Err(Exclusion::NoCapacity);
    }
    if request.declined_by.contains(&mentor.id) {
        return Err(Exclusion::DeclinedBefore);
    }
    if let Some(wanted) = request.preferred_mentor_gender
        && mentor.gender != Some(wanted)
    {
        return Err(Exclusion::Preference);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::matching::{Slot, Weights};
    use entity::types::{Gender, Proficiency};
    use uuid::Uuid;

    pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    pub fn pool_rules(pool: Uuid) -> PoolRules {
        PoolRules {
            pool_id: pool,
            allow_neighbouring: false,
            police_record_valid_months: 36,
            waiting_alert_days: 30,
            weights: Weights::default(),
            today: day(2026, 11, 22),
        }
    }

    pub fn mentor(pool: Uuid) -> MentorProfile {
        MentorProfile {
            id: Uuid::now_v7(),
            pool_id: pool,
            active: true,
            training_completed_on: Some(day(2026, 1, 10)),
            police_record_issued_on: Some(day(2025, 6, 1)),
            code_of_conduct_signed_on: Some(day(2026, 1, 10)),
            gender: Some(Gender::Female),
            languages: vec![("de".into(), Proficiency::Native)],
            home: Some((47.35, 7.90)),
            area: None,
            availability: vec![Slot {
                weekday: 2,
                start: 18 * 60,
                end: 20 * 60,
            }],
            topics: vec!["PAPERWORK".into()],
            capacity: 2,
            load: 0,
        }
    }

    pub fn request(pool: Uuid) -> RequestProfile {
        RequestProfile {
            id: Uuid::now_v7(),
            pool_id: pool,
            preferred_mentor_gender: None,
            languages: vec![("ti".into(), Proficiency::Native)],
            home: Some((47.35, 7.90)),
            area: None,
            availability: vec![Slot {
                weekday: 2,
                start: 18 * 60,
                end: 19 * 60,
            }],
            topics: vec!["PAPERWORK".into()],
            waiting_days: 10,
            declined_by: vec![],
        }
    }

    /// A change to a pair that breaks one rule.
    type Change = Box<dyn Fn(&mut MentorProfile, &mut RequestProfile)>;

    #[test]
    fn each_rule_excludes_on_its_own() {
        let pool = Uuid::now_v7();
        let rules = pool_rules(pool);
        let r = request(pool);
        assert_eq!(check(&r, &mentor(pool), &rules), Ok(()));

        let cases: Vec<(Exclusion, Change)> = vec![
            (
                Exclusion::OtherPool,
                Box::new(|m, _| m.pool_id = Uuid::now_v7()),
            ),
            (Exclusion::NotActive, Box::new(|m, _| m.active = false)),
            (
                Exclusion::ScreeningIncomplete,
                Box::new(|m, _| m.training_completed_on = None),
            ),
            (
                Exclusion::ScreeningIncomplete,
                Box::new(|m, _| m.code_of_conduct_signed_on = None),
            ),
            (
                Exclusion::ScreeningIncomplete,
                // 36 months before 2026-11-22 is 2023-11-22: one day older has expired.
                Box::new(|m, _| m.police_record_issued_on = Some(day(2023, 11, 21))),
            ),
            (Exclusion::NoCapacity, Box::new(|m, _| m.load = 2)),
            (
                Exclusion::DeclinedBefore,
                Box::new(|m, r| r.declined_by.push(m.id)),
            ),
            (
                Exclusion::Preference,
                Box::new(|m, r| {
                    m.gender = Some(Gender::Male);
                    r.preferred_mentor_gender = Some(Gender::Female);
                }),
            ),
        ];
        for (expected, change) in cases {
            let (mut m, mut r) = (mentor(pool), r.clone());
            change(&mut m, &mut r);
            assert_eq!(check(&r, &m, &rules), Err(expected));
        }
        let mut m = mentor(pool);
        m.police_record_issued_on = Some(day(2023, 11, 22));
        assert_eq!(check(&r, &m, &rules), Ok(()), "valid through its last day");
    }

    #[test]
    fn neighbouring_pools_count_only_when_allowed_and_near() {
        let pool = Uuid::now_v7();
        let mut rules = pool_rules(pool);
        let r = request(pool);
        let mut m = mentor(Uuid::now_v7());
        assert_eq!(check(&r, &m, &rules), Err(Exclusion::OtherPool));
        rules.allow_neighbouring = true;
        assert_eq!(check(&r, &m, &rules), Ok(()));
        m.home = Some((47.56, 7.59)); // about 33 km away
        assert_eq!(check(&r, &m, &rules), Err(Exclusion::OtherPool));
    }
}
