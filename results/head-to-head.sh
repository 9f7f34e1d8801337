#!/usr/bin/env bash
# poolsim beside its peers, in one run: this build, a previous build (git rev, default HEAD~1),
# the bare loop (benches/peers/bare_loop.rs) and the SimPy model (benches/peers/simpy_pool.py),
# all on the same pooled loss system (benches/peers/pool.toml) at 10, 200, 1,000, 4,000 and
# 10,000 hosts. Writes results/head-to-head.json and the head-to-head table of results/perf.md
# (between its markers). Called by results/measure-perf.sh; takes about ten minutes.
#     results/head-to-head.sh [--baseline REV] [--reps N]
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=HEAD~1
reps=3
while [ $# -gt 0 ]; do
    case $1 in
        --baseline) baseline=$2; shift 2 ;;
        --reps) reps=$2; shift 2 ;;
        *) echo "usage: results/head-to-head.sh [--baseline REV] [--reps N]" >&2; exit 2 ;;
    esac
done
if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time for peak memory" >&2
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq && $sudo apt-get install -y -qq time >/dev/null
fi
python3 -c 'import simpy' 2>/dev/null || python3 -m pip install --quiet simpy

target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
cargo build --release --quiet --bin poolsim --example bare_loop
bin="$target_dir/release/poolsim"
bare="$target_dir/release/examples/bare_loop"

# The previous build: the rev checked out in a temporary worktree, built into its own target
# directory (kept between runs, so only what changed is rebuilt).
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
base_rev=$(git rev-parse --short "$baseline")
git worktree add --quiet --detach "$work/base" "$base_rev"
(cd "$work/base" && CARGO_TARGET_DIR="$target_dir/perf-baseline" cargo build --release --quiet --bin poolsim)
base_bin="$target_dir/perf-baseline/release/poolsim"

# shellcheck source=results/scale.sh
. results/scale.sh

# timed FILE CMD…: runs CMD under GNU time; FILE gets "wall_seconds peak_kib".
timed() {
    local out=$1
    shift
    /usr/bin/time -f '%e %M' -o "$out" "$@"
}

# poolsim_run NAME BIN HOSTS DAYS: one poolsim run; prints a JSON record.
poolsim_run() {
    local name=$1 b=$2 hosts=$3 days=$4 f
    f=$(awk -v h="$hosts" 'BEGIN { print h / 1000 }')
    scale_args "$f"
    timed "$work/time" "$b" run benches/peers/pool.toml --quiet --stats --threads 1 \
        --replications 1 --out "$work/out" --set time_bin=1d --set "duration=${days}d" \
        "${SCALE_ARGS[@]}" >/dev/null
    python3 - "$name" "$hosts" "$days" "$work/out/summary.json" "$work/time" <<'PY'
import json, sys
name, hosts, days, summary, timing = sys.argv[1:]
s = json.load(open(summary))
stats, m = s["stats"], s["metrics"]
wall, kib = open(timing).read().split()
def metric(name):
    v = m.get(name)
    return v["mean"] if isinstance(v, dict) else v
print(json.dumps({"model": name, "hosts": int(hosts), "days": int(days), "events": stats["events"],
    "wall_seconds": float(wall), "inner_seconds": stats["wall_seconds"],
    "cpu_seconds": stats["cpu_seconds"], "peak_kib": int(kib),
    "logins_attempted": metric("logins_attempted"), "peak_sessions": metric("peak_sessions")}))
PY
}

# peer_run NAME HOSTS DAYS CMD…: a peer printing its own JSON line; adds whole wall and memory.
peer_run() {
    local name=$1 hosts=$2 days=$3
    shift 3
    timed "$work/time" "$@" "$hosts" "$days" >"$work/peer.json"
    python3 - "$work/peer.json" "$work/time" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
wall, kib = open(sys.argv[2]).read().split()
r["inner_seconds"] = r.get("inner_seconds", r["wall_seconds"])
r["wall_seconds"], r["peak_kib"] = float(wall), int(kib)
print(json.dumps(r))
PY
}

# SimPy does about 50,000 events a second: at 1,000 hosts and up it runs fewer days (the
# same steady state, fewer events), so the table compares events per second.
simpy_days() { case $1 in 10) echo 365 ;; 200) echo 30 ;; 1000) echo 7 ;; *) echo 2 ;; esac; }
poolsim_days() { case $1 in 10) echo 365 ;; *) echo 30 ;; esac; }

records="$work/records.jsonl"
: >"$records"
for hosts in 10 200 1000 4000 10000; do
    days=$(poolsim_days "$hosts")
    for _ in $(seq "$reps"); do
        poolsim_run poolsim "$bin" "$hosts" "$days" >>"$records"
        poolsim_run previous "$base_bin" "$hosts" "$days" >>"$records"
        peer_run bare_loop "$hosts" "$days" "$bare" >>"$records"
    done
    peer_run simpy "$hosts" "$(simpy_days "$hosts")" python3 benches/peers/simpy_pool.py >>"$records"
    echo "measured $hosts hosts" >&2
done

python3 benches/peers/render.py "$records" "$base_rev" "$(git rev-parse --short HEAD)" \
    "$(git status --porcelain --untracked-files=no | grep -q . && echo dirty || echo clean)"
