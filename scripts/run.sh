#!/usr/bin/env bash
# Installs everything PharmaPOS needs on Debian 12 and starts the desktop app.
# With no --db, PHARMAPOS_DB or config file it opens the demo database (staff PINs in README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/install-deps.sh
(cd ui && npm run --silent build)
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting PharmaPOS inside a virtual X server (xvfb-run)."
  exec xvfb-run -a -s "-screen 0 1280x800x24" cargo run -q -p pharmapos-desktop -- "$@"
fi
exec cargo run -q -p pharmapos-desktop -- "$@"
