#!/usr/bin/env bash
# Set up (first run only) and run every check: ruff, mypy, then the whole pytest suite.
# Usage: ./scripts/check.sh [pytest args]      (CI runs exactly this: .ci/run)
#   PYTHON=python3.13 ./scripts/check.sh       the same with another interpreter (.venv-3.13)
#   CABLES_NO_SPEEDUPS=1 ./scripts/check.sh    the pure-Python path, as without a C compiler
#   CHECKS=pytest ./scripts/check.sh           only the suite (CI lints once, not per Python)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
./scripts/install-browser.sh   # Debian's chromium, for the browser tests
CHECKS=${CHECKS:-ruff mypy pytest}
echo "== $(python --version), $VENV, CABLES_NO_SPEEDUPS=${CABLES_NO_SPEEDUPS:-}"
for check in $CHECKS; do
  case $check in
    ruff) echo "== ruff" && ruff check . ;;
    mypy) echo "== mypy" && mypy ;;
    pytest) echo "== pytest" && pytest "$@" ;;
    *) echo "check.sh: unknown check $check (CHECKS: ruff mypy pytest)" >&2; exit 2 ;;
  esac
done
