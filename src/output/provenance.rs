//! Provenance: what produced an output — the poolsim version, the scenario file (name and
//! SHA-256 of its bytes), every command-line override, and the pool settings as resolved
//! (defaults and sizing applied). Written into `summary.json`, `sweep.json` and baselines, so a
//! result handed on can be traced back and reproduced.
//!
//! Only the file's name is kept, not its directory, so the same run gives the same bytes on
//! every machine.

use crate::scenario::{LoadBalancer, Override, PoolKind, Scenario};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// What produced an output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The poolsim version (Cargo.toml's).
    pub poolsim_version: String,
    /// The scenario file's name (without its directory).
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes, in hex.
    pub scenario_sha256: String,
    /// Every override in the order applied: `--set`, then `--seed` and `--replications`,
    /// each as `path=value` (TOML syntax for the value).
    pub overrides: Vec<String>,
    /// The pool as simulated, after defaults, sizing and overrides.
    pub pool: ResolvedPool,
}

/// The pool settings a run used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolvedPool {
    /// `pooled`, `personal` or `rds_personal_collection`.
    pub kind: String,
    /// Hosts at the start.
    pub hosts: u32,
    /// The session limit per host in force (1 for personal pools).
    pub session_limit: u32,
    /// The load balancer (pooled pools; absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<String>,
    /// Host name prefix.
    pub name_prefix: String,
}

impl Provenance {
    /// The provenance of `scenario`, loaded from `file` (whose bytes are `bytes`) with
    /// `overrides`.
    pub fn new(file: &Path, bytes: &[u8], overrides: &[Override], scenario: &Scenario) -> Self {
        let name = file
            .file_name()
            .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
        Provenance {
            poolsim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_file: name,
            scenario_sha256: sha256_hex(bytes),
            overrides: overrides.iter().map(|o| format!("{}={}", o.path, o.value)).collect(),
            pool: ResolvedPool::of(scenario),
        }
    }

    /// Reads the scenario file again to hash it; the caller has just loaded it.
    pub fn of_file(file: &Path, overrides: &[Override], scenario: &Scenario) -> Self {
        let bytes = std::fs::read(file).unwrap_or_default();
        Self::new(file, &bytes, overrides, scenario)
    }
}

impl ResolvedPool {
    fn of(s: &Scenario) -> Self {
        let p = &s.pool;
        let kind = match p.kind {
            PoolKind::Pooled => "pooled",
            PoolKind::Personal => "personal",
            PoolKind::RdsPersonalCollection => "rds_personal_collection",
        };
        let balancer = match p.load_balancer {
            LoadBalancer::BreadthFirst => "breadth_first",
            LoadBalancer::BreadthFirstStrict => "breadth_first_strict",
            LoadBalancer::DepthFirst => "depth_first",
        };
        ResolvedPool {
            kind: kind.to_string(),
            hosts: p.host_count(),
            session_limit: p.session_limit(),
            load_balancer: (p.kind == PoolKind::Pooled).then(|| balancer.to_string()),
            name_prefix: p.name_prefix.clone(),
        }
    }
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_matches_the_published_test_vector() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
