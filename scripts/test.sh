#!/usr/bin/env bash
# One command for a newcomer and for CI: installs what is missing, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" -j 2 --output-on-failure "$@"
