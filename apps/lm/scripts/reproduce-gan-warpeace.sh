#!/usr/bin/env bash
# Gan et al. 2017, Table 2 at CPU scale: War and Peace characters, 2 × 128 LSTM, GRU and
# vanilla RNN, each trained with RMSprop and with pSGLD (same hyperparameters, the preset
# gan-warpeace: 100 × 100-character windows, lr 2e-3, 5 epochs), seed SEED (default 1).
# A killed call resumes where it stopped. Usage:
#   [CELLS="lstm gru vanilla"] [ARMS="rmsprop psgld"] apps/lm/scripts/reproduce-gan-warpeace.sh [SEED] [EPOCHS]
# then: node apps/lm/scripts/summarize-runs.mjs runs/repro-gan-warpeace
set -euo pipefail
cd "$(dirname "$0")/../../.."
seed="${1:-1}"
epochs="${2:-5}"
root=runs/repro-gan-warpeace
mkdir -p "$root"
# shellcheck disable=SC2206
cells=(${CELLS:-lstm gru vanilla})
# shellcheck disable=SC2206
arms=(${ARMS:-rmsprop psgld})
for cell in "${cells[@]}"; do
  for arm in "${arms[@]}"; do
    out="$root/${cell}-${arm}-e${epochs}-seed${seed}"
    [ -f "$out/results.json" ] && continue
    method=plain
    [ "$arm" = psgld ] && method=psgld
    resume=()
    [ -d "$out/checkpoint" ] && resume=(--resume)
    start=$SECONDS
    node apps/lm/dist/cli.js train --preset gan-warpeace --method "$method" --cell "$cell" \
      --epochs "$epochs" --seed "$seed" --out "$out" "${resume[@]}" > "$out.stdout" \
      2> "$out.stderr" || { echo "failed: $out (see $out.stderr)"; exit 1; }
    echo "$out: $((SECONDS - start)) s wall"
  done
done
