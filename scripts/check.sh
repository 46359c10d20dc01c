#!/usr/bin/env bash
# Set up (first run only) and run every check: ruff, mypy, then the whole pytest suite.
# Usage: ./scripts/check.sh [pytest args]      (CI runs exactly this: .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
./scripts/install-browser.sh   # Debian's chromium, for the browser tests
echo "== ruff" && ruff check .
echo "== mypy" && mypy
echo "== pytest" && pytest "$@"
