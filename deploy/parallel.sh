#!/usr/bin/env bash
# Runs a poolsim run or sweep as SHARDS processes on this machine (GNU parallel, or xargs -P
# when parallel is not installed), then merges the shards into OUT: the same files, byte for
# byte, as the command run whole.
#
#   deploy/parallel.sh SHARDS OUT COMMAND ARGS…
#   deploy/parallel.sh 4 out/erlang sweep scenarios/erlang-sweep.toml --set pool.hosts=12..22:1
#
# Environment: POOLSIM, the poolsim binary (default: poolsim on PATH); JOBS, processes at once
# (default: SHARDS); THREADS, threads per process (default 1). ARGS must not hold --shard,
# --out or --threads. The shard folders stay in OUT.shards/ until the merge has written OUT.
set -euo pipefail
if [ "$#" -lt 3 ]; then
    echo "usage: $0 SHARDS OUT run|sweep ARGS…" >&2
    exit 2
fi
shards=$1 out=$2
shift 2
poolsim=${POOLSIM:-poolsim}
jobs=${JOBS:-$shards}
threads=${THREADS:-1}
dir="$out.shards"
mkdir -p "$dir"
# Each shard: the same arguments, its own share and folder.
if command -v parallel >/dev/null 2>&1; then
    seq 1 "$shards" | parallel -q --halt now,fail=1 -j "$jobs" \
        "$poolsim" "$@" --shard "{}/$shards" --threads "$threads" --out "$dir/{}"
else
    seq 1 "$shards" | xargs -P "$jobs" -I '{}' \
        "$poolsim" "$@" --shard "{}/$shards" --threads "$threads" --out "$dir/{}"
fi
# Exit code 3 (a sweep goal that no point meets) still wrote the outputs.
status=0
"$poolsim" merge $(seq -f "$dir/%g" 1 "$shards") --out "$out" || status=$?
if [ "$status" -eq 0 ] || [ "$status" -eq 3 ]; then
    rm -rf "$dir"
fi
exit "$status"
