//! `shard.json`: what a shard folder holds — the command and the arguments that shape its
//! outputs, which share of the work it ran, and a fingerprint of the scenario as loaded — so
//! `merge` can refuse shards of different work before writing anything.
//!
//! It lives only in shard folders: the merged outputs do not mention shards, so they are the
//! unsplit command's, provenance included.

use super::Shard;
use serde::{Deserialize, Serialize};

/// The file's name in a shard folder.
pub const FILE: &str = "shard.json";

/// The contents of `shard.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The poolsim version that ran the shard.
    pub poolsim_version: String,
    /// `run` or `sweep`.
    pub command: String,
    /// Which share: `K` of `N`.
    pub shard: Shard,
    /// The command's arguments that shape its outputs (not `--out`, `--threads`, `--quiet`).
    pub arguments: serde_json::Value,
    /// SHA-256 of the scenario as loaded (every point of a sweep) and the metric columns.
    pub fingerprint: String,
    /// Units (replications) of the whole work.
    pub units: u64,
    /// Output files the shard carries as they are (a run's replication-0 files).
    pub files: Vec<String>,
}

impl Manifest {
    /// The manifest's bytes.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("the manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    /// Parses `shard.json`.
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }
}

/// Checks that `shards` (each with the folder it came from, as shown to the user) are every
/// shard of one piece of work, each once, made by poolsim `version`; returns them ordered by
/// shard number. `Err` is one sentence naming the folder at fault.
pub fn check_complete(
    mut shards: Vec<(String, Manifest)>,
    version: &str,
) -> Result<Vec<(String, Manifest)>, String> {
    let Some((first_dir, first)) = shards.first().cloned() else {
        return Err("give the shard folders to merge".into());
    };
    for (dir, m) in &shards {
        if m.poolsim_version != version {
            return Err(format!(
                "{dir}: made by poolsim {}, this is poolsim {version}; merge with the version \
                 that ran the shards",
                m.poolsim_version
            ));
        }
        if m.command != first.command {
            return Err(format!(
                "{dir}: a shard of a {}, {first_dir} of a {}",
                m.command, first.command
            ));
        }
        if m.shard.count != first.shard.count {
            return Err(format!(
                "{dir}: shard {} but {first_dir} is shard {}: shards of different splits",
                m.shard, first.shard
            ));
        }
        if let Some(key) = differing_argument(&m.arguments, &first.arguments) {
            return Err(format!(
                "{dir}: another {} than {first_dir}: its {key} differs",
                first.command
            ));
        }
        if m.fingerprint != first.fingerprint || m.units != first.units {
            return Err(format!(
                "{dir}: another scenario than {first_dir}: the scenario file or a file it \
                 reads changed between the shards"
            ));
        }
    }
    shards.sort_by_key(|(_, m)| m.shard.index);
    for pair in shards.windows(2) {
        if pair[0].1.shard.index == pair[1].1.shard.index {
            return Err(format!(
                "{} and {} are both shard {}",
                pair[0].0, pair[1].0, pair[0].1.shard
            ));
        }
    }
    let n = first.shard.count;
    if let Some(k) = (1..=n).find(|k| !shards.iter().any(|(_, m)| m.shard.index == *k)) {
        let given: Vec<String> = shards.iter().map(|(_, m)| m.shard.index.to_string()).collect();
        return Err(format!("shard {k}/{n} is missing (given: {})", given.join(", ")));
    }
    Ok(shards)
}

/// The first argument (by name) whose value differs between two argument objects.
fn differing_argument(a: &serde_json::Value, b: &serde_json::Value) -> Option<String> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return (a != b).then(|| "arguments".to_string());
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .find(|k| a.get(k.as_str()) != b.get(k.as_str()))
        .map(|k| format!("--{}", k.replace('_', "-")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(k: u32, n: u32) -> (String, Manifest) {
        let m = Manifest {
            poolsim_version: "1.0".into(),
            command: "sweep".into(),
            shard: Shard { index: k, count: n },
            arguments: serde_json::json!({ "seed": 1, "set": ["pool.hosts=1,2"] }),
            fingerprint: "abc".into(),
            units: 10,
            files: vec![],
        };
        (format!("d{k}"), m)
    }

    #[test]
    fn a_complete_set_is_ordered_and_faults_are_named() {
        let set = vec![manifest(3, 3), manifest(1, 3), manifest(2, 3)];
        let ok = check_complete(set.clone(), "1.0").unwrap();
        assert_eq!(ok.iter().map(|(_, m)| m.shard.index).collect::<Vec<_>>(), [1, 2, 3]);
        let err = |set: Vec<(String, Manifest)>| check_complete(set, "1.0").unwrap_err();
        assert!(err(set[..2].to_vec()).contains("shard 2/3 is missing"));
        assert!(err(vec![manifest(1, 2), manifest(1, 2)]).contains("both shard 1/2"));
        assert!(err(vec![manifest(1, 2), manifest(2, 3)]).contains("different splits"));
        let mut seed = manifest(2, 2);
        seed.1.arguments["seed"] = 2.into();
        assert!(err(vec![manifest(1, 2), seed]).contains("its --seed differs"));
        let mut other = manifest(2, 2);
        other.1.fingerprint = "def".into();
        assert!(err(vec![manifest(1, 2), other]).contains("another scenario"));
        assert!(check_complete(vec![manifest(1, 1)], "2.0").unwrap_err().contains("poolsim 1.0"));
    }
}
