#!/usr/bin/env bash
# Measures poolsim's performance targets and writes results/perf.json (results/perf.md
# explains the figures), then runs poolsim head to head with the build of a previous git rev,
# the bare loop and the SimPy model (results/head-to-head.sh: results/head-to-head.json and
# the head-to-head table of results/perf.md). Takes about ten minutes. The queue's overhead
# comes from the criterion bench, run separately: cargo bench --bench queue
#     results/measure-perf.sh [--baseline REV]    (default HEAD~1)
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=HEAD~1
while [ $# -gt 0 ]; do
    case $1 in
        --baseline) baseline=$2; shift 2 ;;
        *) echo "usage: results/measure-perf.sh [--baseline REV]" >&2; exit 2 ;;
    esac
done
cargo build --release --quiet
# The binary cargo built, wherever CARGO_TARGET_DIR or the config puts the target directory.
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release/poolsim"
scenario=scenarios/bench-large.toml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The "stats" object of a run's summary.json.
stats() { sed -n '/"stats": {/,/^  }/p' "$1/summary.json" | sed '1s/.*"stats": //'; }

# run NAME [--scenario FILE] ARGS…: one run with --stats; prints `"NAME": {stats}`.
run() {
    local name=$1 file=$scenario
    shift
    if [ "${1:-}" = --scenario ]; then
        file=$2
        shift 2
    fi
    "$bin" run "$file" --quiet --stats --out "$work/$name" "$@" >/dev/null
    printf '    "%s": %s' "$name" "$(stats "$work/$name")"
}

# shellcheck source=results/scale.sh
. results/scale.sh
size() {
    local f=$1
    scale_args "$f"
    run "size_x$f" --threads 1 --replications 1 --set time_bin=1d "${SCALE_ARGS[@]}"
}

{
    echo "{"
    echo "  \"machine\": {"
    echo "    \"nproc\": $(nproc),"
    echo "    \"cpu\": \"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')\","
    echo "    \"memory_kib\": $(awk '/MemTotal/ { print $2 }' /proc/meminfo),"
    echo "    \"load_average_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\""
    echo "  },"
    echo "  \"runs\": {"
    # bench-large alone and with a scaling plan, alternating (#10: within 15 %).
    for i in 1 2 3; do
        run "one_core_$i" --threads 1 --replications 1; echo ","
        run "plan_$i" --scenario benches/bench-large-plan.toml --threads 1 --replications 1; echo ","
    done
    run threads_1 --threads 1 --replications 4; echo ","
    run threads_2 --threads 2 --replications 4; echo ","
    run days_30 --threads 1 --replications 1 --set duration=30d; echo ","
    run days_365 --threads 1 --replications 1 --set duration=365d; echo ","
    run days_30_daily_bins --threads 1 --replications 1 --set duration=30d --set time_bin=1d; echo ","
    run days_365_daily_bins --threads 1 --replications 1 --set duration=365d --set time_bin=1d; echo ","
    size 0.25; echo ","
    size 1; echo ","
    size 4; echo
    echo "  }"
    echo "}"
} >"$work/perf.json"
mv "$work/perf.json" results/perf.json
echo "wrote results/perf.json"
results/head-to-head.sh --baseline "$baseline"
