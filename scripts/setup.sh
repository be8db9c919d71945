#!/usr/bin/env bash
# Everything the build and the tests need on a fresh machine, offline-safe (npm registry + Debian):
# Debian packages, the project's npm packages, and the test VS Code (code-server) outside the repo.
# Safe to run again: each step is skipped when what it installs is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision-test-host.sh
echo "[setup] npm ci"
npm ci --no-audit --no-fund --loglevel=error
