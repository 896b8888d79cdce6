//! The pool-wide proposal: which request goes to which mentor so that the pool's total
//! score is as high as it can be, with no mentor over capacity and no pair that breaks a
//! hard rule. Solved exactly as an assignment problem (the Hungarian method with
//! potentials): every free place of a mentor is a column, every request a row, and each
//! request also has a column of its own meaning "not placed", so leaving a request
//! unplaced is allowed when no place is left for it.

/// Scores of every request (rows) with every mentor (columns); `None` where a hard rule
/// forbids the pair.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreTable {
    pub requests: usize,
    pub mentors: usize,
    /// Row-major, `requests × mentors`.
    pub scores: Vec<Option<f64>>,
    /// Free places per mentor.
    pub places: Vec<u32>,
}

impl ScoreTable {
    /// An empty table (every pair forbidden) of the given size.
    pub fn new(requests: usize, places: Vec<u32>) -> Self {
        let mentors = places.len();
        Self {
            requests,
            mentors,
            scores: vec![None; requests * mentors],
            places,
        }
    }

    pub fn get(&self, request: usize, mentor: usize) -> Option<f64> {
        self.scores
            .get(request * self.mentors + mentor)
            .copied()
            .flatten()
    }

    pub fn set(&mut self, request: usize, mentor: usize, score: f64) {
        if let Some(cell) = self.scores.get_mut(request * self.mentors + mentor) {
            *cell = Some(score);
        }
    }

    /// The total score of an assignment.
    pub fn total(&self, assignment: &[Option<usize>]) -> f64 {
        assignment
            .iter()
            .enumerate()
            .filter_map(|(r, m)| m.and_then(|m| self.get(r, m)))
            .sum()
    }
}

/// The assignment with the highest total score: for each request, the mentor it goes to.
pub fn best(table: &ScoreTable) -> Vec<Option<usize>> {
    let n = table.requests;
    if n == 0 {
        return Vec::new();
    }
    // Columns: one per free place, then one "not placed" column per request.
    let mut seat_owner: Vec<usize> = Vec::new();
    for (mentor, places) in table.places.iter().enumerate() {
        let usable = (*places as usize).min(n);
        seat_owner.extend(std::iter::repeat_n(mentor, usable));
    }
    let seats = seat_owner.len();
    let m = seats + n;
    // A forbidden pair costs more than any real assignment could gain.
    let forbidden = 1e12;
    let cost = |row: usize, col: usize| -> f64 {
        if col < seats {
            table.get(row, seat_owner[col]).map_or(forbidden, |s| -s)
        } else {
            0.0
        }
    };

    // Potentials and matching, 1-based with column 0 as the virtual start.
    let mut u = vec![0.0f64; n + 1];
    let mut v = vec![0.0f64; m + 1];
    let mut row_of = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    let mut min_to = vec![0.0f64; m + 1];
    let mut used = vec![false; m + 1];
    for row in 1..=n {
        row_of[0] = row;
        let mut col0 = 0usize;
        min_to.iter_mut().for_each(|x| *x = f64::INFINITY);
        used.iter_mut().for_each(|x| *x = false);
        loop {
            used[col0] = true;
            let r0 = row_of[col0];
            let mut delta = f64::INFINITY;
            let mut next = 0usize;
            for col in 1..=m {
                if used[col] {
                    continue;
                }
                let reduced = cost(r0 - 1, col - 1) - u[r0] - v[col];
                if reduced < min_to[col] {
                    min_to[col] = reduced;
                    way[col] = col0;
                }
                if min_to[col] < delta {
                    delta = min_to[col];
                    next = col;
                }
            }
            for col in 0..=m {
                if used[col] {
                    u[row_of[col]] += delta;
                    v[col] -= delta;
                } else {
                    min_to[col] -= delta;
                }
            }
            col0 = next;
            if row_of[col0] == 0 {
                break;
            }
        }
        loop {
            let previous = way[col0];
            row_of[col0] = row_of[previous];
            col0 = previous;
            if col0 == 0 {
                break;
            }
        }
    }
    let mut out = vec![None; n];
    for col in 1..=seats {
        let row = row_of[col];
        if row > 0 && table.get(row - 1, seat_owner[col - 1]).is_some() {
            out[row - 1] = Some(seat_owner[col - 1]);
        }
    }
    out
}

/// The greedy assignment (best pair first), for comparison: never better than [`best`].
pub fn greedy(table: &ScoreTable) -> Vec<Option<usize>> {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for r in 0..table.requests {
        for m in 0..table.mentors {
            if let Some(score) = table.get(r, m) {
                pairs.push((score, r, m));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut left = table.places.clone();
    let mut out = vec![None; table.requests];
    for (_, r, m) in pairs {
        if out[r].is_none() && left[m] > 0 {
            out[r] = Some(m);
            left[m] -= 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic random source for the tests.
    struct Lcg(u64);
    impl Lcg {
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
    }

    fn random_table(rng: &mut Lcg, requests: usize, mentors: usize, forbid_pct: u64) -> ScoreTable {
        let places = (0..mentors).map(|_| rng.below(3) as u32).collect();
        let mut table = ScoreTable::new(requests, places);
        for r in 0..requests {
            for m in 0..mentors {
                if rng.below(100) >= forbid_pct {
                    table.set(r, m, (rng.below(1000) as f64) / 100.0 + 0.01);
                }
            }
        }
        table
    }

    fn brute_force(table: &ScoreTable) -> f64 {
        fn go(table: &ScoreTable, r: usize, left: &mut Vec<u32>) -> f64 {
            if r == table.requests {
                return 0.0;
            }
            let mut best = go(table, r + 1, left);
            for m in 0..table.mentors {
                if let Some(score) = table.get(r, m)
                    && left[m] > 0
                {
                    left[m] -= 1;
                    best = best.max(score + go(table, r + 1, left));
                    left[m] += 1;
                }
            }
            best
        }
        go(table, 0, &mut table.places.clone())
    }

    fn valid(table: &ScoreTable, assignment: &[Option<usize>]) -> bool {
        let mut used = vec![0u32; table.mentors];
        for (r, m) in assignment.iter().enumerate() {
            if let Some(m) = m {
                if table.get(r, *m).is_none() {
                    return false;
                }
                used[*m] += 1;
            }
        }
        used.iter().zip(&table.places).all(|(u, p)| u <= p)
    }

    #[test]
    fn equals_brute_force_on_small_pools() {
        let mut rng = Lcg(7);
        for case in 0..300 {
            let requests = 1 + rng.below(6) as usize;
            let mentors = 1 + rng.below(4) as usize;
            let table = random_table(&mut rng, requests, mentors, 30);
            let assignment = best(&table);
            assert!(valid(&table, &assignment), "case {case}");
            let expected = brute_force(&table);
            assert!(
                (table.total(&assignment) - expected).abs() < 1e-6,
                "case {case}: {} against {expected}",
                table.total(&assignment)
            );
        }
    }

    #[test]
    fn never_worse_than_greedy_on_larger_pools() {
        let mut rng = Lcg(11);
        let mut strictly_better = 0;
        for _ in 0..20 {
            let table = random_table(&mut rng, 80, 50, 60);
            let optimal = best(&table);
            let quick = greedy(&table);
            assert!(valid(&table, &optimal) && valid(&table, &quick));
            let (a, b) = (table.total(&optimal), table.total(&quick));
            assert!(a + 1e-6 >= b, "{a} < {b}");
            if a > b + 1e-6 {
                strictly_better += 1;
            }
        }
        assert!(
            strictly_better > 0,
            "the cases include ones greedy gets wrong"
        );
    }

    #[test]
    fn the_classic_trap_for_greedy() {
        // Greedy takes the single best pair (9) and strands the other request; the best
        // assignment gives 8 + 7.
        let mut table = ScoreTable::new(2, vec![1, 1]);
        table.set(0, 0, 9.0);
        table.set(0, 1, 8.0);
        table.set(1, 0, 7.0);
        assert_eq!(best(&table), [Some(1), Some(0)]);
        assert_eq!(greedy(&table), [Some(0), None]);
    }

    #[test]
    fn requests_without_a_place_stay_unplaced() {
        let mut table = ScoreTable::new(3, vec![1, 0]);
        table.set(0, 0, 1.0);
        table.set(1, 0, 2.0);
        table.set(2, 1, 5.0);
        assert_eq!(best(&table), [None, Some(0), None]);
    }
}
