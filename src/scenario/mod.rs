//! Scenario files: the TOML a user writes, parsed with serde and checked before any run.
//!
//! Loading is: read the file → TOML table → apply `--set`-style overrides by dotted path →
//! deserialize (unknown keys are errors) → semantic validation. Every error names the file,
//! the field and what is allowed.

pub mod actions;
pub mod add_hosts;
pub mod assignments_csv;
pub mod autoscale;
pub mod balancer;
pub mod calendar;
pub mod connection_log;
pub mod duration;
pub mod error;
pub mod faults;
pub mod input_file;
pub mod instant;
pub mod interner;
pub mod names;
pub mod personal;
pub mod replay;
pub mod sizing;
pub mod spec;
pub mod update;
pub mod validate;
pub mod windows;
pub mod work;
pub mod workload;

pub use actions::ActionSpec;
pub use balancer::LoadBalancer;
pub use calendar::StartDate;
pub use duration::Duration;
pub use error::ScenarioError;
pub use instant::At;
pub use personal::{AssignmentSpec, AssignmentType, BootTime, DesktopChoice, PersonalMode};
pub use spec::{MAX_SESSION_LIMIT, PoolKind, PoolSpec, Scenario, planned_names};
pub use update::{DelayFrom, UpdateOrder, UpdateSpec};
pub use workload::{
    ArrivalSpec, Arrivals, ReconnectSpec, SessionDist, StormDays, StormShape, WorkloadSpec,
};

use serde::Deserialize;
use std::path::Path;

/// A value for a dotted scenario path, as given by `--set path=value`.
#[derive(Debug, Clone)]
pub struct Override {
    /// Dotted path, e.g. `pool.hosts`.
    pub path: String,
    /// The value, already typed (integer, float, bool or string).
    pub value: toml::Value,
}

impl Override {
    /// Parses `path=value`; the value is read as TOML if it can be, else as a string.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (path, raw) =
            text.split_once('=').ok_or_else(|| format!("\"{text}\": expected path=value"))?;
        Ok(Override { path: path.trim().to_string(), value: parse_value(raw.trim()) })
    }
}

/// Reads a command-line value as a TOML scalar where possible (`20`, `0.5`, `true`), else
/// as a string (`20m`, `depth_first`).
pub fn parse_value(raw: &str) -> toml::Value {
    let doc = format!("v = {raw}");
    match doc.parse::<toml::Table>() {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(raw.to_string())),
        Err(_) => toml::Value::String(raw.to_string()),
    }
}

/// Reads, overrides, parses and validates a scenario file.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    Template::read(path)?.with(overrides)
}

/// Parses and validates scenario text; `file` names it in errors.
pub fn from_str(text: &str, file: &str, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    Template::parse(text, file)?.with(overrides)
}

/// A scenario file read and parsed once, from which scenarios with different overrides are
/// made (a sweep makes one per point: reading and parsing the file, and importing its
/// assignments, once for all of them).
pub struct Template {
    file: String,
    table: toml::Table,
    /// The last assignments file imported, by path as written, and its rows.
    imported: std::sync::Mutex<Option<(String, assignments_csv::ImportedRows)>>,
    /// The last connection log read for a replay.
    replayed: replay::LogCache,
}

impl Template {
    /// Reads and parses the scenario file at `path`.
    pub fn read(path: &Path) -> Result<Self, ScenarioError> {
        let file = path.display().to_string();
        let text = input_file::read_text(path, input_file::MAX_SCENARIO_BYTES)
            .map_err(|m| ScenarioError::new(&file, "", m))?;
        Self::parse(&text, &file)
    }

    /// Parses scenario text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Self, ScenarioError> {
        let table: toml::Table =
            text.parse().map_err(|e: toml::de::Error| ScenarioError::from_toml(file, text, &e))?;
        Ok(Template {
            file: file.to_string(),
            table,
            imported: Default::default(),
            replayed: Default::default(),
        })
    }

    /// The scenario with `overrides` applied, validated.
    pub fn with(&self, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let scenario = self.build(overrides)?;
        validate::check(&scenario, &self.file)?;
        Ok(scenario)
    }

    /// Like [`Template::with`], but reports every semantic problem, not the first (`poolsim
    /// validate`); a problem before validation (an override, a type, the assignments file)
    /// still gives one error.
    pub fn with_all_errors(&self, overrides: &[Override]) -> Result<Scenario, Vec<ScenarioError>> {
        let scenario = self.build(overrides).map_err(|e| vec![e])?;
        let errors = validate::check_all(&scenario, &self.file);
        if errors.is_empty() { Ok(scenario) } else { Err(errors) }
    }

    /// The scenario with `overrides` applied and its assignments imported, not yet validated.
    fn build(&self, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let file = self.file.as_str();
        let mut table = self.table.clone();
        for o in overrides {
            set_path(&mut table, &o.path, o.value.clone())
                .map_err(|m| ScenarioError::new(file, &o.path, m))?;
        }
        // Plain deserializing is twice as fast as with the field path tracked, which only an
        // error needs: a sweep of 100,000 points deserializes 100,000 scenarios.
        let mut scenario = match Scenario::deserialize(toml::Value::Table(table.clone())) {
            Ok(s) => s,
            Err(_) => serde_path_to_error::deserialize(toml::Value::Table(table))
                .map_err(|e| ScenarioError::from_serde(file, &e))?,
        };
        if let Some(rel) = scenario.pool.assignments_file.clone() {
            let mut cache = self.imported.lock().unwrap_or_else(|p| p.into_inner());
            let rows = match cache.as_ref() {
                Some((cached, rows)) if *cached == rel => rows.clone(),
                _ => {
                    let rows = assignments_csv::read_assignments_file(&rel, file)?;
                    *cache = Some((rel, rows.clone()));
                    rows
                }
            };
            scenario.pool.imported_assignments = rows;
        }
        replay::load_log(&mut scenario, file, &self.replayed)?;
        Ok(scenario)
    }
}

/// Like [`load`], but reports every semantic problem rather than the first (`poolsim
/// validate`); a file that cannot be read or parsed still gives one error.
pub fn load_all_errors(
    path: &Path,
    overrides: &[Override],
) -> Result<Scenario, Vec<ScenarioError>> {
    Template::read(path).map_err(|e| vec![e])?.with_all_errors(overrides)
}

/// Sets `value` at a dotted `path`, creating intermediate tables; `actions.0.at` indexes arrays.
fn set_path(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!("\"{path}\" is not a dotted key path like pool.hosts"));
    }
    let mut cur = table;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if last {
            cur.insert((*part).to_string(), value);
            return Ok(());
        }
        let next = cur
            .entry((*part).to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cur = match next {
            toml::Value::Table(t) => t,
            toml::Value::Array(a) => {
                let idx: usize = parts[i + 1]
                    .parse()
                    .map_err(|_| format!("{part} is a list; index it by number ({part}.0…)"))?;
                let rest = parts[i + 2..].join(".");
                let item = a.get_mut(idx).ok_or_else(|| format!("{part} has no item {idx}"))?;
                return match item {
                    toml::Value::Table(t) if !rest.is_empty() => set_path(t, &rest, value),
                    _ if rest.is_empty() => {
                        *item = value;
                        Ok(())
                    }
                    _ => Err(format!("{part}.{idx} is not a table")),
                };
            }
            _ => return Err(format!("{part} is not a table")),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_values_get_toml_types() {
        assert_eq!(parse_value("20"), toml::Value::Integer(20));
        assert_eq!(parse_value("0.5"), toml::Value::Float(0.5));
        assert_eq!(parse_value("20m"), toml::Value::String("20m".into()));
        assert_eq!(parse_value("depth_first"), toml::Value::String("depth_first".into()));
    }

    #[test]
    fn overrides_reach_nested_and_indexed_keys() {
        let mut t: toml::Table = "[pool]\nhosts = 3\n[[actions]]\nat = \"1h\"".parse().unwrap();
        set_path(&mut t, "pool.hosts", toml::Value::Integer(9)).unwrap();
        set_path(&mut t, "actions.0.at", toml::Value::String("2h".into())).unwrap();
        assert_eq!(t["pool"]["hosts"].as_integer(), Some(9));
        assert_eq!(t["actions"][0]["at"].as_str(), Some("2h"));
        assert!(set_path(&mut t, "pool.hosts.x", toml::Value::Integer(1)).is_err());
    }
}
