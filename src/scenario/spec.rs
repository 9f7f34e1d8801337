//! The scenario file's top-level shape: `Scenario` and its `[pool]` table, with the accessors
//! every layer reads (the effective session limit, personal modes, the updates, planned host
//! names). Types only: the checks live in `validate/`.

use super::actions::ActionSpec;
use super::add_hosts::MAX_HOSTS_PER_DEPLOYMENT;
use super::autoscale::{AutoscaleSpec, CostSpec};
use super::balancer::LoadBalancer;
use super::calendar::StartDate;
use super::duration::Duration;
use super::names::{host_name, user_id, user_name};
use super::personal::{
    AssignmentSpec, AssignmentType, BootTime, DEFAULT_BOOT_TIME, DesktopChoice, PersonalMode,
};
use super::sizing;
use super::update::UpdateSpec;
use super::workload::{SessionDist, WorkloadSpec};
use serde::Deserialize;

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
    /// The date of the run's first Monday, for real dates in outputs (see `calendar.rs`).
    pub start_date: Option<StartDate>,
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
    /// Random host faults (see `scenario/faults.rs`).
    pub faults: Option<super::faults::FaultsSpec>,
    /// Named clock-time windows whose metrics are reported apart (see `scenario/windows.rs`).
    #[serde(default)]
    pub windows: Vec<super::windows::WindowSpec>,
    /// A scaling plan or the older scaling script (see `scenario/autoscale.rs`).
    pub autoscale: Option<AutoscaleSpec>,
    /// Prices of running and stopped hosts.
    pub cost: Option<CostSpec>,
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
    /// Initial assignments, inline, or `"from_log"`: each user of a replayed log gets the host
    /// the log shows them on (`scenario/replay.rs`).
    #[serde(default)]
    pub assignments: PoolAssignments,
    /// Initial assignments from a CSV file `user,host[,friendly_name]`, relative to the
    /// scenario file.
    pub assignments_file: Option<String>,
    /// Rows read from `assignments_file` at load time, with their line numbers.
    #[serde(skip)]
    pub imported_assignments: Vec<(usize, AssignmentSpec)>,
    /// With `assignments = "from_log"`: the assignments the replayed log shows, set at load
    /// time.
    #[serde(skip)]
    pub log_assignments: Vec<AssignmentSpec>,
    /// Pooled Start VM on Connect: a login that finds no room starts a stopped host
    /// (`model/power.rs`). A personal pool sets it per phase of its scaling plan.
    pub start_vm_on_connect: Option<bool>,
    /// Pooled Start VM on Connect: boot time of a stopped host (default 2m).
    pub boot_time: Option<BootTime>,
    /// Replaced by the personal scaling plan (`initial_running`); refused with a pointer.
    pub initially_stopped: Option<toml::Value>,
    /// Replaced by the personal scaling plan (`on_logoff`); refused with a pointer.
    pub stop_when_idle: Option<toml::Value>,
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

/// `[pool] assignments`: a list of `{ user, host }` tables, or `"from_log"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "a list of { user, host } tables or \"from_log\"")]
pub enum PoolAssignments {
    /// `[[pool.assignments]]` rows.
    List(Vec<AssignmentSpec>),
    /// `"from_log"`: from the replayed log's `SessionHostName`.
    FromLog(FromLog),
}

/// The one word `"from_log"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromLog {
    /// Assignments from the log.
    FromLog,
}

impl Default for PoolAssignments {
    fn default() -> Self {
        PoolAssignments::List(Vec::new())
    }
}

impl PoolAssignments {
    /// The inline rows (none for `"from_log"`).
    pub fn list(&self) -> &[AssignmentSpec] {
        match self {
            PoolAssignments::List(v) => v,
            PoolAssignments::FromLog(_) => &[],
        }
    }

    /// Whether the key is set at all.
    pub fn is_set(&self) -> bool {
        matches!(self, PoolAssignments::FromLog(_)) || !self.list().is_empty()
    }

    /// `"from_log"`.
    pub fn from_log(&self) -> bool {
        matches!(self, PoolAssignments::FromLog(_))
    }
}

impl Scenario {
    /// The number of users: the replayed log's, or `[workload] users`.
    pub fn user_count(&self) -> u32 {
        match self.replayed_users() {
            Some(names) => names.len() as u32,
            None => self.workload.users.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
        }
    }

    /// The id of the user called `name`: a name of the replayed log, or `user0001`….
    pub fn user_named(&self, name: &str) -> Option<u32> {
        match self.replayed_users() {
            Some(names) => names.binary_search_by(|n| n.as_str().cmp(name)).ok().map(|i| i as u32),
            None => user_id(name, self.user_count()),
        }
    }

    /// The name of user `id`.
    pub fn user_called(&self, id: u32) -> String {
        match self.replayed_users() {
            Some(names) => names.get(id as usize).cloned().unwrap_or_default(),
            None => user_name(id, self.user_count()),
        }
    }

    /// The replayed log's user names, sorted (their ids are their places).
    fn replayed_users(&self) -> Option<&[String]> {
        let log = self.workload.replay.as_ref()?.log.as_ref()?;
        Some(&log.users)
    }

    /// Every update of the scenario, `[update]` or `[[updates]]`, in file order.
    pub fn all_updates(&self) -> &[UpdateSpec] {
        match &self.update {
            Some(u) => std::slice::from_ref(u),
            None => &self.updates,
        }
    }

    /// The field name of update `i`, for messages.
    pub fn update_field(&self, i: usize) -> String {
        if self.update.is_some() { "update".to_string() } else { format!("updates[{i}]") }
    }
}

impl PoolKind {
    /// True for pools where each host belongs to one user.
    pub fn is_personal(self) -> bool {
        matches!(self, PoolKind::Personal | PoolKind::RdsPersonalCollection)
    }
}

impl PoolSpec {
    /// The personal settings, or `None` for a pooled pool.
    pub fn personal_mode(&self) -> Option<PersonalMode> {
        if !self.kind.is_personal() {
            return None;
        }
        let auto_assign = match self.kind {
            PoolKind::RdsPersonalCollection => self.auto_assign_user.unwrap_or(false),
            _ => self.assignment.unwrap_or_default() == AssignmentType::Automatic,
        };
        Some(PersonalMode {
            auto_assign,
            multiple_desktops: self.multiple_desktops.unwrap_or(false),
            desktop_choice: self.desktop_choice.clone().unwrap_or_default(),
            grant_admin_privilege: self.grant_admin_privilege.unwrap_or(false),
        })
    }

    /// The boot-time distribution (the default when not set).
    pub fn boot_time_dist(&self) -> SessionDist {
        self.boot_time
            .as_ref()
            .map_or(SessionDist::Fixed { value: DEFAULT_BOOT_TIME }, |b| b.0.clone())
    }

    /// Every initial assignment: inline rows first, then the file's, each with the field that
    /// names it in errors.
    pub fn initial_assignments(&self) -> impl Iterator<Item = (String, &AssignmentSpec)> {
        let inline = self
            .assignments
            .list()
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("pool.assignments[{i}]"), a));
        let file = self.assignments_file.as_deref().unwrap_or("");
        let imported = self
            .imported_assignments
            .iter()
            .map(move |(line, a)| (format!("pool.assignments_file ({file} line {line})"), a));
        let logged = self
            .log_assignments
            .iter()
            .map(|a| (format!("pool.assignments (from the log, user \"{}\")", a.user), a));
        inline.chain(imported).chain(logged)
    }
}

/// The names of every host a scenario ever has: the initial ones, then each deployment's.
/// A deployment with the pool's prefix (or none) numbers on after the highest number used so
/// far under that prefix; another prefix starts at 0 (or continues its own numbering).
pub fn planned_names(s: &Scenario) -> Vec<Vec<String>> {
    let mut next: Vec<(String, u64)> =
        vec![(s.pool.name_prefix.clone(), s.pool.host_count() as u64)];
    let mut out = Vec::new();
    for a in &s.actions {
        let ActionSpec::AddHosts(spec) = a else { continue };
        let prefix = spec.name_prefix.clone().unwrap_or_else(|| s.pool.name_prefix.clone());
        let i = match next.iter().position(|(p, _)| *p == prefix) {
            Some(i) => i,
            None => {
                next.push((prefix.clone(), 0));
                next.len() - 1
            }
        };
        let first = next[i].1;
        let count = spec.count.clamp(0, MAX_HOSTS_PER_DEPLOYMENT) as u64;
        next[i].1 += count;
        out.push((first..first + count).map(|n| host_name(&prefix, n)).collect());
    }
    out
}
