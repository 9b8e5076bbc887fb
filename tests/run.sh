#!/usr/bin/env bash
# Runs the whole test suite: unit, network (loopback only) and end-to-end (tmux) tests.
# Usage: tests/run.sh [BUILDDIR]   (default: build; configured and built when missing)
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ -f "$dir/build.ninja" ] || meson setup "$dir"
meson compile -C "$dir"
exec meson test -C "$dir" --print-errorlogs
