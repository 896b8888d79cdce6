//! What a committed write changed, as its side effects need to know it: which offers the
//! public saw before or sees now, which providers' public profiles, which mentors and
//! matches (what the matching reads), reference data, and sign-ins that ended.
//!
//! A write returns its result wrapped in [`Committed`], and the only way to the result is
//! through the application's `Effects`, which turns the changes into subscription events
//! and drops cached public answers (the search work is already in the write's outbox
//! rows). So every entry point (GraphQL, the commands, the jobs) gets the same side effects,
//! and none can forget them.

use uuid::Uuid;

/// One thing a write changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// An offer; whether the public saw it before the write and sees it after.
    Offer {
        id: Uuid,
        was_public: bool,
        is_public: bool,
    },
    /// A provider's public profile.
    Provider { id: Uuid },
    /// A match's state (and so its mentor's load).
    Match { id: Uuid },
    /// What the matching reads of a mentor: status, screening, languages, times, home.
    Mentor { id: Uuid },
    /// Reference data: regions (names, coordinates, postcodes, parts) or categories.
    Reference,
    /// A sign-in ended: signed out, or revoked when its refresh token came back twice.
    SignInEnded { session: Uuid },
}

impl Changed {
    /// Whether anonymous readers may see the difference.
    pub fn is_public(&self) -> bool {
        match self {
            Self::Offer {
                was_public,
                is_public,
                ..
            } => *was_public || *is_public,
            Self::Provider { .. } | Self::Reference => true,
            Self::Match { .. } | Self::Mentor { .. } | Self::SignInEnded { .. } => false,
        }
    }

    /// Whether regions or categories changed.
    pub fn touches_reference(&self) -> bool {
        matches!(self, Self::Reference)
    }

    /// Whether the matching's view of mentors may differ (their load, their profile, the
    /// map points of their homes).
    pub fn touches_matching(&self) -> bool {
        matches!(
            self,
            Self::Match { .. } | Self::Mentor { .. } | Self::Reference
        )
    }
}

/// Everything a write changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes(Vec<Changed>);

impl Changes {
    /// No change.
    pub fn none() -> Self {
        Self::default()
    }

    /// One change.
    pub fn one(change: Changed) -> Self {
        Self(vec![change])
    }

    /// Adds a change.
    pub fn push(&mut self, change: Changed) {
        self.0.push(change);
    }

    /// Adds the changes of another write.
    pub fn extend(&mut self, other: Changes) {
        self.0.extend(other.0);
    }

    /// The changes, in the order they were made.
    pub fn iter(&self) -> impl Iterator<Item = &Changed> {
        self.0.iter()
    }

    /// Whether anonymous readers may see any of them.
    pub fn touches_public(&self) -> bool {
        self.0.iter().any(Changed::is_public)
    }

    /// Whether regions or categories changed with any of them.
    pub fn touches_reference(&self) -> bool {
        self.0.iter().any(Changed::touches_reference)
    }

    /// Whether the matching's view of mentors may differ after any of them.
    pub fn touches_matching(&self) -> bool {
        self.0.iter().any(Changed::touches_matching)
    }
}

impl FromIterator<Changed> for Changes {
    fn from_iter<I: IntoIterator<Item = Changed>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// The result of a committed write, with what it changed. Take the result through the
/// application's `Effects::apply`, which runs the side effects first.
#[must_use = "a write's side effects run only when its result is taken through `Effects::apply`"]
#[derive(Debug)]
pub struct Committed<T> {
    value: T,
    changes: Changes,
}

impl<T> Committed<T> {
    pub fn new(value: T, changes: Changes) -> Self {
        Self { value, changes }
    }

    /// The same changes with another result (e.g. a report built from the written rows).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Committed<U> {
        Committed {
            value: f(self.value),
            changes: self.changes,
        }
    }

    /// The same result, having changed one thing more.
    pub fn with(mut self, change: Changed) -> Self {
        self.changes.push(change);
        self
    }

    /// What the write changed.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// Result and changes apart: for `Effects`, which runs the side effects.
    pub(crate) fn into_parts(self) -> (T, Changes) {
        (self.value, self.changes)
    }
}
