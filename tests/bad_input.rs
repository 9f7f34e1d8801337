//! Bad input gets one clear line naming the file and the field, exit code 2, no panic, and
//! no output directory left behind.

use std::process::Command;

const GOOD: &str = r#"
name = "ok"
duration = "1d"
[pool]
kind = "pooled"
load_balancer = "breadth_first"
hosts = 3
max_sessions = 5
[workload]
arrivals = { kind = "poisson", rate_per_hour = 10 }
session = { dist = "exponential", mean = "60m" }
"#;

/// (what is wrong, scenario text, text the error must contain)
fn cases() -> Vec<(&'static str, String, &'static str)> {
    let edit = |from: &str, to: &str| {
        assert!(GOOD.contains(from), "{from}");
        GOOD.replacen(from, to, 1)
    };
    vec![
        ("bad TOML", edit("hosts = 3", "hosts = = 3"), "line 7"),
        ("unknown key", edit("hosts = 3", "hosts = 3\nhostz = 4"), "hostz"),
        ("unknown top-level key", format!("colour = \"red\"\n{GOOD}"), "colour"),
        ("negative hosts", edit("hosts = 3", "hosts = -2"), "pool.hosts"),
        ("zero hosts", edit("hosts = 3", "hosts = 0"), "pool.hosts"),
        ("hosts not a number", edit("hosts = 3", "hosts = \"three\""), "pool.hosts"),
        ("bad duration", edit("duration = \"1d\"", "duration = \"1 fortnight\""), "duration"),
        ("duration without unit", edit("duration = \"1d\"", "duration = \"30\""), "duration"),
        ("bad session mean", edit("mean = \"60m\"", "mean = \"sixty\""), "workload.session"),
        (
            "depth-first without a limit",
            edit("load_balancer = \"breadth_first\"", "load_balancer = \"depth_first\"")
                .replace("max_sessions = 5\n", ""),
            "pool.max_sessions",
        ),
        ("zero rate", edit("rate_per_hour = 10", "rate_per_hour = 0"), "rate_per_hour"),
        ("negative rate", edit("rate_per_hour = 10", "rate_per_hour = -1"), "rate_per_hour"),
        ("unknown balancer", edit("\"breadth_first\"", "\"round_robin\""), "pool.load_balancer"),
        ("unknown pool kind", edit("\"pooled\"", "\"shared\""), "pool.kind"),
        ("limit too high", edit("max_sessions = 5", "max_sessions = 1000000"), "pool.max_sessions"),
        ("zero limit", edit("max_sessions = 5", "max_sessions = 0"), "pool.max_sessions"),
        ("vcpus without a user type", edit("max_sessions = 5", "vcpus = 8"), "pool.user_type"),
        (
            "unknown user type",
            edit("max_sessions = 5", "vcpus = 8\nuser_type = \"huge\""),
            "pool.user_type",
        ),
        (
            "sizing beside a limit",
            edit("max_sessions = 5", "max_sessions = 5\nvcpus = 8\nuser_type = \"light\""),
            "pool.max_sessions",
        ),
        ("missing pool", GOOD.replace("[pool]", "[poolx]"), "poolx"),
        (
            "prefix too long",
            edit("hosts = 3", "hosts = 3\nname_prefix = \"abcdefghijkl\""),
            "name_prefix",
        ),
        ("zero replications", format!("replications = 0\n{GOOD}"), "replications"),
        ("warm-up as long as the run", format!("warmup = \"1d\"\n{GOOD}"), "warmup"),
        (
            "a run longer than ten years",
            edit("duration = \"1d\"", "duration = \"3651d\""),
            "duration",
        ),
        ("too many replications", format!("replications = 10001\n{GOOD}"), "replications"),
        (
            "a storm of a billion logins",
            edit(
                "{ kind = \"poisson\", rate_per_hour = 10 }",
                "{ kind = \"storm\", users = 1000000000, start = \"08:00\", window = \"1h\" }",
            ),
            "workload.arrivals.users",
        ),
        ("a time series too long to keep", format!("time_bin = \"10ms\"\n{GOOD}"), "time_bin"),
        (
            "profile with 23 hours",
            edit(
                "{ kind = \"poisson\", rate_per_hour = 10 }",
                "{ kind = \"profile\", per_hour = [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1] }",
            ),
            "per_hour",
        ),
        (
            "action on an unknown host",
            format!("{GOOD}\n[[actions]]\nat = \"1h\"\nkind = \"drain_on\"\nhost = \"sh-9\"\n"),
            "actions[0].host",
        ),
        (
            "action after the end",
            format!("{GOOD}\n[[actions]]\nat = \"3d\"\nkind = \"drain_on\"\nhost = \"sh-0\"\n"),
            "actions[0].at",
        ),
        (
            "reconnect probability above 1",
            format!(
                "{GOOD}reconnect = {{ probability = 1.5, after = {{ dist = \"fixed\", value = \"1m\" }} }}\n"
            ),
            "reconnect.probability",
        ),
        // Session host updates and adding hosts.
        (
            "update batch 0",
            format!("{GOOD}[update]\nstart = \"1h\"\nbatch_size = 0\n"),
            "update.batch_size",
        ),
        (
            "update batch above the pool",
            format!("{GOOD}[update]\nstart = \"1h\"\nbatch_size = 4\n"),
            "update.batch_size",
        ),
        (
            "log-off delay above 60 minutes",
            format!("{GOOD}[update]\nstart = \"1h\"\nbatch_size = 1\nlogoff_delay = \"2h\"\n"),
            "update.logoff_delay",
        ),
        (
            "update more than two weeks ahead",
            format!("{GOOD}[update]\nstart = \"15d\"\nbatch_size = 1\n"),
            "two weeks",
        ),
        (
            "unknown update key",
            format!("{GOOD}[update]\nstart = \"1h\"\nbatch_size = 1\nbatchsize = 2\n"),
            "batchsize",
        ),
        (
            "deployment above 400 hosts",
            format!("{GOOD}\n[[actions]]\nat = \"1h\"\nkind = \"add_hosts\"\ncount = 401\n"),
            "actions[0].count",
        ),
        (
            "attendance above 1",
            edit("arrivals = {", "users = 50\nattendance = 1.5\narrivals = {"),
            "workload.attendance",
        ),
        (
            "attendance without named users",
            edit("arrivals = {", "attendance = 0.9\narrivals = {"),
            "workload.users",
        ),
        (
            "no attempt at all",
            edit(
                "arrivals = {",
                "retry = { attempts = 0, after = { dist = \"fixed\", value = \"1m\" } }\narrivals = {",
            ),
            "workload.retry.attempts",
        ),
        (
            "zero logon time",
            edit("arrivals = {", "logon = { dist = \"fixed\", value = \"0s\" }\narrivals = {"),
            "workload.logon",
        ),
        (
            "session limit of zero at run time",
            format!(
                "{GOOD}\n[[actions]]\nat = \"1h\"\nkind = \"set_max_sessions\"\nmax_sessions = 0\n"
            ),
            "actions[0].max_sessions",
        ),
        (
            "zero mean time between failures",
            format!(
                "{GOOD}\n[faults]\nmtbf = \"0s\"\nrepair = {{ dist = \"fixed\", value = \"1h\" }}\n"
            ),
            "faults.mtbf",
        ),
        (
            "fault probability above 1",
            format!(
                "{GOOD}\n[faults]\nmtbf = \"30d\"\nrepair = {{ dist = \"fixed\", value = \"1h\" }}\nneeds_assistance_probability = 2\n"
            ),
            "faults.needs_assistance_probability",
        ),
        (
            "window name with spaces",
            format!(
                "{GOOD}\n[[windows]]\nname = \"the storm\"\nfrom = \"08:00\"\nto = \"09:00\"\n"
            ),
            "windows[0].name",
        ),
        (
            "window named twice",
            format!(
                "{GOOD}\n[[windows]]\nname = \"a\"\nfrom = \"08:00\"\nto = \"09:00\"\n[[windows]]\nname = \"a\"\nfrom = \"10:00\"\nto = \"11:00\"\n"
            ),
            "windows[1].name",
        ),
        (
            "window ending at 25:00",
            format!("{GOOD}\n[[windows]]\nname = \"a\"\nfrom = \"08:00\"\nto = \"25:00\"\n"),
            "windows",
        ),
        (
            "unknown weekday",
            format!(
                "{GOOD}\n[[actions]]\nat = \"monkey 08:00\"\nkind = \"drain_on\"\nhost = \"sh-0\"\n"
            ),
            "unknown weekday",
        ),
        (
            "registration key beyond 30 days",
            format!(
                "{GOOD}\n[[actions]]\nat = \"1h\"\nkind = \"add_hosts\"\ncount = 2\nkey_valid_for = \"31d\"\n"
            ),
            "actions[0].key_valid_for",
        ),
        (
            "threshold 0",
            plan("capacity_threshold_pct = 60", "capacity_threshold_pct = 0"),
            "ramp_up.capacity_threshold_pct",
        ),
        (
            "threshold 101",
            plan("capacity_threshold_pct = 60", "capacity_threshold_pct = 101"),
            "ramp_up.capacity_threshold_pct",
        ),
        ("phases out of order", plan("start = \"09:00\"", "start = \"06:00\""), "peak.start"),
        ("a schedule with no days", plan("days = \"weekdays\"", "days = []"), "days"),
        ("an unknown day", plan("days = \"weekdays\"", "days = [\"mon\", \"funday\"]"), "funday"),
        (
            "dynamic without min/max pool size",
            plan("kind = \"scaling_plan\"", "kind = \"scaling_plan\"\nmethod = \"dynamic\""),
            "min_pool_size",
        ),
        (
            "script without peak hours",
            format!(
                "{GOOD}[autoscale]\nkind = \"scaling_script\"\nsession_threshold_per_cpu = 2\nvcpus = 4\nmin_hosts = 1\n"
            ),
            "autoscale.peak",
        ),
        ("negative price", format!("{GOOD}[cost]\nhost_hour = -0.1\n"), "cost.host_hour"),
        (
            "negative disk price",
            format!("{GOOD}[cost]\nhost_hour = 1\nstopped_host_hour = -1\n"),
            "cost.stopped_host_hour",
        ),
        (
            "peak with its own threshold",
            plan("{ start = \"09:00\" }", "{ start = \"09:00\", capacity_threshold_pct = 50 }"),
            "peak",
        ),
        (
            "excluding an unknown host",
            plan("kind = \"scaling_plan\"", "kind = \"scaling_plan\"\nexclude = [\"sh-9\"]"),
            "autoscale.exclude[0]",
        ),
        (
            "dynamic beside add_hosts",
            plan("kind = \"scaling_plan\"", "kind = \"scaling_plan\"\nmethod = \"dynamic\"")
                .replace(
                    "capacity_threshold_pct = 60 }",
                    "capacity_threshold_pct = 60, min_pool_size = 1, max_pool_size = 5 }",
                )
                .replace(
                    "capacity_threshold_pct = 90 }",
                    "capacity_threshold_pct = 90, min_pool_size = 1, max_pool_size = 5 }",
                )
                .replace(
                    "[autoscale]",
                    "[[actions]]\nat = \"1h\"\nkind = \"add_hosts\"\ncount = 2\n[autoscale]",
                ),
            "actions[0].kind",
        ),
        (
            "a dynamic maximum whose names are too long",
            plan("kind = \"scaling_plan\"", "kind = \"scaling_plan\"\nmethod = \"dynamic\"")
                .replace(
                    "capacity_threshold_pct = 60 }",
                    "capacity_threshold_pct = 60, min_pool_size = 1, max_pool_size = 20000 }",
                )
                .replace(
                    "capacity_threshold_pct = 90 }",
                    "capacity_threshold_pct = 90, min_pool_size = 1, max_pool_size = 5 }",
                ),
            "max_pool_size",
        ),
        (
            "a personal wait of 361 minutes",
            personal_plan("wait = \"30m\"", "wait = \"361m\""),
            "ramp_up.on_disconnect.wait",
        ),
        (
            "an unknown personal action",
            personal_plan("action = \"hibernate\"", "action = \"sleep\""),
            "sleep",
        ),
        (
            "auto_start_hosts outside ramp-up",
            personal_plan(
                "{ start = \"09:00\" }",
                "{ start = \"09:00\", auto_start_hosts = \"all\" }",
            ),
            "peak.auto_start_hosts",
        ),
        (
            "an unknown auto_start_hosts",
            personal_plan("\"with_assigned_user\"", "\"some\""),
            "auto_start_hosts",
        ),
        (
            "a pooled key in a personal plan",
            personal_plan("{ start = \"09:00\" }", "{ start = \"09:00\", min_hosts_pct = 10 }"),
            "peak.min_hosts_pct",
        ),
        (
            "a personal key in a pooled plan",
            plan(
                "{ start = \"09:00\" }",
                "{ start = \"09:00\", on_logoff = { wait = \"1m\", action = \"none\" } }",
            ),
            "peak.on_logoff",
        ),
        (
            "the scaling script on a personal pool",
            personal_plan("[autoscale]\n", "[autoscale]\nkind = \"scaling_script\"\n"),
            "autoscale.kind",
        ),
        (
            "resume_time on a pooled pool",
            plan(
                "kind = \"scaling_plan\"",
                "kind = \"scaling_plan\"\nresume_time = { dist = \"fixed\", value = \"1m\" }",
            ),
            "autoscale.resume_time",
        ),
        (
            "the replaced initially_stopped",
            personal_plan("hosts = 3", "hosts = 3\ninitially_stopped = true"),
            "initial_running",
        ),
        (
            "the replaced stop_when_idle",
            personal_plan("hosts = 3", "hosts = 3\nstop_when_idle = \"1h\""),
            "on_logoff",
        ),
        (
            "Start VM on Connect on a personal pool's [pool]",
            personal_plan("hosts = 3", "hosts = 3\nstart_vm_on_connect = true"),
            "pool.start_vm_on_connect",
        ),
    ]
}

/// A good personal scaling plan on a personal pool, with `from` replaced by `to`.
fn personal_plan(from: &str, to: &str) -> String {
    let text = "name = \"p\"\nduration = \"1d\"\n[pool]\nkind = \"personal\"\nhosts = 3\n\
         [workload]\nusers = 3\narrivals = { kind = \"poisson\", rate_per_hour = 1 }\n\
         session = { dist = \"exponential\", mean = \"60m\" }\n[autoscale]\n\
         [[autoscale.schedules]]\nname = \"w\"\ndays = \"weekdays\"\n\
         ramp_up = { start = \"07:00\", auto_start_hosts = \"with_assigned_user\", on_disconnect = { wait = \"30m\", action = \"hibernate\" } }\n\
         peak = { start = \"09:00\" }\n\
         ramp_down = { start = \"17:00\", on_logoff = { wait = \"15m\", action = \"deallocate\" } }\n\
         off_peak = { start = \"20:00\", start_vm_on_connect = false }\n";
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

/// A good scaling plan on the good scenario, with `from` replaced by `to`.
fn plan(from: &str, to: &str) -> String {
    let plan = format!(
        "{GOOD}[autoscale]\nkind = \"scaling_plan\"\n[[autoscale.schedules]]\nname = \"w\"\ndays = \"weekdays\"\n\
         ramp_up = {{ start = \"07:00\", min_hosts_pct = 20, capacity_threshold_pct = 60 }}\n\
         peak = {{ start = \"09:00\" }}\n\
         ramp_down = {{ start = \"17:00\", min_hosts_pct = 10, capacity_threshold_pct = 90 }}\n\
         off_peak = {{ start = \"20:00\" }}\n"
    );
    assert!(plan.contains(from), "{from}");
    plan.replacen(from, to, 1)
}

#[test]
fn each_bad_input_gets_one_clear_line_and_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    for (what, text, needle) in cases() {
        let file = tmp.path().join("bad.toml");
        std::fs::write(&file, &text).unwrap();
        let out_dir = tmp.path().join("out");
        for cmd in ["run", "validate"] {
            let mut c = Command::new(env!("CARGO_BIN_EXE_poolsim"));
            c.arg(cmd).arg(&file);
            if cmd == "run" {
                c.arg("--out").arg(&out_dir).arg("--quiet");
            }
            let out = c.output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{what} ({cmd}): {err}");
            assert_eq!(err.trim_end().lines().count(), 1, "{what}: not one line: {err}");
            assert!(err.contains("bad.toml"), "{what}: file not named: {err}");
            assert!(err.contains(needle), "{what}: expected '{needle}' in: {err}");
            assert!(!err.contains("panicked"), "{what}: {err}");
            assert!(!out_dir.exists(), "{what}: output directory left behind");
        }
    }
}

#[test]
fn the_good_scenario_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let good_plan = plan("days = \"weekdays\"", "days = [\"mon\", \"fri\"]");
    let good_personal = personal_plan("", "");
    for text in [GOOD.to_string(), good_plan, good_personal] {
        let file = tmp.path().join("good.toml");
        std::fs::write(&file, text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_poolsim"))
            .arg("validate")
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn a_missing_file_and_bad_arguments_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.toml");
    let out =
        Command::new(env!("CARGO_BIN_EXE_poolsim")).arg("run").arg(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
    let file = tmp.path().join("good.toml");
    std::fs::write(&file, GOOD).unwrap();
    for args in
        [vec!["--threads", "0"], vec!["--set", "pool.hosts"], vec!["--set", "pool.hosts=-1"]]
    {
        let out = Command::new(env!("CARGO_BIN_EXE_poolsim"))
            .arg("run")
            .arg(&file)
            .args(&args)
            .arg("--out")
            .arg(tmp.path().join("o"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!tmp.path().join("o").exists());
    }
}

/// A replayed log with a problem: one line naming the log and the line, exit 2, nothing
/// written. (what is wrong, log text, text the error must contain)
fn bad_logs() -> Vec<(&'static str, String, &'static str)> {
    const HEAD: &str = "TimeGenerated,CorrelationId,State,UserName,SessionHostName,PredecessorConnectionId,_ResourceId\n";
    let a = "00000000-0000-4000-8000-000000000001";
    let row =
        |t: &str, state: &str| format!("2024-01-08T{t}Z,{a},{state},alice,sh-0,,/hostpools/hp\n");
    let good = format!("{HEAD}{}{}", row("08:00:00", "Started"), row("08:00:05", "Connected"));
    vec![
        (
            "a row with a missing field",
            format!("{good}2024-01-08T09:00:00Z,{a},Completed\n"),
            "line 4: expected 7 fields",
        ),
        (
            "an unknown state",
            format!("{good}{}", row("09:00:00", "Finished")),
            "line 4: unknown State \"Finished\"",
        ),
        (
            "Completed before Connected",
            format!("{good}{}", row("07:00:00", "Completed")),
            "line 4: Completed before its Connected",
        ),
        (
            "a duplicate CorrelationId",
            format!("{good}{}", row("08:30:00", "Connected")),
            "line 4: duplicate CorrelationId",
        ),
        (
            "another table's columns",
            "TimeGenerated,Computer,Level\n2024-01-08T08:00:00Z,vm1,Info\n".to_string(),
            "line 1: not a WVDConnections log",
        ),
        (
            "a time that is not ISO-8601",
            format!("{good}{}", row("9h", "Completed").replace("2024-01-08T9hZ", "Monday 9am")),
            "line 4: TimeGenerated \"Monday 9am\"",
        ),
        (
            "a CorrelationId that is not a GUID",
            format!("{good}2024-01-08T09:00:00Z,42,Completed,alice,sh-0,,/hostpools/hp\n"),
            "line 4: CorrelationId \"42\"",
        ),
        (
            "a second host pool",
            format!(
                "{good}{}",
                row("09:00:00", "Completed").replace("/hostpools/hp", "/hostpools/other")
            ),
            "set replay.host_pool",
        ),
        ("no connections", HEAD.to_string(), "no connections"),
    ]
}

#[test]
fn each_bad_log_gets_one_line_naming_the_log_and_the_line_and_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = "name = \"r\"\n[pool]\nkind = \"pooled\"\nhosts = 2\n[workload]\nreplay = { file = \"log.csv\" }\n";
    std::fs::write(tmp.path().join("r.toml"), scenario).unwrap();
    let out_dir = tmp.path().join("out");
    for (what, log, needle) in bad_logs() {
        std::fs::write(tmp.path().join("log.csv"), &log).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_poolsim"))
            .arg("run")
            .arg(tmp.path().join("r.toml"))
            .arg("--out")
            .arg(&out_dir)
            .arg("--quiet")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{what}: not one line: {err}");
        assert!(
            err.contains("r.toml") && err.contains("log.csv"),
            "{what}: files not named: {err}"
        );
        assert!(err.contains(needle), "{what}: expected '{needle}' in: {err}");
        assert!(!out_dir.exists(), "{what}: output directory left behind");
    }
    // A directory where the log should be.
    std::fs::remove_file(tmp.path().join("log.csv")).unwrap();
    std::fs::create_dir(tmp.path().join("log.csv")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_poolsim"))
        .args(["validate".as_ref(), tmp.path().join("r.toml").as_os_str()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a directory"));
}

#[test]
fn replay_keys_that_do_not_combine_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("log.csv"), "user,start,end\nann,2024-01-08T08:00:00Z,\n")
        .unwrap();
    let base = "name = \"r\"\n[pool]\nkind = \"pooled\"\nhosts = 2\n[workload]\nreplay = { file = \"log.csv\", format = \"simple\" }\n";
    for (extra, field) in [
        ("users = 5\n", "workload.users"),
        ("arrivals = { kind = \"poisson\", rate_per_hour = 3 }\n", "workload.arrivals"),
        (
            "reconnect = { probability = 0.5, after = { dist = \"fixed\", value = \"1m\" } }\n",
            "workload.reconnect",
        ),
    ] {
        std::fs::write(tmp.path().join("r.toml"), format!("{base}{extra}")).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_poolsim"))
            .args(["validate".as_ref(), tmp.path().join("r.toml").as_os_str()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra}: {err}");
        assert!(err.contains(field), "{extra}: {err}");
    }
    // `[pool] assignments = "from_log"`: personal pools only, with a replay, spelled right.
    let personal = "name = \"r\"\n[pool]\nkind = \"personal\"\nhosts = 2\nassignments = \"from_log\"\n[workload]\nreplay = { file = \"log.csv\", format = \"simple\" }\n";
    let synthetic = "name = \"r\"\nduration = \"1d\"\n[pool]\nkind = \"personal\"\nhosts = 2\nassignments = \"from_log\"\n[workload]\nusers = 2\narrivals = { kind = \"poisson\", rate_per_hour = 1 }\nsession = { dist = \"fixed\", value = \"1h\" }\n";
    for (text, field, needle) in [
        (personal.replace("from_log", "from_the_log"), "pool.assignments", "from_log"),
        (personal.replace("\"personal\"", "\"pooled\""), "pool.assignments", "personal pools"),
        (synthetic.to_string(), "pool.assignments", "workload.replay"),
        (
            format!(
                "{personal}[autoscale]\n[[autoscale.schedules]]\nname = \"d\"\ndays = \"daily\"\nramp_up = {{ start = \"07:00\", start_vm_on_connect = true }}\npeak = {{ start = \"09:00\" }}\nramp_down = {{ start = \"17:00\" }}\noff_peak = {{ start = \"20:00\" }}\n"
            ),
            "autoscale",
            "replay",
        ),
    ] {
        std::fs::write(tmp.path().join("r.toml"), &text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_poolsim"))
            .args(["validate".as_ref(), tmp.path().join("r.toml").as_os_str()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{text}: {err}");
        assert!(err.contains(field) && err.contains(needle), "{text}: {err}");
    }
    let bad_offset =
        base.replace("format = \"simple\"", "format = \"simple\", utc_offset = \"1h\"");
    std::fs::write(tmp.path().join("r.toml"), bad_offset).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_poolsim"))
        .args(["validate".as_ref(), tmp.path().join("r.toml").as_os_str()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("workload.replay.utc_offset"));
}
