#!/usr/bin/env bash
# Configures and builds spcoop in Release into build/ (override with BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
extra=()
[[ -n ${CI:-} ]] && extra+=(-DSPCOOP_WERROR=ON)
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "${extra[@]}" "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-2}"
