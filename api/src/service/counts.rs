//! Totals of public lists remembered per data version. Counting some 80,000 published offers
//! for every page was most of a page's SQL, while the public catalogue only changes when a
//! write bumps the data version (every write the public can see does, through `effects`,
//! as does the search indexer). A total is remembered under the version and the counting
//! statement with its values (today's date included, so offers that end today drop out
//! tomorrow): it is exact, and never served after a change.

use moka::sync::Cache;

/// Remembered totals, bounded in bytes (the statement text is most of an entry).
pub struct RememberedCounts {
    cache: Cache<String, u64>,
}

impl RememberedCounts {
    pub fn new(max_bytes: u64) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|key: &String, _| u32::try_from(key.len() + 8).unwrap_or(u32::MAX))
                .build(),
        }
    }

    /// The totals valid at one data version.
    pub fn at(&self, version: u64) -> CountsAt<'_> {
        CountsAt {
            counts: self,
            version,
        }
    }
}

/// Remembered totals at one data version.
#[derive(Clone, Copy)]
pub struct CountsAt<'a> {
    counts: &'a RememberedCounts,
    version: u64,
}

impl CountsAt<'_> {
    fn key(&self, statement: &str) -> String {
        format!("{}\u{0}{statement}", self.version)
    }

    /// The total of the list `statement` selects, if it was counted at this version.
    pub fn get(&self, statement: &str) -> Option<u64> {
        self.counts.cache.get(&self.key(statement))
    }

    pub fn remember(&self, statement: &str, total: u64) {
        self.counts.cache.insert(self.key(statement), total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_is_found_only_at_its_version_and_for_its_statement() {
        let counts = RememberedCounts::new(1 << 20);
        counts.at(3).remember("SELECT … WHERE a = 1", 42);
        assert_eq!(counts.at(3).get("SELECT … WHERE a = 1"), Some(42));
        assert_eq!(counts.at(4).get("SELECT … WHERE a = 1"), None);
        assert_eq!(counts.at(3).get("SELECT … WHERE a = 2"), None);
    }
}
