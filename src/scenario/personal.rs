//! The personal-pool keys of `[pool]`: personal host pools (`kind = "personal"`) and Remote
//! Desktop Services personal session collections (`kind = "rds_personal_collection"`).
//!
//! Rules (MODEL.md "Personal pools", seeds 000 and 001): a personal host has one owner; without
//! multiple desktops a user owns at most one host; multiple desktops only exist in personal
//! pools with direct assignment and can never be switched off. Assignments come inline
//! (`[[pool.assignments]]`) or from a CSV file (`assignments_file`), read here at load time so
//! the model never touches a file.

use super::actions::ActionSpec;
use super::duration::Duration;
use super::names::{user_id, user_name};
use super::workload::SessionDist;
use super::{PoolKind, PoolSpec, Scenario, ScenarioError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The service's rule, quoted in every error about multiple desktops.
pub const MULTIPLE_DESKTOPS_RULE: &str = "multiple personal desktops per user are only supported in personal host pools with direct assignment";

/// How a personal host pool gives users their host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentType {
    /// A user's first login is load-balanced to an unassigned host, which becomes theirs.
    #[default]
    Automatic,
    /// An admin assigns each user a host first; an unassigned user cannot connect.
    Direct,
}

/// Which of their desktops a user with several connects to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesktopChoice {
    /// Any of them, uniformly at random (a seeded stream).
    #[default]
    Random,
    /// Always the one assigned first.
    First,
    /// `{ prefer = "Dev" }`: the desktop with this friendly name or host name, when the user
    /// owns one; otherwise any of theirs at random.
    Prefer(String),
}

/// One user-to-host assignment: a row of `[[pool.assignments]]`, of an assignments CSV file,
/// and of the exported `assignments.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentSpec {
    /// The user, by population name (`user0001`).
    pub user: String,
    /// The host, by name (`sh-0`).
    pub host: String,
    /// The name users see for this desktop, if any.
    #[serde(default)]
    pub friendly_name: Option<String>,
}

/// How long a stopped host takes to boot: a duration (`"2m"`) or a distribution table.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawBootTime")]
pub struct BootTime(pub SessionDist);

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a duration like \"2m\" or a distribution like { dist = \"uniform\", min = \"1m\", max = \"3m\" }"
)]
enum RawBootTime {
    Text(String),
    Dist(SessionDist),
}

impl TryFrom<RawBootTime> for BootTime {
    type Error = String;
    fn try_from(raw: RawBootTime) -> Result<Self, String> {
        match raw {
            RawBootTime::Text(t) => {
                Duration::parse(&t).map(|d| BootTime(SessionDist::Fixed { value: d }))
            }
            RawBootTime::Dist(d) => Ok(BootTime(d)),
        }
    }
}

/// The default boot time of a stopped host under Start VM on Connect.
pub const DEFAULT_BOOT_TIME: Duration = Duration(2 * crate::engine::time::MINUTE);

/// The personal settings of a validated pool, resolved from whichever keys its kind uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalMode {
    /// New users get an unassigned host on their first login (automatic assignment, or an RDS
    /// collection with `auto_assign_user`).
    pub auto_assign: bool,
    /// Multiple desktops per user from the start.
    pub multiple_desktops: bool,
    /// How a user with several desktops picks one.
    pub desktop_choice: DesktopChoice,
    /// Start VM on Connect.
    pub start_vm_on_connect: bool,
    /// Hosts start stopped (deallocated).
    pub initially_stopped: bool,
    /// A host with no session for this long is stopped.
    pub stop_when_idle: Option<Duration>,
    /// RDS `-GrantAdministrativePrivilege`: owners are local admins (reported, no effect on
    /// capacity).
    pub grant_admin_privilege: bool,
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
            start_vm_on_connect: self.start_vm_on_connect.unwrap_or(false),
            initially_stopped: self.initially_stopped.unwrap_or(false),
            stop_when_idle: self.stop_when_idle,
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
        let inline =
            self.assignments.iter().enumerate().map(|(i, a)| (format!("pool.assignments[{i}]"), a));
        let file = self.assignments_file.as_deref().unwrap_or("");
        let imported = self
            .imported_assignments
            .iter()
            .map(move |(line, a)| (format!("pool.assignments_file ({file} line {line})"), a));
        inline.chain(imported)
    }
}

/// Rows of an assignments file with their line numbers.
pub type ImportedRows = Vec<(usize, AssignmentSpec)>;

/// Reads the assignments file `rel` (relative to the scenario file `file`). File errors name
/// the CSV file and line.
pub fn read_assignments_file(rel: &str, file: &str) -> Result<ImportedRows, ScenarioError> {
    let field = "pool.assignments_file";
    let base = Path::new(file).parent().unwrap_or(Path::new(""));
    let path = base.join(rel);
    let text = super::input_file::read_text(&path, super::input_file::MAX_ASSIGNMENTS_BYTES)
        .map_err(|m| ScenarioError::new(file, field, format!("\"{}\" {m}", path.display())))?;
    let rows = crate::output::assignments::parse(&text).map_err(|(line, msg)| {
        ScenarioError::new(file, field, format!("\"{}\" line {line}: {msg}", path.display()))
    })?;
    Ok(rows)
}

type Check = Result<(), (String, String)>;

fn fail(field: impl Into<String>, msg: impl Into<String>) -> Check {
    Err((field.into(), msg.into()))
}

/// Checks the personal keys and the assignment actions of `s`.
pub(super) fn check(s: &Scenario) -> Check {
    let p = &s.pool;
    match p.kind {
        PoolKind::Pooled => pooled_has_no_personal_keys(s),
        PoolKind::Personal | PoolKind::RdsPersonalCollection => {
            kind_keys(p)?;
            personal_keys(s)?;
            assignments_and_actions(s)
        }
    }
}

/// The population, the one-session limit, the desktop choice and the Start VM on Connect keys.
fn personal_keys(s: &Scenario) -> Check {
    let p = &s.pool;
    if s.workload.users.is_none() {
        return fail(
            "workload.users",
            "personal pools need a named population: set workload.users (assignments name users user0001…)",
        );
    }
    if let Some(m) = p.max_sessions
        && m != 1
    {
        return fail(
            "pool.max_sessions",
            format!("a personal host holds one user's session; remove it or set 1 (got {m})"),
        );
    }
    if p.vcpus.is_some() || p.user_type.is_some() {
        return fail(
            "pool.user_type",
            "sizing does not apply: a personal host holds one user's session",
        );
    }
    if let Some(DesktopChoice::Prefer(name)) = &p.desktop_choice
        && name.trim().is_empty()
    {
        return fail("pool.desktop_choice.prefer", "must name a desktop (host or friendly name)");
    }
    if p.boot_time.is_some() && p.start_vm_on_connect != Some(true) {
        return fail("pool.boot_time", "only applies with start_vm_on_connect = true");
    }
    if let Some(b) = &p.boot_time {
        super::validate::session_dist(&b.0, "pool.boot_time")?;
    }
    if p.stop_when_idle.is_some_and(|d| d.0 == 0) {
        return fail("pool.stop_when_idle", "must be longer than zero, e.g. \"30m\"");
    }
    Ok(())
}

/// A pooled pool: every personal key is an error, and so is every assignment action.
fn pooled_has_no_personal_keys(s: &Scenario) -> Check {
    let p = &s.pool;
    if p.multiple_desktops.is_some() {
        return fail(
            "pool.multiple_desktops",
            format!("{MULTIPLE_DESKTOPS_RULE}; this pool is pooled"),
        );
    }
    let set = [
        ("assignment", p.assignment.is_some()),
        ("desktop_choice", p.desktop_choice.is_some()),
        ("auto_assign_user", p.auto_assign_user.is_some()),
        ("grant_admin_privilege", p.grant_admin_privilege.is_some()),
        ("assignments", !p.assignments.is_empty()),
        ("assignments_file", p.assignments_file.is_some()),
        ("start_vm_on_connect", p.start_vm_on_connect.is_some()),
        ("boot_time", p.boot_time.is_some()),
        ("initially_stopped", p.initially_stopped.is_some()),
        ("stop_when_idle", p.stop_when_idle.is_some()),
    ];
    if let Some((key, _)) = set.iter().find(|(_, on)| *on) {
        return fail(
            format!("pool.{key}"),
            "only applies to personal pools (kind = \"personal\" or \"rds_personal_collection\")",
        );
    }
    for (i, a) in s.actions.iter().enumerate() {
        if a.is_assignment() {
            return fail(
                format!("actions[{i}].kind"),
                format!("\"{}\" needs a personal pool; this pool is pooled", a.kind()),
            );
        }
    }
    Ok(())
}

/// Keys that belong to the other personal kind, and the multiple-desktops rule.
fn kind_keys(p: &PoolSpec) -> Check {
    let rds = p.kind == PoolKind::RdsPersonalCollection;
    if rds && p.assignment.is_some() {
        return fail(
            "pool.assignment",
            "an RDS personal session collection sets auto_assign_user = true or false instead",
        );
    }
    if !rds {
        for (key, on) in [
            ("auto_assign_user", p.auto_assign_user.is_some()),
            ("grant_admin_privilege", p.grant_admin_privilege.is_some()),
        ] {
            if on {
                return fail(
                    format!("pool.{key}"),
                    "only applies to kind = \"rds_personal_collection\"; personal host pools use assignment = \"automatic\" or \"direct\"",
                );
            }
        }
    }
    if p.multiple_desktops == Some(true) && !direct_personal(p) {
        let what =
            if rds { "this is an RDS collection" } else { "this pool uses automatic assignment" };
        return fail("pool.multiple_desktops", format!("{MULTIPLE_DESKTOPS_RULE}; {what}"));
    }
    Ok(())
}

fn direct_personal(p: &PoolSpec) -> bool {
    p.kind == PoolKind::Personal && p.assignment == Some(AssignmentType::Direct)
}

/// Who owns what, as far as validation can know it: the initial assignments and the
/// scheduled actions in time order (automatic assignment at run time is not known here).
struct StaticAssignments {
    owner: Vec<Option<u32>>,
    desktops: Vec<u32>,
    multiple: bool,
}

impl StaticAssignments {
    fn check_assign(&self, user: u32, user_name: &str, field: &str) -> Check {
        if self.desktops[user as usize] > 0 && !self.multiple {
            return fail(
                field,
                format!(
                    "{user_name} already has a host; without multiple desktops the rule is one host per user and one user per host"
                ),
            );
        }
        Ok(())
    }

    fn set(&mut self, host: u32, user: Option<u32>) {
        if let Some(old) = self.owner[host as usize] {
            self.desktops[old as usize] -= 1;
        }
        if let Some(u) = user {
            self.desktops[u as usize] += 1;
        }
        self.owner[host as usize] = user;
    }
}

fn host_index(s: &Scenario, host: &str, field: &str) -> Result<u32, (String, String)> {
    super::validate::known_host(s, host, field)?;
    let n = &host[s.pool.name_prefix.len() + 1..];
    Ok(n.parse().unwrap_or(0))
}

fn user_index(s: &Scenario, user: &str, field: &str) -> Result<u32, (String, String)> {
    let n = s.workload.users.unwrap_or(0).clamp(0, u32::MAX as i64) as u32;
    user_id(user, n).ok_or_else(|| {
        (
            field.to_string(),
            format!(
                "no user named \"{user}\" (users are {} to {})",
                user_name(0, n),
                user_name(n.saturating_sub(1), n)
            ),
        )
    })
}

fn assignments_and_actions(s: &Scenario) -> Check {
    let p = &s.pool;
    let users = s.workload.users.unwrap_or(0).clamp(0, u32::MAX as i64) as usize;
    let mut st = StaticAssignments {
        owner: vec![None; p.host_count() as usize],
        desktops: vec![0; users],
        multiple: p.multiple_desktops == Some(true),
    };
    for (field, a) in p.initial_assignments() {
        let host = host_index(s, &a.host, &format!("{field}.host"))?;
        let user = user_index(s, &a.user, &format!("{field}.user"))?;
        if let Some(f) = &a.friendly_name
            && f.trim().is_empty()
        {
            return fail(format!("{field}.friendly_name"), "must not be blank");
        }
        if let Some(other) = st.owner[host as usize] {
            let other = s_user_name(s, other);
            return fail(
                format!("{field}.host"),
                format!(
                    "{} is already assigned to {other}; a personal host has one user (without multiple desktops the rule is one host per user and one user per host)",
                    a.host
                ),
            );
        }
        st.check_assign(user, &a.user, &format!("{field}.user"))?;
        st.set(host, Some(user));
    }
    let mut order: Vec<usize> = (0..s.actions.len()).collect();
    order.sort_by_key(|&i| s.actions[i].at());
    for i in order {
        action(s, &mut st, i)?;
    }
    Ok(())
}

fn s_user_name(s: &Scenario, user: u32) -> String {
    let n = s.workload.users.unwrap_or(0).clamp(0, u32::MAX as i64) as u32;
    user_name(user, n)
}

fn action(s: &Scenario, st: &mut StaticAssignments, i: usize) -> Check {
    let field = format!("actions[{i}]");
    match &s.actions[i] {
        ActionSpec::Assign { host, user, .. } => {
            let h = host_index(s, host, &format!("{field}.host"))?;
            let u = user_index(s, user, &format!("{field}.user"))?;
            if let Some(other) = st.owner[h as usize] {
                return fail(
                    format!("{field}.host"),
                    format!(
                        "{host} is already assigned to {} at that time; use kind = \"reassign\" to give it to another user",
                        s_user_name(s, other)
                    ),
                );
            }
            st.check_assign(u, user, &format!("{field}.user"))?;
            st.set(h, Some(u));
        }
        ActionSpec::Reassign { host, user, .. } => {
            let h = host_index(s, host, &format!("{field}.host"))?;
            let u = user_index(s, user, &format!("{field}.user"))?;
            if st.owner[h as usize] != Some(u) {
                st.check_assign(u, user, &format!("{field}.user"))?;
                st.set(h, Some(u));
            }
        }
        ActionSpec::Unassign { host, .. } => {
            let h = host_index(s, host, &format!("{field}.host"))?;
            st.set(h, None);
        }
        ActionSpec::MultipleDesktops { enabled, .. } => {
            if *enabled && !direct_personal(&s.pool) {
                return fail(format!("{field}.enabled"), MULTIPLE_DESKTOPS_RULE);
            }
            if !*enabled && st.multiple {
                return fail(
                    format!("{field}.enabled"),
                    "once multiple personal desktops are enabled on a pool they cannot be disabled",
                );
            }
            st.multiple |= *enabled;
        }
        _ => {}
    }
    Ok(())
}
