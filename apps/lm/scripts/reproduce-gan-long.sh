#!/usr/bin/env bash
# A longer chain for papers.md §2.8: the cpu-sgmcmc preset for EPOCHS (default 30) epochs
# instead of 10, RMSprop against pSGLD at temperature 1 and 0.1, seed SEED (default 1). The
# 10-epoch chains were still descending when sampling began; this asks whether averaging
# samples of a chain that has slowed down beats its last sample and RMSprop. Samples as in the
# preset (after 312 steps, one every 50), then the averaged predictive of the last 10, 20 and
# 40 (eval --last K → eval-last-K.json). Usage: [ARMS="psgld …"] apps/lm/scripts/reproduce-gan-long.sh
# [EPOCHS] [SEED] (one process per call: run two calls with different ARMS on two cores).
set -euo pipefail
cd "$(dirname "$0")/../../.."
epochs="${1:-30}"
seed="${2:-1}"
root=runs/repro-gan-long
mkdir -p "$root"
# shellcheck disable=SC2206
arms=(${ARMS:-rmsprop psgld psgld-t0.1})
for arm in "${arms[@]}"; do
  out="$root/${arm}-e${epochs}-seed${seed}"
  case "$arm" in
    rmsprop) flags=(--method plain) ;;
    psgld) flags=(--method psgld) ;;
    psgld-t*) flags=(--method psgld --temperature "${arm#psgld-t}") ;;
  esac
  if [ ! -f "$out/results.json" ]; then
    resume=()
    [ -d "$out/checkpoint" ] && resume=(--resume)
    start=$SECONDS
    node apps/lm/dist/cli.js train --preset cpu-sgmcmc "${flags[@]}" --epochs "$epochs" \
      --seed "$seed" --out "$out" "${resume[@]}" > "$out.stdout" 2> "$out.stderr" || {
      echo "failed: $out (see $out.stderr)"; exit 1; }
    echo "$out: $((SECONDS - start)) s wall"
  fi
  [ "$arm" = rmsprop ] && continue
  for k in 10 20 40; do
    [ -f "$out/eval-last-$k.json" ] && continue
    node apps/lm/dist/cli.js eval --run "$out" --last "$k" > "$out/eval-last-$k.json.tmp" \
      2>> "$out.stderr" && mv "$out/eval-last-$k.json.tmp" "$out/eval-last-$k.json"
  done
done
