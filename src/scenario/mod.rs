//! Scenario files: the TOML a user writes, parsed with serde and checked before any run.
//!
//! Loading is: read the file → TOML table → apply `--set`-style overrides by dotted path →
//! deserialize (unknown keys are errors) → semantic validation. Every error names the file,
//! the field and what is allowed.

pub mod actions;
pub mod add_hosts;
pub mod connection_log;
pub mod duration;
pub mod error;
pub mod input_file;
pub mod instant;
pub mod names;
pub mod personal;
pub mod replay;
pub mod sizing;
pub mod update;
mod validate;
pub mod work;
pub mod workload;

pub use actions::ActionSpec;
pub use duration::Duration;
pub use error::ScenarioError;
pub use instant::At;
pub use personal::{AssignmentSpec, AssignmentType, BootTime, DesktopChoice, PersonalMode};
pub use update::{DelayFrom, UpdateOrder, UpdateSpec};
pub use workload::{
    ArrivalSpec, Arrivals, ReconnectSpec, SessionDist, StormDays, StormShape, WorkloadSpec,
};

use serde::Deserialize;
use std::path::Path;

/// The session limit the service uses when none is set (also its maximum).
pub const MAX_SESSION_LIMIT: u32 = 999_999;

/// A whole scenario, as written in its TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name, used for the default output directory.
    pub name: String,
    /// Free text shown in reports.
    #[serde(default)]
    pub description: String,
    /// Simulated time span of each replication. Required, except that a replay without it
    /// runs for the log's span (zero here until the log is read).
    #[serde(default)]
    pub duration: Duration,
    /// The scenario seed; every random stream derives from it.
    #[serde(default)]
    pub seed: u64,
    /// Number of independent replications.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Start of measurement: metrics ignore `[0, warmup)` so they describe a loaded pool, not
    /// one filling up from empty. The time series and trace still cover the whole run.
    #[serde(default)]
    pub warmup: Duration,
    /// Width of a row of `timeseries.csv`.
    #[serde(default = "default_time_bin")]
    pub time_bin: Duration,
    /// The host pool.
    pub pool: PoolSpec,
    /// Who logs in, when, and for how long.
    pub workload: WorkloadSpec,
    /// Scheduled admin actions.
    #[serde(default)]
    pub actions: Vec<ActionSpec>,
    /// A session host update (see [`UpdateSpec`]).
    pub update: Option<UpdateSpec>,
    /// Several session host updates, one after another (instead of `[update]`).
    #[serde(default)]
    pub updates: Vec<UpdateSpec>,
}

fn default_replications() -> u32 {
    1
}

fn default_time_bin() -> Duration {
    Duration(5 * crate::engine::time::MINUTE)
}

/// Which kind of host pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolKind {
    /// Users share hosts; each login is load-balanced.
    Pooled,
    /// Each host belongs to one user (see `scenario/personal.rs`).
    Personal,
    /// A Remote Desktop Services personal session collection (`-PersonalUnmanaged`).
    RdsPersonalCollection,
}

/// The pooled load-balancing algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadBalancer {
    /// Random among the ⌈n/2⌉ candidates with the fewest sessions (the public docs' rule).
    BreadthFirst,
    /// The candidate with the fewest sessions; ties broken by a seeded random choice.
    BreadthFirstStrict,
    /// The candidate with the most sessions still below the limit; ties by host order.
    DepthFirst,
}

/// The `[pool]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// Pool kind.
    pub kind: PoolKind,
    /// Load-balancing algorithm for pooled pools.
    #[serde(default = "default_balancer")]
    pub load_balancer: LoadBalancer,
    /// Number of session hosts at the start.
    pub hosts: i64,
    /// Max session limit per host (active + disconnected sessions count).
    pub max_sessions: Option<i64>,
    /// vCPUs per host; with `user_type`, sets the session limit from the sizing guidelines.
    pub vcpus: Option<i64>,
    /// The users' workload type, for sizing with `vcpus`.
    pub user_type: Option<sizing::UserType>,
    /// Host name prefix: hosts are named `<prefix>-0`, `<prefix>-1`, …
    #[serde(default = "default_prefix")]
    pub name_prefix: String,

    // Personal pools and RDS personal session collections: see `scenario/personal.rs`.
    /// Personal host pools: `automatic` (default) or `direct`.
    pub assignment: Option<AssignmentType>,
    /// Multiple personal desktops per user (load balancer type MultiplePersistent).
    pub multiple_desktops: Option<bool>,
    /// How a user with several desktops picks one: `random` (default) or `first`.
    pub desktop_choice: Option<DesktopChoice>,
    /// RDS collections: new users get an unassigned host (`-AutoAssignUser`).
    pub auto_assign_user: Option<bool>,
    /// RDS collections: owners are local admins (`-GrantAdministrativePrivilege`).
    pub grant_admin_privilege: Option<bool>,
    /// Initial assignments, inline.
    #[serde(default)]
    pub assignments: Vec<AssignmentSpec>,
    /// Initial assignments from a CSV file `user,host[,friendly_name]`, relative to the
    /// scenario file.
    pub assignments_file: Option<String>,
    /// Rows read from `assignments_file` at load time, with their line numbers.
    #[serde(skip)]
    pub imported_assignments: Vec<(usize, AssignmentSpec)>,
    /// Start VM on Connect: a login to a stopped host waits for it to boot.
    pub start_vm_on_connect: Option<bool>,
    /// Boot time of a stopped host (default 2m).
    pub boot_time: Option<BootTime>,
    /// All hosts start stopped.
    pub initially_stopped: Option<bool>,
    /// A host with no session for this long is stopped.
    pub stop_when_idle: Option<Duration>,
}

fn default_balancer() -> LoadBalancer {
    LoadBalancer::BreadthFirst
}

fn default_prefix() -> String {
    "sh".to_string()
}

impl PoolSpec {
    /// The effective session limit: the configured one, else the one sized from `vcpus` and
    /// `user_type`, else the service default.
    pub fn session_limit(&self) -> u32 {
        if self.kind.is_personal() {
            return 1;
        }
        let sized = match (self.vcpus, self.user_type) {
            (Some(v), Some(t)) => {
                Some(i64::from(sizing::sessions_per_host(v.clamp(0, 1024) as u32, t)))
            }
            _ => None,
        };
        self.max_sessions
            .or(sized)
            .map_or(MAX_SESSION_LIMIT, |m| m.clamp(1, MAX_SESSION_LIMIT as i64) as u32)
    }

    /// Number of hosts at the start, once validated.
    pub fn host_count(&self) -> u32 {
        self.hosts.clamp(0, u32::MAX as i64) as u32
    }
}

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
    imported: std::sync::Mutex<Option<(String, personal::ImportedRows)>>,
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
                    let rows = personal::read_assignments_file(&rel, file)?;
                    *cache = Some((rel, rows.clone()));
                    rows
                }
            };
            scenario.pool.imported_assignments = rows;
        }
        replay::load_log(&mut scenario, file, &self.replayed)?;
        validate::check(&scenario, file)?;
        Ok(scenario)
    }
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
