#!/usr/bin/env bash
# Reproduction of papers.md §2.8 (Gan et al. 2017 at CPU scale): the cpu-sgmcmc preset (first
# 100k PTB training tokens, 2k vocabulary, 1×128 LSTM, batch 32 × 20-step zero-state windows,
# lr 1e-3, β 0.99, 10 epochs) with (a) RMSprop, (b) pSGLD, (c) pSGLD + dropout 0.5 (naive);
# samples after a 2-epoch burn-in, one every 50 steps, probabilities averaged; then the
# averaged predictive of only the last 5 and 10 samples (eval --last K → eval-last-K.json).
# Two more pSGLD arms run a colder posterior, temperature 0.1 and 0.01 (the injected noise
# variance × T; the released code's noise is about T = 4e-4, papers.md §2.9).
# Usage: apps/lm/scripts/reproduce-gan.sh [seeds...]  (default 1 2; after `npm run build`).
# Writes runs/repro-gan/<arm>-seed<N>/ (results.json, ensemble.json, log.jsonl).
set -euo pipefail
cd "$(dirname "$0")/../../.."
seeds=("${@:-1 2}")
# shellcheck disable=SC2206
seeds=(${seeds[*]})
root=runs/repro-gan
mkdir -p "$root"
for seed in "${seeds[@]}"; do
  for arm in rmsprop psgld psgld-dropout psgld-t0.1 psgld-t0.01; do
    out="$root/${arm}-seed${seed}"
    [ -f "$out/results.json" ] && { echo "skip $out (trained)"; continue; }
    case "$arm" in
      rmsprop) flags=(--method plain) ;;
      psgld) flags=(--method psgld) ;;
      psgld-dropout) flags=(--method psgld --dropout naive) ;;
      psgld-t*) flags=(--method psgld --temperature "${arm#psgld-t}") ;;
    esac
    resume=()
    [ -d "$out/checkpoint" ] && resume=(--resume)
    start=$SECONDS
    node apps/lm/dist/cli.js train --preset cpu-sgmcmc "${flags[@]}" --seed "$seed" \
      --out "$out" "${resume[@]}" > "$out.stdout" 2> "$out.stderr" || {
      echo "failed: $out (see $out.stderr)"; exit 1; }
    echo "$out: $((SECONDS - start)) s wall"
  done
  # The chain is still descending when sampling starts: also average only its last K samples.
  for arm in psgld psgld-dropout psgld-t0.1 psgld-t0.01; do
    out="$root/${arm}-seed${seed}"
    for k in 5 10; do
      [ -f "$out/eval-last-$k.json" ] && continue
      node apps/lm/dist/cli.js eval --run "$out" --last "$k" > "$out/eval-last-$k.json.tmp" \
        2>> "$out.stderr" && mv "$out/eval-last-$k.json.tmp" "$out/eval-last-$k.json"
    done
  done
done
