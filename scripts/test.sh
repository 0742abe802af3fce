#!/bin/sh
# Set up the test tools, then lint, type-check and run the whole test suite.
# Usage: sh scripts/test.sh [pytest arguments]
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh --dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# pytest exits 5 when it collected no test: that must fail, not pass quietly.
# Two workers (pytest-xdist), one per core of the CI box; --dist loadgroup keeps the
# Spark tests in one of them (tests/conftest.py). "-n 0" among ARGS runs in one process.
.venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
