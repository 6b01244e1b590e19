#!/usr/bin/env bash
# Installs every system package and tool PharmaPOS needs on Debian 12 (idempotent).
# Run as root or with sudo available. Skips what is already there, so CI pays little for it.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

APT_PACKAGES=(
  # Tauri 2 build
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev libssl-dev build-essential pkg-config file
  curl ca-certificates
  # running and testing the desktop app, checking receipts
  xvfb xauth x11-utils imagemagick webkit2gtk-driver poppler-utils
  # reading the receipt's bar code and QR code back in the receipt tests
  zbar-tools
  # Chinese text on screen
  fonts-noto-cjk
  # headquarters (pos-hq) and its tests: a real PostgreSQL (scripts/pg-cluster.sh starts a
  # throwaway cluster of its own; the system one is not used)
  postgresql
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node.js 20+ for the UI toolchain (Debian 12's own nodejs is 18, too old for Vite).
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "==> installing Node.js 20 (NodeSource)"
  curl -fsSL https://deb.nodesource.com/setup_20.x | $SUDO bash -
  $SUDO apt-get install -y -qq nodejs >/dev/null
fi

# Rust toolchain (a fresh Debian has none).
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "==> installing the Rust toolchain with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  export PATH="$HOME/.cargo/bin:$PATH"
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

# WebDriver bridge for the end-to-end tests of the real desktop app.
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --version '^2' --locked -q
fi

# UI packages.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "==> npm ci (ui)"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
