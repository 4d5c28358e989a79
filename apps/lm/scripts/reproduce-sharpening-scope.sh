#!/usr/bin/env bash
# Posterior sharpening at CPU scale (papers.md §1.8's cpu-small preset, the official prior,
# σ0 = 0.02, η = 1e-3): Bayes by Backprop without sharpening (scope none), with every Bayesian
# weight sharpened (all: the paper's θ ∈ R^d), with the LSTM weights only (recurrent), and with
# all but the softmax (no-softmax: --sharpen embedding,layers) or all but the embedding
# (no-embedding: --sharpen layers,softmax); the sharpened runs are scored at the posterior mean
# (option (a)) and with Fortunato et al.'s sharpened bound (option (b), eval --bound).
# η's gradients share one global norm with the weights' (the default, as the reference code
# clips); with CLIP_ETA=apart in the environment they are clipped by their own (--clip-eta apart),
# at ETA_CLIP_NORM when that is set too (--eta-clip-norm).
# Usage: [CLIP_ETA=apart [ETA_CLIP_NORM=0.5]] apps/lm/scripts/reproduce-sharpening-scope.sh SEED
# [SCOPE...] (default scopes: none all recurrent; from the repo root, after `npm run build`).
# Writes runs/repro-sharpen/<scope>-seed<N>/ (runs/repro-sharpen-apart/ with CLIP_ETA=apart,
# runs/repro-sharpen-apart-<norm>/ with ETA_CLIP_NORM too); a killed run resumes.
set -euo pipefail
cd "$(dirname "$0")/../../.."
seed="${1:-1}"
shift || true
scopes=("$@")
[ ${#scopes[@]} -eq 0 ] && scopes=(none all recurrent)
clip_eta="${CLIP_ETA:-together}"
case "$clip_eta" in
  together) root=runs/repro-sharpen ;;
  apart) root=runs/repro-sharpen-apart${ETA_CLIP_NORM:+-$ETA_CLIP_NORM} ;;
  *) echo "CLIP_ETA must be apart or together, got '$clip_eta'" >&2; exit 2 ;;
esac
mkdir -p "$root"
cli=(node apps/lm/dist/cli.js)
for scope in "${scopes[@]}"; do
  out="$root/${scope}-seed${seed}"
  case "$scope" in
    none) method=(--method bbb) ;;
    no-softmax) method=(--method bbb-sharpened --sharpen embedding,layers) ;;
    no-embedding) method=(--method bbb-sharpened --sharpen layers,softmax) ;;
    *) method=(--method bbb-sharpened --sharpen "$scope") ;;
  esac
  [ "$scope" != none ] && method+=(--clip-eta "$clip_eta")
  [ "$scope" != none ] && [ -n "${ETA_CLIP_NORM:-}" ] && method+=(--eta-clip-norm "$ETA_CLIP_NORM")
  if [ ! -f "$out/results.json" ]; then
    resume=()
    [ -d "$out/checkpoint" ] && resume=(--resume)
    start=$SECONDS
    "${cli[@]}" train --preset cpu-small "${method[@]}" --seed "$seed" --out "$out" \
      "${resume[@]}" > "$out.stdout" 2> "$out.stderr" || {
      echo "failed: $out (see $out.stderr)"; exit 1; }
    echo "$out: train $((SECONDS - start)) s wall"
  fi
  if [ "$scope" != none ] && [ ! -f "$out/bound.json" ]; then
    start=$SECONDS
    "${cli[@]}" eval --run "$out" --bound --seed "$seed" > "$out/bound.json" 2>> "$out.stderr"
    echo "$out: bound $((SECONDS - start)) s wall"
  fi
done
