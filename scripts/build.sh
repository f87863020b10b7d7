#!/usr/bin/env bash
# Configures and builds spcoop in Release into build/ (override with BUILD_DIR), then the web app
# into web/dist (npm ci when web/package-lock.json changed, then npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
extra=()
[[ -n ${CI:-} ]] && extra+=(-DSPCOOP_WERROR=ON)
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "${extra[@]}" "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-2}"

# The web app. `npm ci` reinstalls web/node_modules from the lock file only when the lock file is
# newer than the last install.
(
  cd web
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  npm run --silent build
)
