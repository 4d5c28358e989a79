#!/usr/bin/env bash
# Gan et al. 2017, Table 4 (Flickr8k) at CPU scale: the Show-and-Tell decoder (LSTM 512,
# embedding 300, batch 64, lr 1e-3, beam 5) trained with each arm for EPOCHS epochs (default
# 20, the paper's), seed SEED (default 1). With FEATURES=file.npy and FEATURE_NAMES=names.txt the
# decoder reads those image features; without them it runs blind (no image: Flickr8k's images
# are not in ../shared/data), which measures the arms on the captions' language alone. An arm
# `psgld-tT` runs pSGLD at temperature T (e.g. psgld-t6.7e-5: 2/N with N = 30,000 captions, the
# noise of Gan et al.'s released code). A killed call resumes where it stopped. Usage:
#   [ARMS="rmsprop psgld"] [FEATURES=f.npy FEATURE_NAMES=f.txt] apps/caption/scripts/reproduce-flickr8k.sh [SEED] [EPOCHS]
# then: node apps/caption/scripts/summarize.mjs runs/repro-flickr8k
set -euo pipefail
cd "$(dirname "$0")/../../.."
seed="${1:-1}"
epochs="${2:-20}"
root=runs/repro-flickr8k
mkdir -p "$root"
# shellcheck disable=SC2206
arms=(${ARMS:-rmsprop psgld})
if [ -n "${FEATURES:-}" ]; then
  kind=features
  inputs=(--features "$FEATURES" --feature-names "${FEATURE_NAMES:?FEATURE_NAMES must name the feature rows}")
else
  kind=blind
  inputs=(--blind)
fi
for arm in "${arms[@]}"; do
  out="$root/${kind}-${arm}-e${epochs}-seed${seed}"
  [ -f "$out/results.json" ] && continue
  case "$arm" in
    psgld-t*) method=(--method psgld --temperature "${arm#psgld-t}") ;;
    *) method=(--method "$arm") ;;
  esac
  start=$SECONDS
  node apps/caption/dist/cli.js train "${inputs[@]}" "${method[@]}" --epochs "$epochs" \
    --seed "$seed" --out "$out" --resume > "$out.stdout" 2> "$out.stderr" \
    || { echo "failed: $out (see $out.stderr)"; exit 1; }
  echo "$out: $((SECONDS - start)) s wall"
done
