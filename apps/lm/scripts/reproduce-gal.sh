#!/usr/bin/env bash
# Reproduction of papers.md §3.4 (Gal & Ghahramani 2016 at CPU scale): the cpu-small preset
# (first 100k PTB training tokens, 2k vocabulary, 1×128 LSTM, SGD lr 1, clip 5, 8 epochs) with
# (a) no dropout, (b) Zaremba's naive dropout, (c) variational dropout, (d) (c) with MC dropout.
# Usage: apps/lm/scripts/reproduce-gal.sh [seeds...]   (default seeds 1 2; run from the repo root
# after `npm run build`). Writes runs/repro-gal/<method>-seed<N>/ and prints the summary table.
set -euo pipefail
cd "$(dirname "$0")/../../.."
seeds=("${@:-1 2}")
# shellcheck disable=SC2206
seeds=(${seeds[*]})
for seed in "${seeds[@]}"; do
  for method in plain dropout variational; do
    out="runs/repro-gal/${method}-seed${seed}"
    mc=()
    [ "$method" = variational ] && mc=(--mc 50)
    if [ -f "$out/results.json" ]; then echo "skip $out (done)"; continue; fi
    resume=()
    [ -d "$out/checkpoint" ] && resume=(--resume)
    mkdir -p "$(dirname "$out")"
    start=$SECONDS
    node apps/lm/dist/cli.js train --preset cpu-small --method "$method" \
      --seed "$seed" --out "$out" "${mc[@]}" "${resume[@]}" > "$out.stdout" 2> "$out.stderr" || {
      echo "failed: $out (see $out.stderr)"; exit 1; }
    echo "$out: $((SECONDS - start)) s wall"
  done
done
node apps/lm/scripts/summarize-runs.mjs runs/repro-gal
