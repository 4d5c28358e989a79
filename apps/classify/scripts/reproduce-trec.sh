#!/bin/bash
# Gan et al. (2017) Table 5 on TREC at the paper's size (biLSTM 400, embedding 300, 20 epochs):
# the five arms for each seed (pSGLD at T = 4e-4 ≈ 2/N, the noise of the released code), one
# pSGLD run at the textbook T = 1 (seed 1), then the summary. About 6 minutes a run on 2 cores.
# Usage: apps/classify/scripts/reproduce-trec.sh [SEED...]   (default: 1 2 3; from the repo root)
# Runs go to runs/classify/; a finished run is skipped, a killed one resumes.
set -euo pipefail
cli="node $(pwd)/apps/classify/dist/cli.js"
mkdir -p runs/classify && cd runs/classify
run() { # method seed out [options...]
  local method=$1 seed=$2 out=$3
  shift 3
  [ -f "$out/results.json" ] && return
  $cli train --dataset TREC --method "$method" --seed "$seed" --out "$out" --resume "$@" \
    >"$out.stdout" 2>"$out.stderr"
}
run psgld 1 trec-psgld-seed1
for seed in "${@:-1 2 3}"; do
  for s in $seed; do
    run rmsprop "$s" "trec-rmsprop-seed$s"
    run psgld "$s" "trec-psgld-T4e-4-seed$s" --temperature 4e-4
    run rmsprop-dropout "$s" "trec-rmsprop-dropout-seed$s"
    run rmsprop-gal "$s" "trec-rmsprop-gal-seed$s"
    run psgld-dropout "$s" "trec-psgld-dropout-T4e-4-seed$s" --temperature 4e-4
  done
done
dirs=()
for arm in rmsprop rmsprop-dropout rmsprop-gal psgld psgld-T4e-4 psgld-dropout-T4e-4; do
  for d in trec-$arm-seed*/; do [ -f "$d/results.json" ] && dirs+=("${d%/}"); done
done
$cli summarize "${dirs[@]}"
