#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
start=$(date +%s)

# A clean checkout gains nothing from incremental compilation, and its caches are gigabytes.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
echo "==> disk before the build: $(df -h --output=avail . | tail -1 | tr -d ' ') free"

scripts/install-deps.sh

echo "==> ui: type-check, unit tests, build"
(cd ui && npm run --silent check && npm test --silent && npm run --silent build)

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "==> cargo test (unit, integration, bindings freshness, desktop end-to-end under Xvfb)"
xvfb-run -a -s "-screen 0 1280x800x24" cargo test --workspace

echo "==> disk after the build: $(df -h --output=avail . | tail -1 | tr -d ' ') free, target/ is $(du -sh target | cut -f1)"
echo "==> all tests passed in $(( $(date +%s) - start )) s"
