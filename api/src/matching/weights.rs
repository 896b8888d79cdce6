//! The weights of the soft criteria, kept per pool as JSON so coordinators can tune them.
//! Missing keys take the defaults; a weight must be a finite number between 0 and 10.

use serde::{Deserialize, Serialize};

/// The farthest a pool may reach for mentors of neighbouring pools, in kilometres: about
/// the next district, not the canton.
pub const MAX_NEIGHBOUR_KM: f64 = 30.0;

/// The weights of the matching criteria in a pool: how much each criterion counts, and how
/// far neighbouring mentors may live.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[graphql(name = "MatchingWeights")]
pub struct Weights {
    pub language: f64,
    pub distance: f64,
    pub availability: f64,
    pub topics: f64,
    pub load: f64,
    pub waiting: f64,
    /// Kilometres over which the distance score halves.
    pub distance_half_km: f64,
    /// How far from the newcomer mentors of neighbouring pools may live, in kilometres
    /// (when the pool allows them).
    pub neighbour_km: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            language: 3.0,
            distance: 2.0,
            availability: 2.0,
            topics: 1.5,
            load: 1.0,
            waiting: 1.0,
            distance_half_km: 5.0,
            neighbour_km: 15.0,
        }
    }
}

impl Weights {
    /// Reads a pool's stored weights; unknown or bad values are refused with the field's name.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, String> {
        let weights: Self =
            serde_json::from_value(value.clone()).map_err(|err| format!("weights: {err}"))?;
        weights.check()?;
        Ok(weights)
    }

    /// Every weight finite and within 0..=10; the distances positive, the neighbours'
    /// within [`MAX_NEIGHBOUR_KM`].
    pub fn check(&self) -> Result<(), String> {
        for (name, value) in self.named() {
            if !(value.is_finite() && (0.0..=10.0).contains(&value)) {
                return Err(format!("{name} must lie between 0 and 10"));
            }
        }
        for (name, value, max) in [
            ("distanceHalfKm", self.distance_half_km, 500.0),
            ("neighbourKm", self.neighbour_km, MAX_NEIGHBOUR_KM),
        ] {
            if !(value.is_finite() && value > 0.0 && value <= max) {
                return Err(format!("{name} must lie above 0 and at most {max}"));
            }
        }
        Ok(())
    }

    /// The criteria's weights by name.
    pub fn named(&self) -> [(&'static str, f64); 6] {
        [
            ("language", self.language),
            ("distance", self.distance),
            ("availability", self.availability),
            ("topics", self.topics),
            ("load", self.load),
            ("waiting", self.waiting),
        ]
    }

    /// The most a pair can score.
    pub fn maximum(&self) -> f64 {
        self.named().iter().map(|(_, w)| w).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_keys_take_defaults_and_bad_values_are_named() {
        let weights = Weights::from_json(&json!({ "language": 5 })).unwrap_or_default();
        assert_eq!(weights.language, 5.0);
        assert_eq!(weights.distance, Weights::default().distance);
        let bad = Weights::from_json(&json!({ "topics": 11 }));
        assert_eq!(bad, Err("topics must lie between 0 and 10".into()));
        assert!(Weights::from_json(&json!({ "language": "much" })).is_err());
        assert_eq!(
            Weights::from_json(&json!({ "neighbourKm": 500 })),
            Err("neighbourKm must lie above 0 and at most 30".into())
        );
    }
}
