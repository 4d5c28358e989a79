#!/bin/bash
# Gan et al. (2017) Table 5 on a cross-validated set (MR, CR, SUBJ or MPQA) at the paper's size
# (biLSTM 400, embedding 300, 20 epochs): the five arms on each fold asked for, pSGLD at the
# temperature T given (Gan et al.'s released code injects about 2/N of the textbook noise, N the
# training sentences), then the summary over the folds run so far.
# Usage: apps/classify/scripts/reproduce-cv.sh DATASET T FOLD...   (from the repo root)
#   e.g. apps/classify/scripts/reproduce-cv.sh CR 6.5e-4 0 1 2   (folds are 0-based)
# Runs go to runs/classify/; a finished run is skipped, a killed one resumes.
set -euo pipefail
dataset=$1 temperature=$2
shift 2
cli="node $(pwd)/apps/classify/dist/cli.js"
mkdir -p runs/classify && cd runs/classify
name=$(echo "$dataset" | tr '[:upper:]' '[:lower:]')
run() { # method fold out [options...]
  local method=$1 fold=$2 out=$3
  shift 3
  [ -f "$out/results.json" ] && return
  $cli train --dataset "$dataset" --method "$method" --fold "$fold" --out "$out" --resume "$@" \
    >"$out.stdout" 2>"$out.stderr"
}
for fold in "$@"; do
  run rmsprop "$fold" "$name-rmsprop-fold$fold"
  run psgld "$fold" "$name-psgld-T$temperature-fold$fold" --temperature "$temperature"
  run rmsprop-dropout "$fold" "$name-rmsprop-dropout-fold$fold"
  run rmsprop-gal "$fold" "$name-rmsprop-gal-fold$fold"
  run psgld-dropout "$fold" "$name-psgld-dropout-T$temperature-fold$fold" --temperature "$temperature"
done
dirs=()
for arm in rmsprop rmsprop-dropout rmsprop-gal "psgld-T$temperature" "psgld-dropout-T$temperature"; do
  for d in "$name-$arm"-fold*/; do [ -f "$d/results.json" ] && dirs+=("${d%/}"); done
done
$cli summarize "${dirs[@]}"
