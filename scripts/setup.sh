#!/bin/sh
# Create .venv and install Terpadu from the lock file (uv.lock).
# Usage: sh scripts/setup.sh [--dev]   (--dev adds the test tools and Spark)
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
if [ "${1:-}" = "--dev" ]; then
    .venv/bin/python -m uv sync --quiet --frozen --inexact --compile-bytecode --all-extras --group dev
    # The browser tests drive Debian's Chromium (Playwright downloads no browser).
    if [ "$(id -u)" = "0" ]; then
        command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
    fi
else
    .venv/bin/python -m uv sync --quiet --frozen --inexact --compile-bytecode --no-dev
fi
# Byte-compile Terpadu itself too: where PYTHONDONTWRITEBYTECODE is set, every
# command would otherwise recompile the package at start-up.
.venv/bin/python -m compileall -q src >/dev/null
