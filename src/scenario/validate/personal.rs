//! Checks of the personal-pool keys, the assignments and the assignment actions.

use super::rules::{Check, fail, known_host};
use crate::scenario::actions::ActionSpec;
use crate::scenario::names::user_name;
use crate::scenario::personal::{AssignmentType, DesktopChoice, MULTIPLE_DESKTOPS_RULE};
use crate::scenario::spec::{PoolKind, PoolSpec, Scenario};

/// Checks the personal keys and the assignment actions of `s`.
pub fn check(s: &Scenario) -> Check {
    let p = &s.pool;
    replaced_keys(p)?;
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
    if p.assignments.from_log() && s.workload.replay.is_none() {
        return fail(
            "pool.assignments",
            "\"from_log\" takes the assignments from a replayed connection log: set workload.replay",
        );
    }
    if s.workload.users.is_none() && s.workload.replay.is_none() {
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
    // A personal pool's power is its scaling plan's: one place to say it.
    if p.start_vm_on_connect.is_some() {
        return fail(
            "pool.start_vm_on_connect",
            "a personal pool sets Start VM on Connect per phase of its scaling plan: [[autoscale.schedules]] ramp_up = { start = \"07:00\", start_vm_on_connect = true }",
        );
    }
    if p.boot_time.is_some() {
        return fail(
            "pool.boot_time",
            "a personal pool's boot time is its scaling plan's: [autoscale] boot_time",
        );
    }
    Ok(())
}

/// The keys the personal scaling plan replaced, in any pool: one line naming the new key.
pub fn replaced_keys(p: &PoolSpec) -> Check {
    if p.initially_stopped.is_some() {
        return fail(
            "pool.initially_stopped",
            "replaced by the personal scaling plan: [autoscale] initial_running = 0 (its default) starts every host deallocated",
        );
    }
    if p.stop_when_idle.is_some() {
        return fail(
            "pool.stop_when_idle",
            "replaced by the personal scaling plan: on_logoff = { wait = \"30m\", action = \"deallocate\" } in the phases of [[autoscale.schedules]]",
        );
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
        ("assignments", p.assignments.is_set()),
        ("assignments_file", p.assignments_file.is_some()),
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
    known_host(s, host, field)?;
    let n = &host[s.pool.name_prefix.len() + 1..];
    Ok(n.parse().unwrap_or(0))
}

fn user_index(s: &Scenario, user: &str, field: &str) -> Result<u32, (String, String)> {
    let n = s.user_count();
    s.user_named(user).ok_or_else(|| {
        let range = if s.workload.replay.is_some() {
            "users are the replayed log's".to_string()
        } else {
            format!("users are {} to {}", user_name(0, n), user_name(n.saturating_sub(1), n))
        };
        (field.to_string(), format!("no user named \"{user}\" ({range})"))
    })
}

fn assignments_and_actions(s: &Scenario) -> Check {
    let p = &s.pool;
    let users = s.user_count() as usize;
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
    s.user_called(user)
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
