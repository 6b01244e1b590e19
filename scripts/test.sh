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

# Headquarters tests run against a real PostgreSQL: a throwaway cluster of our own (its own
# folder and unix socket, stopped at the end) unless PHARMAPOS_TEST_PG names one already.
if [ -z "${PHARMAPOS_TEST_PG:-}" ]; then
  pgdir=$(mktemp -d /tmp/pharmapos-pg.XXXXXX)
  trap 'scripts/pg-cluster.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
  PHARMAPOS_TEST_PG=$(scripts/pg-cluster.sh start "$pgdir")
  export PHARMAPOS_TEST_PG
  echo "==> PostgreSQL for the headquarters tests: $PHARMAPOS_TEST_PG"
fi

echo "==> cargo test (unit, integration, bindings freshness, sync against PostgreSQL, desktop end-to-end under Xvfb)"
xvfb-run -a -s "-screen 0 1280x800x24" cargo test --workspace

echo "==> disk after the build: $(df -h --output=avail . | tail -1 | tr -d ' ') free, target/ is $(du -sh target | cut -f1)"
echo "==> all tests passed in $(( $(date +%s) - start )) s"
