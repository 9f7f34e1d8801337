//! The personal-pool keys of `[pool]`: personal host pools (`kind = "personal"`) and Remote
//! Desktop Services personal session collections (`kind = "rds_personal_collection"`).
//!
//! Rules (MODEL.md "Personal pools", seeds 000 and 001): a personal host has one owner; without
//! multiple desktops a user owns at most one host; multiple desktops only exist in personal
//! pools with direct assignment and can never be switched off. Assignments come inline
//! (`[[pool.assignments]]`) or from a CSV file (`assignments_file`), read here at load time so
//! the model never touches a file.

use super::duration::Duration;
use super::workload::SessionDist;
use serde::{Deserialize, Serialize};

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
    /// RDS `-GrantAdministrativePrivilege`: owners are local admins (reported, no effect on
    /// capacity).
    pub grant_admin_privilege: bool,
}
