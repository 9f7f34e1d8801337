//! Writing a shard folder (`run --shard`, `sweep --shard`): the manifest, the raw records and
//! any output file the shard carries as it is, swapped in whole like every output folder.

use super::Failure;
use crate::output::folder::OutputFolder;
use crate::shard::{Shard, manifest, manifest::Manifest, records, records::Record};
use serde::Serialize;
use std::path::Path;

/// The manifest of shard `shard` of a `command` run with `arguments`, whose scenario file is
/// `scenario`: kept as an absolute path, from which `merge` loads the scenario again.
pub fn manifest(
    command: &str,
    shard: Shard,
    arguments: &impl Serialize,
    scenario: &Path,
    fingerprint: String,
    units: usize,
) -> Result<Manifest, Failure> {
    let absolute = std::path::absolute(scenario)
        .map_err(|e| Failure::Input(format!("{}: {e}", scenario.display())))?;
    let Some(absolute) = absolute.to_str() else {
        return Err(Failure::Input(format!(
            "{}: --shard needs a scenario path that is valid UTF-8 (merge reads it again)",
            scenario.display()
        )));
    };
    let mut arguments = serde_json::to_value(arguments)
        .map_err(|e| Failure::Input(format!("--shard: the arguments cannot be recorded: {e}")))?;
    arguments["scenario"] = absolute.into();
    Ok(Manifest {
        poolsim_version: env!("CARGO_PKG_VERSION").to_string(),
        command: command.to_string(),
        shard,
        arguments,
        fingerprint,
        units: units as u64,
        files: Vec::new(),
    })
}

/// Writes the shard's files into `folder` and publishes it. `records` are sorted by point and
/// replication, so a shard's folder is the same whatever the thread count.
pub fn write(
    folder: &mut OutputFolder,
    manifest: &Manifest,
    mut records: Vec<Record>,
    files: Vec<(&str, Vec<u8>)>,
) -> Result<(), Failure> {
    records.sort_by_key(|r| (r.point, r.replication));
    let mut manifest = manifest.clone();
    manifest.files = files.iter().map(|(name, _)| name.to_string()).collect();
    for (name, bytes) in &files {
        folder.write(name, bytes)?;
    }
    folder.write(records::FILE, &records::encode(&records))?;
    folder.write(manifest::FILE, &manifest.to_json())?;
    folder.publish()?;
    Ok(())
}
