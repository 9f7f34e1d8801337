//! Shards: one run's replications, or one sweep's points × replications, split over several
//! processes or machines (`--shard K/N`) and merged back (`poolsim merge`) into the outputs the
//! unsplit command writes, byte for byte.
//!
//! The work is a flat list of units — a run's replications, or a sweep's (point, replication)
//! pairs, point-major — and unit `i` belongs to shard `i mod N` (shard `K` holds the units with
//! `i mod N = K - 1`): shares differ by at most one unit, and every point's replications are
//! spread over the shards, so a grid whose points cost differently still balances. Each
//! replication draws from its own random streams, so where it ran does not change it.
//!
//! A shard folder holds the shard's raw per-replication records (`records.rs`) and a manifest
//! (`manifest.rs`) naming the command, its arguments and the scenario's fingerprint; `merge`
//! checks the manifests agree, gathers the records, and runs the same summarising and
//! rendering code as the unsplit command. Pure: `cli/shard.rs` and `cli/merge.rs` do the I/O.

pub mod manifest;
pub mod records;

use std::fmt;

/// One share of the work: shard `index` of `count`, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// `K`, from 1 to `count`.
    pub index: u32,
    /// `N`, at least 1.
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with `1 <= K <= N`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let shown = crate::one_line::one_line(text);
        let bad = |why: &str| format!("\"{}\": {why}", shown.escape_debug());
        let (k, n) = text.split_once('/').ok_or_else(|| bad("expected K/N, e.g. 2/4"))?;
        let number = |s: &str| s.trim().parse::<u32>().ok();
        let (Some(index), Some(count)) = (number(k), number(n)) else {
            return Err(bad("expected K/N with whole numbers, e.g. 2/4"));
        };
        if count == 0 {
            return Err(bad("N must be at least 1"));
        }
        if index == 0 || index > count {
            return Err(bad(&format!("K must be from 1 to {count}")));
        }
        Ok(Shard { index, count })
    }

    /// Whether unit `unit` of the flat list of units is this shard's.
    pub fn owns(self, unit: u64) -> bool {
        unit % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// `clap` value parser for `--shard K/N`.
pub fn parse_arg(text: &str) -> Result<Shard, String> {
    Shard::parse(text)
}

/// A sweep's units, point-major: `(point, replication)` for every point's replications.
pub fn sweep_units(replications_per_point: &[u32]) -> Vec<(usize, u32)> {
    replications_per_point
        .iter()
        .enumerate()
        .flat_map(|(p, &n)| (0..n).map(move |r| (p, r)))
        .collect()
}

/// The units of `all` that belong to `shard`, in order.
pub fn share<T: Copy>(all: &[T], shard: Shard) -> Vec<T> {
    all.iter().enumerate().filter(|(i, _)| shard.owns(*i as u64)).map(|(_, u)| *u).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_of_n_parses_and_bad_forms_are_refused() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(Shard::parse("1/1"), Ok(Shard { index: 1, count: 1 }));
        for bad in ["0/4", "5/4", "1/0", "0/0", "2", "a/4", "2/b", "-1/4", "2/4/6", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn shares_cover_every_unit_once_and_differ_by_at_most_one() {
        let units = sweep_units(&[3, 5, 1, 4]);
        for n in 1..=7u32 {
            let shares: Vec<Vec<(usize, u32)>> =
                (1..=n).map(|k| share(&units, Shard { index: k, count: n })).collect();
            let mut all: Vec<(usize, u32)> = shares.iter().flatten().copied().collect();
            all.sort();
            let mut expected = units.clone();
            expected.sort();
            assert_eq!(all, expected, "N = {n}: every unit exactly once");
            let sizes: Vec<usize> = shares.iter().map(Vec::len).collect();
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(hi - lo <= 1, "N = {n}: shares {sizes:?}");
        }
    }
}
