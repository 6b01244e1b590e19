#!/usr/bin/env bash
# Measures the release desktop's start-up time and memory beside an empty Tauri 2 window (the
# floor, tests/empty-window/) in the same run, under Xvfb, and prints a table for BENCHMARKS.md.
# Not part of scripts/test.sh: it needs release builds (minutes on 2 cores) and takes about
# 5 minutes a run. Works on a fresh checkout after scripts/install-deps.sh.
#
#   scripts/measure-desktop.sh [--no-build] [options of scripts/measure-desktop.mjs]
#   e.g. scripts/measure-desktop.sh --runs 3 --sales 200
#
# Raw figures (every sample, every process) go to target/measure-desktop/<time>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

build=1
if [ "${1:-}" = "--no-build" ]; then
  build=0
  shift
fi

if [ "$build" = 1 ]; then
  echo "==> ui build and release builds of the desktop and the empty window" >&2
  (cd ui && npm run --silent build) >&2
  # One command for both, so they share one feature set and so one build of tauri.
  cargo build --release -q -p pharmapos-desktop -p empty-window >&2
fi

json="target/measure-desktop/$(date +%Y%m%d-%H%M%S).json"
if [ -n "${DISPLAY:-}" ]; then
  exec node scripts/measure-desktop.mjs --json "$json" "$@"
fi
exec xvfb-run -a -s "-screen 0 1280x800x24" node scripts/measure-desktop.mjs --json "$json" "$@"
