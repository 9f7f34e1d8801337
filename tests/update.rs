//! Session host updates and the add-hosts lifecycle: the rules of MODEL.md ("Session host
//! lifecycle", "Session host update") checked end to end on small scenarios.

mod common;

use common::{scenario, step};
use poolsim::engine::SimTime;
use poolsim::engine::time::{HOUR, MINUTE};
use poolsim::model::Keep;
use poolsim::model::update::UpdateRow;
use poolsim::runner::{ReplicationOutput, run_replication};
use poolsim::scenario as file;
use std::path::Path;

fn run(text: &str) -> ReplicationOutput {
    let s = scenario(text);
    run_replication(&s, 0, Keep { detail: true, trace: false })
}

fn metric(out: &ReplicationOutput, name: &str) -> f64 {
    out.metrics.get(name).unwrap_or_else(|| panic!("{name} is absent"))
}

fn row<'a>(out: &'a ReplicationOutput, host: &str) -> &'a UpdateRow {
    out.update_rows.iter().find(|r| r.host == host).unwrap_or_else(|| panic!("no row for {host}"))
}

/// A pooled pool of `hosts` hosts carrying users all day, with an update at 22:00 on Monday.
fn pool_with_update(hosts: u32, update: &str, extra: &str) -> String {
    format!(
        r#"
name = "t"
duration = "2d"
seed = 3
[pool]
kind = "pooled"
hosts = {hosts}
max_sessions = 20
[workload]
users = {users}
arrivals = {{ kind = "poisson", rate_per_hour = 40 }}
session = {{ dist = "exponential", mean = "3h" }}
{extra}
[update]
start = "mon 22:00"
{update}
"#,
        users = hosts * 6
    )
}

#[test]
fn failure_free_update_takes_k_times_delay_plus_update_time() {
    // K = 1 + ceil((N - 1) / b) steps of D + T each; available hosts never below N - b.
    for (n, b, d, t) in
        [(10u32, 3u32, 15, 20), (7, 1, 0, 20), (12, 5, 2, 30), (5, 5, 60, 20), (1, 1, 5, 20)]
    {
        let update = format!(
            "batch_size = {b}\nlogoff_delay = \"{d}m\"\nhost_update_time = {{ dist = \"fixed\", value = \"{t}m\" }}"
        );
        let s = scenario(&pool_with_update(n, &update, ""));
        let k = 1 + (n - 1).div_ceil(b);
        let start = 22 * HOUR;
        let end = start + u64::from(k * (d + t)) * MINUTE;
        let floor = u64::from(n - b.min(n - 1).max(u32::from(n == 1)));
        let mut lowest = u64::MAX;
        step(&s, |now, sim| {
            if (start..end).contains(&now) {
                lowest = lowest.min(sim.pool().gauges().hosts_available);
            }
        });
        assert_eq!(lowest, floor, "N={n} b={b}: lowest available hosts during the update");
        assert!(lowest >= u64::from(n - b), "never below N - b");
        let out = run_replication(&s, 0, Keep { detail: true, trace: false });
        assert_eq!(
            metric(&out, "update_completion_minutes"),
            f64::from(k * (d + t)),
            "N={n} b={b}"
        );
        assert_eq!(metric(&out, "update_hosts_completed"), f64::from(n));
        assert_eq!(metric(&out, "update_status"), 0.0);
        assert_eq!(metric(&out, "min_available_hosts_during_update"), floor as f64);
        assert!(out.update_rows.iter().all(|r| r.record.version == 1));
        let downtime: u64 = out
            .update_rows
            .iter()
            .map(|r| r.record.done.unwrap() - r.record.drain_start.unwrap())
            .sum();
        assert_eq!(downtime, u64::from(n * (d + t)) * MINUTE, "N(D+T) host downtime whatever b");
        let batches = out.update_rows.iter().filter_map(|r| r.record.batch).max().unwrap();
        assert_eq!(batches + 1, k, "N={n} b={b}: number of steps");
    }
}

#[test]
fn a_delay_counted_from_the_update_start_is_waited_once() {
    // N=7, b=3: K = 3 steps; D = 15m is waited by the initial step only: D + K * T.
    let update = "batch_size = 3\nlogoff_delay = \"15m\"\nlogoff_delay_from = \"update_start\"";
    let out = run(&pool_with_update(7, update, ""));
    assert_eq!(metric(&out, "update_completion_minutes"), 15.0 + 3.0 * 20.0);
    let r = row(&out, "sh-1").record;
    assert_eq!(r.logoff, r.drain_start, "later batches sign out at once");
}

#[test]
fn a_personal_pool_cannot_be_updated() {
    let text = pool_with_update(4, "batch_size = 1", "")
        .replace("kind = \"pooled\"", "kind = \"personal\"")
        .replace("max_sessions = 20\n", "");
    let e = file::from_str(&text, "t.toml", &[]).expect_err("must be refused");
    assert_eq!(e.field, "update", "{e}");
    assert!(e.message.contains("pooled host pools only"), "{e}");
}

#[test]
fn forced_logoffs_are_the_sessions_left_after_the_delay() {
    let update = "batch_size = 2\nlogoff_delay = \"10m\"";
    let out = run(&pool_with_update(6, update, ""));
    let forced = metric(&out, "forced_logoffs_update");
    assert!(forced > 0.0, "a busy pool updated at 22:00 must sign somebody out");
    assert_eq!(metric(&out, "forced_logoffs"), forced, "no other cause of forced log-off here");
    for r in &out.update_rows {
        let rec = r.record;
        assert_eq!(rec.logoff.unwrap() - rec.drain_start.unwrap(), 10 * MINUTE);
        assert_eq!(rec.done.unwrap() - rec.update_start.unwrap(), 20 * MINUTE, "default 20m");
    }
}

#[test]
fn initial_host_failure_stops_the_update_with_every_other_host_untouched() {
    for update in
        ["batch_size = 2\nfailure_probability = 1.0", "batch_size = 2\nfailing_hosts = [\"sh-0\"]"]
    {
        let out = run(&pool_with_update(6, update, ""));
        assert_eq!(metric(&out, "update_status"), 1.0, "{update}");
        assert_eq!(metric(&out, "update_hosts_failed"), 1.0);
        assert_eq!(metric(&out, "update_hosts_completed"), 0.0);
        assert_eq!(row(&out, "sh-0").record.outcome.name(), "rolled_back");
        assert_eq!(row(&out, "sh-0").record.version, 0, "rolled back to the old version");
        for h in 1..6 {
            let r = row(&out, &format!("sh-{h}")).record;
            assert_eq!(r.outcome.name(), "not_started");
            assert_eq!((r.batch, r.drain_start, r.done, r.version), (None, None, None, 0));
        }
    }
}

const FIXED: &str =
    "logoff_delay = \"5m\"\nhost_update_time = { dist = \"fixed\", value = \"20m\" }";

#[test]
fn a_failed_host_finishes_its_batch_then_retry_completes_the_update() {
    // N=6, b=2: steps {sh-0}, {sh-1, sh-2}, {sh-3, sh-4}, {sh-5}. sh-3 fails once.
    let update = format!("batch_size = 2\n{FIXED}\nfailing_hosts = [\"sh-3\"]");
    let out = run(&pool_with_update(6, &update, ""));
    assert_eq!(metric(&out, "update_status"), 1.0);
    assert_eq!(row(&out, "sh-3").record.outcome.name(), "rolled_back");
    assert_eq!(row(&out, "sh-4").record.outcome.name(), "updated", "the batch finishes");
    assert_eq!(row(&out, "sh-5").record.outcome.name(), "not_started", "nothing new starts");
    assert_eq!(metric(&out, "update_completion_minutes"), 75.0, "three steps of 25 minutes");

    let retry = "[[actions]]\nkind = \"update_retry\"\nat = \"tue 06:00\"";
    let out = run(&pool_with_update(6, &update, retry));
    assert_eq!(metric(&out, "update_status"), 0.0);
    assert_eq!(metric(&out, "update_hosts_completed"), 6.0);
    assert_eq!(metric(&out, "update_hosts_failed"), 0.0);
    let (r3, r5) = (row(&out, "sh-3").record, row(&out, "sh-5").record);
    assert_eq!((r3.batch, r5.batch), (Some(3), Some(3)), "failed + never attempted, one batch");
    assert_eq!(r3.drain_start, Some(30 * HOUR));
    // From Monday 22:00 to Tuesday 06:25.
    assert_eq!(metric(&out, "update_completion_minutes"), 8.0 * 60.0 + 25.0);
}

#[test]
fn a_failed_rollback_leaves_the_host_unavailable_unless_originals_are_kept() {
    let base = format!("batch_size = 2\n{FIXED}\nfailing_hosts = [\"sh-1\"]");
    let update = format!("{base}\nrollback_failure_probability = 1.0");
    let s = scenario(&pool_with_update(4, &update, ""));
    let sim = step(&s, |_, _| {});
    let h = sim.pool().host_by_name("sh-1").unwrap();
    assert!(!sim.pool().host(h).reachable());
    assert!(sim.pool().host(h).drain, "an unrecoverable host stays drained");
    assert_eq!(sim.pool().gauges().hosts_unavailable, 1);
    let out = run(&pool_with_update(4, &update, ""));
    assert_eq!(row(&out, "sh-1").record.outcome.name(), "failed");

    let kept = format!("{update}\nkeep_original_vms = true");
    let out = run(&pool_with_update(4, &kept, ""));
    assert_eq!(row(&out, "sh-1").record.outcome.name(), "rolled_back");
}

#[test]
fn pause_lets_the_batch_finish_and_resume_continues() {
    let update = format!("batch_size = 3\n{FIXED}");
    let pause = "[[actions]]\nkind = \"update_pause\"\nat = \"mon 22:10\"";
    let out = run(&pool_with_update(7, &update, pause));
    assert_eq!(metric(&out, "update_status"), 3.0, "still paused at the end of the run");
    assert_eq!(row(&out, "sh-0").record.outcome.name(), "updated", "the initial host completes");
    assert_eq!(row(&out, "sh-1").record.outcome.name(), "not_started");
    assert!(out.metrics.get("update_completion_minutes").is_none(), "not finished");

    let resume = format!("{pause}\n[[actions]]\nkind = \"update_resume\"\nat = \"tue 04:00\"");
    let out = run(&pool_with_update(7, &update, &resume));
    assert_eq!(metric(&out, "update_status"), 0.0);
    assert_eq!(row(&out, "sh-1").record.drain_start, Some(28 * HOUR), "resumed at 04:00");
    // 22:00 → 04:00 then two batches of 25 minutes.
    assert_eq!(metric(&out, "update_completion_minutes"), 6.0 * 60.0 + 50.0);
}

#[test]
fn a_pause_not_resumed_within_two_weeks_becomes_a_cancel() {
    let text = pool_with_update(4, &format!("batch_size = 1\n{FIXED}"), "")
        .replace("duration = \"2d\"", "duration = \"16d\"")
        + "[[actions]]\nkind = \"update_pause\"\nat = \"mon 22:01\"\n\
           [[actions]]\nkind = \"update_resume\"\nat = \"15d\"\n";
    let out = run(&text);
    assert_eq!(metric(&out, "update_status"), 2.0);
    assert_eq!(metric(&out, "update_actions_ignored"), 1.0, "a canceled update cannot resume");
    assert_eq!(row(&out, "sh-0").record.outcome.name(), "updated");
    for h in 1..4 {
        assert_eq!(row(&out, &format!("sh-{h}")).record.outcome.name(), "canceled");
    }
}

#[test]
fn cancel_completes_current_work_and_leaves_the_rest_on_the_old_version() {
    // Steps: {sh-0} 22:00–22:25, {sh-1, sh-2} 22:25–22:50, … Cancel at 22:30.
    let update = format!("batch_size = 2\n{FIXED}");
    let cancel = "[[actions]]\nkind = \"update_cancel\"\nat = \"mon 22:30\"";
    let s = scenario(&pool_with_update(7, &update, cancel));
    let sim = step(&s, |_, _| {});
    assert_eq!(sim.pool().gauges().hosts_old(), 4, "sh-3..sh-6 keep the old version");
    assert_eq!(sim.pool().gauges().hosts_current_version, 3);
    let out = run(&pool_with_update(7, &update, cancel));
    assert_eq!(metric(&out, "update_status"), 2.0);
    assert_eq!(metric(&out, "update_hosts_completed"), 3.0);
    assert_eq!(metric(&out, "update_completion_minutes"), 50.0);
    assert_eq!(row(&out, "sh-2").record.outcome.name(), "updated");
    assert_eq!(row(&out, "sh-3").record.outcome.name(), "canceled");
}

#[test]
fn admin_drain_is_refused_while_an_update_runs() {
    let update = format!("batch_size = 1\n{FIXED}");
    let actions = "[[actions]]\nkind = \"drain_on\"\nat = \"mon 21:00\"\nhost = \"sh-2\"\n\
                   [[actions]]\nkind = \"drain_off\"\nat = \"mon 22:10\"\nhost = \"sh-2\"\n\
                   [[actions]]\nkind = \"drain_on\"\nat = \"mon 22:20\"\nhost = \"sh-3\"";
    let s = scenario(&pool_with_update(4, &update, actions));
    let mut sh3_drained_by_admin = false;
    step(&s, |now, sim| {
        let sh3 = sim.pool().host(3);
        if (22 * HOUR + 20 * MINUTE..22 * HOUR + 75 * MINUTE).contains(&now) && sh3.drain {
            sh3_drained_by_admin = true;
        }
    });
    assert!(!sh3_drained_by_admin, "the admin's drain_on during the update must not apply");
    let out = run(&pool_with_update(4, &update, actions));
    assert_eq!(metric(&out, "admin_drain_refused"), 2.0, "the two actions inside the update");
    assert_eq!(metric(&out, "update_status"), 0.0);
}

/// Five users log in between 08:00 and 08:01 for ten hours; the update starts at 09:00.
fn morning(hosts: u32, extra: &str) -> String {
    format!(
        r#"
name = "t"
duration = "1d"
[pool]
kind = "pooled"
load_balancer = "breadth_first_strict"
hosts = {hosts}
[workload]
users = 5
arrivals = {{ kind = "storm", users = 5, start = "08:00", window = "1m", shape = "uniform" }}
session = {{ dist = "fixed", value = "10h" }}
{extra}
[update]
start = "09:00"
batch_size = 1
logoff_delay = "0m"
"#
    )
}

#[test]
fn disruption_is_the_planned_time_left_when_users_do_not_come_back() {
    let out = run(&morning(1, ""));
    assert_eq!(metric(&out, "forced_logoffs_update"), 5.0);
    // Each user had between 9h and 9h01m left at 09:00.
    let d = metric(&out, "user_minutes_disrupted");
    assert!((5.0 * 540.0..=5.0 * 541.0).contains(&d), "{d}");
}

#[test]
fn users_who_sign_in_again_may_land_on_an_old_host_and_be_signed_out_again() {
    let relogin = "relogin = { probability = 1.0, after = { dist = \"fixed\", value = \"2m\" } }";
    let out = run(&morning(2, relogin));
    let forced = metric(&out, "forced_logoffs_update");
    // Users on sh-0 are signed out at 09:00, sign in again on sh-1 (the only open host) and are
    // signed out again at 09:20 with everyone else there.
    assert!(forced > 5.0, "{forced}");
    assert_eq!(metric(&out, "user_minutes_disrupted"), 2.0 * forced, "2 minutes each time");
    assert_eq!(metric(&out, "logins_failed"), 0.0);
}

#[test]
fn fewest_sessions_order_updates_empty_hosts_first() {
    let extra = "";
    let base = |order: &str| {
        morning(3, extra)
            .replace("\"breadth_first_strict\"", "\"depth_first\"\nmax_sessions = 4")
            .replace("\"10h\"", "\"70m\"")
            .replace(
                "logoff_delay = \"0m\"",
                &format!("logoff_delay = \"0m\"\norder = \"{order}\""),
            )
    };
    // Depth-first: sh-0 holds 4 users, sh-1 one, sh-2 none; sessions end by 09:11, so only
    // the first step (09:00–09:20) signs anybody out.
    let by_name = run(&base("by_name"));
    let fewest = run(&base("fewest_sessions"));
    assert_eq!(row(&by_name, "sh-0").record.batch, Some(0));
    assert_eq!(row(&fewest, "sh-2").record.batch, Some(0));
    // At 09:20 every session has ended: ties are broken by name.
    assert_eq!(row(&fewest, "sh-0").record.batch, Some(1));
    assert!(
        metric(&fewest, "forced_logoffs_update") < metric(&by_name, "forced_logoffs_update"),
        "signing out fewer users is the point of the option"
    );
}

#[test]
fn added_hosts_register_upgrade_their_agent_then_become_available() {
    let text = r#"
name = "t"
duration = "1d"
[pool]
kind = "pooled"
hosts = 10
[workload]
arrivals = { kind = "poisson", rate_per_hour = 1 }
session = { dist = "fixed", value = "1h" }
[[actions]]
kind = "add_hosts"
at = "1h"
count = 3
provisioning = { dist = "fixed", value = "10m" }
agent_upgrade = { dist = "fixed", value = "5m" }
[[actions]]
kind = "add_hosts"
at = "2h"
count = 2
name_prefix = "late"
key_valid_for = "1h"
provisioning = { dist = "fixed", value = "61m" }
"#;
    let s = scenario(text);
    let mut seen = Vec::new();
    let sim = step(&s, |now, sim| {
        let g = sim.pool().gauges();
        seen.push((now, g.hosts_total, g.hosts_available, g.hosts_unavailable));
    });
    let at = |t: SimTime| *seen.iter().rev().find(|s| s.0 <= t).unwrap();
    assert_eq!(at(HOUR + 9 * MINUTE).1, 10, "not registered yet");
    assert_eq!(at(HOUR + 10 * MINUTE), (HOUR + 10 * MINUTE, 13, 10, 3), "Unavailable first");
    assert_eq!(at(HOUR + 15 * MINUTE).2, 13, "Available after the agent upgrade");
    assert!(sim.pool().host_by_name("sh-12").is_some(), "numbering continues the pool's");
    assert!(sim.pool().host_by_name("late-0").is_none(), "registered after the key expired");
    let out = run_replication(&s, 0, Keep { detail: false, trace: true });
    assert_eq!(metric(&out, "hosts_added"), 3.0);
    assert_eq!(metric(&out, "hosts_registration_expired"), 2.0);
    let expired: Vec<_> = out
        .trace
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == "registration_expired")
        .map(|r| (r.host, r.detail))
        .collect();
    assert_eq!(
        expired,
        [(Some("late-0".to_string()), String::new()), (Some("late-1".to_string()), String::new())],
        "the host is in the host column"
    );
}

#[test]
fn hosts_added_during_an_update_join_on_the_new_version() {
    let update = format!("batch_size = 2\n{FIXED}");
    let add = "[[actions]]\nkind = \"add_hosts\"\nat = \"mon 22:05\"\ncount = 2";
    let s = scenario(&pool_with_update(4, &update, add));
    let sim = step(&s, |_, _| {});
    let h = sim.pool().host_by_name("sh-5").unwrap();
    assert_eq!(sim.pool().host(h).version, 1);
    let out = run_replication(&s, 0, Keep { detail: true, trace: false });
    assert_eq!(out.update_rows.len(), 4, "only hosts present at the start are in the update");
}

#[test]
fn a_second_update_scheduled_while_one_runs_is_refused() {
    // MODEL.md: only one update runs or is scheduled per pool at a time. The first takes
    // 22:00 to about 23:28 (4 hosts, batch 1, 2 + 20 minutes each).
    let text = pool_with_update(4, "", "").replace(
        "[update]\nstart = \"mon 22:00\"\n",
        "[[updates]]\nstart = \"mon 22:00\"\nbatch_size = 1\n\
         [[updates]]\nscheduled_at = \"mon 22:00\"\nstart = \"mon 22:30\"\nbatch_size = 1\n\
         [[updates]]\nscheduled_at = \"mon 22:30\"\nstart = \"tue 12:00\"\nbatch_size = 2\n\
         [[updates]]\nscheduled_at = \"tue 12:00\"\nstart = \"tue 13:00\"\nbatch_size = 2\n",
    );
    let out = run(&text);
    assert_eq!(metric(&out, "updates_refused"), 2.0);
    assert_eq!(metric(&out, "update_status"), 0.0);
    assert_eq!(
        out.update_statuses.iter().map(|s| s.name()).collect::<Vec<_>>(),
        ["succeeded", "refused", "refused", "succeeded"],
        "scheduled while the first ran: refused, though it would start after it ended"
    );
    assert!(out.update_rows.iter().filter(|r| r.record.version == 2).count() == 4);
}

#[test]
fn a_retried_initial_host_stays_batch_zero() {
    // README: batch 0 is the initial host, also when a retry takes it again.
    let update = format!("batch_size = 2\n{FIXED}\nfailing_hosts = [\"sh-0\"]");
    let retry = "[[actions]]\nkind = \"update_retry\"\nat = \"tue 06:00\"";
    let out = run(&pool_with_update(5, &update, retry));
    assert_eq!(metric(&out, "update_status"), 0.0);
    let batch = |h: &str| row(&out, h).record.batch;
    assert_eq!(batch("sh-0"), Some(0));
    assert_eq!((batch("sh-1"), batch("sh-2")), (Some(1), Some(1)));
    assert_eq!((batch("sh-3"), batch("sh-4")), (Some(2), Some(2)));
}

#[test]
fn a_delay_from_the_update_start_is_warned_about() {
    let s =
        scenario(&pool_with_update(4, "batch_size = 1\nlogoff_delay_from = \"update_start\"", ""));
    let w = file::validate::update::warnings(&s);
    assert!(
        w.iter().any(|(f, m)| f == "update.logoff_delay_from" && m.contains("no notice")),
        "{w:?}"
    );
}

#[test]
fn updates_are_deterministic() {
    let update = "batch_size = 2\nfailure_probability = 0.3\nhost_update_time = { dist = \"uniform\", min = \"15m\", max = \"25m\" }";
    let relogin =
        "relogin = { probability = 0.7, after = { dist = \"exponential\", mean = \"3m\" } }";
    let text = pool_with_update(8, update, relogin);
    let (a, b) = (run(&text), run(&text));
    assert_eq!(a.metrics, b.metrics);
    assert_eq!(a.update_rows, b.update_rows);
}

fn invalid(text: &str, field: &str, words: &str) {
    let e = file::from_str(text, "t.toml", &[]).expect_err("must be refused");
    assert_eq!(e.field, field, "{e}");
    assert!(e.message.contains(words), "{e}");
}

#[test]
fn update_parameters_outside_the_service_rules_are_refused() {
    let with = |u: &str| pool_with_update(4, u, "");
    invalid(&with("batch_size = 0"), "update.batch_size", "1 to the pool size 4");
    invalid(&with("batch_size = 5"), "update.batch_size", "1 to the pool size 4");
    invalid(&with("batch_size = 1\nlogoff_delay = \"61m\""), "update.logoff_delay", "0 to 60");
    let far = with("batch_size = 1")
        .replace("duration = \"2d\"", "duration = \"20d\"")
        .replace("start = \"mon 22:00\"", "start = \"15d\"");
    invalid(&far, "update.start", "two weeks");
    let ok = far.replace("[update]", "[update]\nscheduled_at = \"2d\"");
    assert!(file::from_str(&ok, "t.toml", &[]).is_ok(), "two weeks after scheduling is fine");
    invalid(
        &with("batch_size = 1\nfailure_probability = 2"),
        "update.failure_probability",
        "0 and 1",
    );
    invalid(
        &with("batch_size = 1\nfailing_hosts = [\"sh-9\"]"),
        "update.failing_hosts[0]",
        "no host",
    );
    let both = with("batch_size = 1") + "[[updates]]\nstart = \"1h\"\nbatch_size = 1\n";
    invalid(&both, "updates", "not both");
}

#[test]
fn a_batch_as_large_as_the_pool_is_allowed_with_a_warning() {
    let s = scenario(&pool_with_update(4, "batch_size = 4", ""));
    let w = file::validate::update::warnings(&s);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].0, "update.batch_size");
    assert!(
        file::validate::update::warnings(&scenario(&pool_with_update(4, "batch_size = 3", "")))
            .is_empty()
    );
}

#[test]
fn add_hosts_outside_the_naming_and_key_rules_are_refused() {
    let with = |a: &str| {
        pool_with_update(
            4,
            "batch_size = 1",
            &format!("[[actions]]\nkind = \"add_hosts\"\nat = \"1h\"\n{a}"),
        )
    };
    invalid(&with("count = 401"), "actions[0].count", "400");
    invalid(&with("count = 0"), "actions[0].count", "400");
    invalid(&with("count = 2\nname_prefix = \"abcdefghijkl\""), "actions[0].name_prefix", "11");
    let long = (0..3)
        .map(|_| "[[actions]]\nkind = \"add_hosts\"\nat = \"1h\"\ncount = 400\nname_prefix = \"abcdefghijk\"\n")
        .collect::<String>();
    invalid(
        &pool_with_update(4, "batch_size = 1", &long),
        "actions[2].name_prefix",
        "15 characters",
    );
    invalid(
        &with("count = 2\nkey_valid_for = \"30m\""),
        "actions[0].key_valid_for",
        "1 hour to 30 days",
    );
    invalid(
        &with("count = 2\nkey_valid_for = \"30d1h\""),
        "actions[0].key_valid_for",
        "1 hour to 30 days",
    );
    // The service accepts up to 30 days (MODEL.md); poolsim once capped at 27.
    scenario(&with("count = 2\nkey_valid_for = \"30d\""));
    let many = (0..26).map(|_| "[[actions]]\nkind = \"add_hosts\"\nat = \"1h\"\ncount = 400\nname_prefix = \"x\"\n").collect::<String>();
    invalid(&pool_with_update(4, "batch_size = 1", &many), "actions[24].count", "10000");
}

#[test]
fn the_command_line_refuses_a_bad_update_and_writes_update_csv_for_a_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, pool_with_update(4, "batch_size = 0", "")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_poolsim"))
        .args(["run", "--quiet", "--out"])
        .arg(dir.path().join("out-bad"))
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bad.toml") && err.contains("update.batch_size"), "{err}");
    assert!(!dir.path().join("out-bad").exists(), "no output for bad input");

    let good = dir.path().join("good.toml");
    std::fs::write(&good, pool_with_update(4, "batch_size = 2", "")).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_poolsim"))
        .args(["run", "--quiet", "--out"])
        .arg(dir.path().join("out"))
        .arg(&good)
        .status()
        .unwrap();
    assert!(status.success());
    let csv = std::fs::read_to_string(dir.path().join("out/update.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "host,batch,drain_start_s,drain_start_clock,logoff_s,logoff_clock,update_start_s,\
             update_start_clock,done_s,done_clock,outcome,version"
        )
    );
    assert_eq!(
        lines.next(),
        Some("sh-0,0,79200,Mon 22:00,79320,Mon 22:02,79320,Mon 22:02,80520,Mon 22:22,updated,1"),
        "22:00 + 2m + 20m"
    );
    assert_eq!(lines.count(), 3);
    let ts = std::fs::read_to_string(dir.path().join("out/timeseries.csv")).unwrap();
    assert!(ts.lines().next().unwrap().ends_with(",hosts_updating,hosts_old,hosts_new"));
}

#[test]
fn random_updates_and_admin_actions_keep_the_books_consistent() {
    use poolsim::engine::rng::stream;
    use rand::RngExt;
    let kinds = ["update_pause", "update_resume", "update_cancel", "update_retry", "drain_on"];
    for case in 0..40u64 {
        let mut rng = stream(99, case, 0);
        let n = rng.random_range(1..12u32);
        let b = rng.random_range(1..=n);
        let d = rng.random_range(0..30u32);
        let mut extra = String::new();
        for _ in 0..rng.random_range(0..6) {
            let kind = kinds[rng.random_range(0..kinds.len())];
            let at = 22 * 60 + rng.random_range(0..600u32);
            extra += &format!("[[actions]]\nkind = \"{kind}\"\nat = \"{at}m\"\n");
            if kind == "drain_on" {
                extra += "host = \"sh-0\"\n";
            }
        }
        let update = format!(
            "batch_size = {b}\nlogoff_delay = \"{d}m\"\nfailure_probability = 0.3\n\
             rollback_failure_probability = 0.3\norder = \"fewest_sessions\"\n\
             host_update_time = {{ dist = \"exponential\", mean = \"20m\" }}"
        );
        let s = scenario(&pool_with_update(n, &update, &extra));
        let sim = step(&s, |_, sim| {
            let g = sim.pool().gauges();
            let states =
                g.hosts_available + g.hosts_draining + g.hosts_unavailable + g.hosts_updating;
            assert_eq!(states, g.hosts_total, "case {case}: every host in exactly one state");
            let target = sim.pool().target_version();
            let old = sim.pool().hosts().iter().filter(|h| h.version != target).count();
            assert_eq!(g.hosts_old(), old as u64, "case {case}: hosts on an older version");
        });
        let status = sim.update_statuses()[0];
        let rows = sim.update_rows();
        assert_eq!(rows.len(), n as usize, "case {case}");
        for r in &rows {
            let rec = r.record;
            let host = sim.pool().host(rec.host);
            assert_eq!(rec.version, host.version, "case {case}: {}", r.host);
            match rec.outcome.name() {
                "updated" => assert_eq!(host.version, 1),
                "failed" => assert!(!host.reachable() && host.drain),
                "rolled_back" | "canceled" => assert_eq!(host.version, 0),
                _ => assert!(rec.done.is_none()),
            }
            if let (Some(a), Some(b)) = (rec.drain_start, rec.logoff) {
                assert!(a <= b && b <= rec.update_start.unwrap());
            }
        }
        if status.name() == "succeeded" {
            assert!(rows.iter().all(|r| r.record.outcome.name() == "updated"), "case {case}");
        }
    }
}

#[test]
fn update_scenarios_run_and_are_byte_identical_on_one_or_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for name in ["update-weeknight", "update-batch-2", "update-batch-5"] {
        let file = root.join(format!("{name}.toml"));
        let outputs: Vec<_> = ["1", "2"]
            .iter()
            .map(|threads| {
                let dir = tmp.path().join(format!("{name}-{threads}"));
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_poolsim"))
                    .args(["run", "--quiet", "--threads", threads, "--out"])
                    .arg(&dir)
                    .arg(&file)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
                ["summary.json", "replications.csv", "timeseries.csv", "update.csv"]
                    .map(|f| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")))
            })
            .collect();
        assert_eq!(outputs[0], outputs[1], "{name}: outputs differ between 1 and 2 threads");
    }
}

#[test]
fn by_name_order_compares_host_numbers_as_numbers() {
    // N=12, b=5: sh-0, then sh-1..sh-5, sh-6..sh-10, sh-11 — not sh-1, sh-10, sh-11, sh-2…
    let out = run(&pool_with_update(12, "batch_size = 5", ""));
    let batch = |h: &str| row(&out, h).record.batch.unwrap();
    assert_eq!([batch("sh-0"), batch("sh-2"), batch("sh-5"), batch("sh-6")], [0, 1, 1, 2]);
    assert_eq!([batch("sh-10"), batch("sh-11")], [2, 3]);
}

#[test]
fn hosts_in_their_batch_when_the_run_ends_are_in_progress() {
    // The initial host is done at 22:22 (2-minute delay + 20-minute update); the run ends at
    // 22:30, inside the first batch of two.
    let text = pool_with_update(6, "batch_size = 2", "")
        .replace("duration = \"2d\"", "duration = \"22h30m\"");
    let out = run(&text);
    assert_eq!(metric(&out, "update_status"), 4.0, "still running at the end");
    assert_eq!(row(&out, "sh-0").record.outcome.name(), "updated");
    for h in ["sh-1", "sh-2"] {
        assert_eq!(row(&out, h).record.outcome.name(), "in_progress", "{h}");
    }
    for h in ["sh-3", "sh-4", "sh-5"] {
        assert_eq!(row(&out, h).record.outcome.name(), "not_started", "{h}");
    }
}
