#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/test_web_browser.py), once.
# Idempotent and quiet on success: does nothing when /usr/bin/chromium is already there.
# Playwright drives this system browser; it never downloads a browser build of its own.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Quiet on success; on failure show what apt said, so CI logs explain the break.
if ! { $SUDO apt-get update -qq && \
       DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
           chromium fonts-dejavu-core; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-browser.sh: could not install chromium with apt-get" >&2
    exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser.sh: apt-get installed chromium but $CHROMIUM is missing" >&2
    exit 1
fi
