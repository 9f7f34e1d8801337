# Sourced by results/measure-perf.sh and results/head-to-head.sh: bench-large's pool and
# login profile scaled by a factor F (1 is 1,000 hosts and 12,000 users; rates × F).

weekday="40 20 20 20 40 150 600 2500 4500 3500 2000 1500 1800 2200 1500 1000 700 400 250 150 100 80 60 50"
weekend="20 10 10 10 10 20 40 80 150 200 200 200 200 200 200 180 150 120 100 80 60 50 40 30"

# Profile rates scaled by a factor, as a TOML array.
scaled() {
    echo "$1" | awk -v f="$2" '{ printf "["; for (i = 1; i <= NF; i++) printf "%s%g", (i > 1 ? "," : ""), $i * f; printf "]" }'
}

# scale_args F: sets the array SCALE_ARGS to the --set options of the pool scaled by F.
scale_args() {
    local f=$1
    SCALE_ARGS=(
        --set "pool.hosts=$(awk -v f="$f" 'BEGIN { print 1000 * f }')"
        --set "workload.users=$(awk -v f="$f" 'BEGIN { print 12000 * f }')"
        --set "workload.arrivals.per_hour=$(scaled "$weekday" "$f")"
        --set "workload.arrivals.weekend=$(scaled "$weekend" "$f")"
    )
}
