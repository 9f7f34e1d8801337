#!/usr/bin/env bash
# Re-records the baseline of every scenario in scenarios/ (results/baselines/<file name>.json).
# Run after a reviewed behaviour change, or after adding a scenario, then commit the diff:
#     results/baselines/regenerate.sh
# Pass scenario files to re-record only those: results/baselines/regenerate.sh scenarios/x.toml
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
# The binary cargo built, wherever CARGO_TARGET_DIR or the config puts the target directory.
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release/poolsim"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(scenarios/*.toml)
for scenario in "${files[@]}"; do
    name=$(basename "$scenario" .toml)
    "$bin" check "$scenario" --baseline "results/baselines/$name.json" \
        --write-baseline --quiet
    echo "recorded results/baselines/$name.json"
done
