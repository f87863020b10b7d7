#!/usr/bin/env bash
# One command for a newcomer and for CI: installs what is missing, builds, starts a throwaway
# PostgreSQL for the storage tests (unless SPCOOP_TEST_POSTGRES_URI is already set), and runs
# every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
if [[ -z ${SPCOOP_TEST_POSTGRES_URI:-} ]]; then
  pg_env="$(scripts/start-postgres.sh)"  # a failed start fails the run
  eval "$pg_env"                         # exports SPCOOP_TEST_POSTGRES_URI
  trap 'scripts/start-postgres.sh stop >/dev/null 2>&1 || true' EXIT
fi
ctest --test-dir "${BUILD_DIR:-build}" -j 2 --output-on-failure "$@"
