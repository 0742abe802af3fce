#!/bin/sh
# Create .venv and install Terpadu from the lock file (uv.lock), saying each step.
# Usage: sh scripts/setup.sh [--dev]   (--dev adds the test tools and Spark)
# Steps are said in Bahasa Indonesia (TERPADU_LANGUAGE=en: in English); uv shows its own
# progress when the output is a terminal, and is quiet in CI and in logs. Safe to run again.
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
started=$(date +%s)
dev=0
[ "${1:-}" = "--dev" ] && dev=1
english=0
case "${TERPADU_LANGUAGE:-id}" in en*) english=1 ;; esac
quiet=--quiet
[ -t 1 ] && quiet=
# The browser tests drive Debian's Chromium (Playwright downloads no browser); only root
# can install it.
chromium=0
[ "$dev" = 1 ] && [ "$(id -u)" = "0" ] && chromium=1
steps=$((4 + chromium))
done_steps=0

say() { # say "Bahasa Indonesia" "English"
    if [ "$english" = 1 ]; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi
}

step() { # step "Bahasa Indonesia" "English"
    done_steps=$((done_steps + 1))
    printf '[%s/%s] ' "$done_steps" "$steps"
    say "$1" "$2"
}

step "Membuat lingkungan Python (.venv)…" "Creating the Python environment (.venv)…"
if [ -x .venv/bin/python ]; then
    say "      sudah ada, dipakai lagi" "      already there, reused"
else
    "$PYTHON" -m venv .venv
fi

step "Memasang uv (pemasang paket)…" "Installing uv (the package installer)…"
.venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"

if [ "$dev" = 1 ]; then
    step "Memasang Terpadu dan alat uji dari uv.lock…" \
        "Installing Terpadu and the test tools from uv.lock…"
    .venv/bin/python -m uv sync $quiet --frozen --inexact --compile-bytecode --all-extras --group dev
else
    step "Memasang Terpadu dari uv.lock…" "Installing Terpadu from uv.lock…"
    .venv/bin/python -m uv sync $quiet --frozen --inexact --compile-bytecode --no-dev
fi

if [ "$chromium" = 1 ]; then
    step "Memasang Chromium untuk uji peramban…" "Installing Chromium for the browser tests…"
    if command -v chromium >/dev/null; then
        say "      sudah ada" "      already there"
    else
        apt-get update -qq && apt-get install -y -qq chromium
    fi
fi

# Byte-compile Terpadu itself too: where PYTHONDONTWRITEBYTECODE is set, every
# command would otherwise recompile the package at start-up.
step "Mengompilasi kode Terpadu…" "Compiling Terpadu's code…"
.venv/bin/python -m compileall -q src >/dev/null

elapsed=$(($(date +%s) - started))
minutes=$((elapsed / 60))
seconds=$((elapsed % 60))
if [ "$minutes" -gt 0 ]; then
    say "Selesai dalam $minutes mnt $seconds dtk." "Done in $minutes min $seconds s."
else
    say "Selesai dalam $seconds dtk." "Done in $seconds s."
fi
