#!/usr/bin/env bash
# Set up (first run only) and index the bundled corpus, then run an example search.
# Usage: ./scripts/demo.sh          (needs only python3 >= 3.11 and PyPI)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
cables index
cables search "defector camp ashraf"
