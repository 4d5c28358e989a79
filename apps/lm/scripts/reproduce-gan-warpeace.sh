#!/usr/bin/env bash
# Gan et al. 2017, Table 2 at CPU scale: War and Peace characters, 2 × 128 LSTM, GRU and
# vanilla RNN, each trained with RMSprop and with pSGLD (same hyperparameters, the preset
# gan-warpeace: 100 × 100-character windows, lr 2e-3, 5 epochs), seed SEED (default 1). An
# arm `psgld-tT` runs pSGLD at temperature T (e.g. psgld-t7.7e-5: the noise of Gan et al.'s
# released code, 2/N with N = 25,900 sequences). A killed call resumes where it stopped. Usage:
#   [CELLS="lstm gru vanilla"] [ARMS="rmsprop psgld"] apps/lm/scripts/reproduce-gan-warpeace.sh [SEED] [EPOCHS]
# then: node apps/lm/scripts/summarize-warpeace.mjs runs/repro-gan-warpeace
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
    case "$arm" in
      rmsprop) flags=(--method plain) ;;
      psgld) flags=(--method psgld) ;;
      psgld-t*) flags=(--method psgld --temperature "${arm#psgld-t}") ;;
      *) echo "unknown arm: $arm"; exit 2 ;;
    esac
    resume=()
    [ -d "$out/checkpoint" ] && resume=(--resume)
    start=$SECONDS
    node apps/lm/dist/cli.js train --preset gan-warpeace "${flags[@]}" --cell "$cell" \
      --epochs "$epochs" --seed "$seed" --out "$out" "${resume[@]}" > "$out.stdout" \
      2> "$out.stderr" || { echo "failed: $out (see $out.stderr)"; exit 1; }
    echo "$out: $((SECONDS - start)) s wall"
  done
done
# A chain still descending when sampling begins is better averaged over its last samples
# only: the averaged predictive of the last 5 (the final epoch's) beside all of them.
for cell in "${cells[@]}"; do
  for arm in "${arms[@]}"; do
    out="$root/${cell}-${arm}-e${epochs}-seed${seed}"
    [[ "$arm" == psgld* ]] || continue
    [ -f "$out/eval-last-5.json" ] && continue
    node apps/lm/dist/cli.js eval --run "$out" --last 5 > "$out/eval-last-5.json.tmp" \
      2>> "$out.stderr" && mv "$out/eval-last-5.json.tmp" "$out/eval-last-5.json"
  done
done
