#!/usr/bin/env bash
# Prior search for the §1.8 BBB arm (papers.md §1.2 grid: π ∈ {0.25, 0.5, 0.75},
# log σ1 ∈ {0, −1, −2}, log σ2 ∈ {−6, −7, −8}). papers.md §1.8: "if (b) is worse than (a) at
# all epochs, the prior scale is too tight for the subset; re-tune π or σ1 on the grid". Each
# point trains cpu-small BBB for EPOCHS (default 4) epochs on SEED (default 1); compare the
# validation perplexity with summarize-bayes.mjs fortunato runs/repro-fortunato-grid.
# Usage: apps/lm/scripts/reproduce-fortunato-grid.sh [EPOCHS] [SEED] [POINT...]
#   POINT is π,log σ1,log σ2 (default: four points that loosen the official 0.25,-1,-7).
set -euo pipefail
cd "$(dirname "$0")/../../.."
epochs="${1:-4}"
seed="${2:-1}"
shift $(( $# > 2 ? 2 : $# ))
points=("$@")
[ ${#points[@]} -eq 0 ] && points=(0.75,-2,-7 0.5,-2,-7 0.75,-1,-7 0.75,-2,-6)
root=runs/repro-fortunato-grid
mkdir -p "$root"
for point in "${points[@]}"; do
  out="$root/bbb-prior${point//,/_}-e${epochs}-seed${seed}"
  [ -f "$out/results.json" ] && { echo "skip $out (done)"; continue; }
  resume=()
  [ -d "$out/checkpoint" ] && resume=(--resume)
  start=$SECONDS
  node apps/lm/dist/cli.js train --preset cpu-small --method bbb --prior "$point" \
    --epochs "$epochs" --seed "$seed" --out "$out" "${resume[@]}" \
    > "$out.stdout" 2> "$out.stderr" || { echo "failed: $out (see $out.stderr)"; exit 1; }
  echo "$out: train $((SECONDS - start)) s wall"
done
