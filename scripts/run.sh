#!/usr/bin/env bash
# One command for a newcomer: installs what is missing, builds, creates var/spcoop.db with the
# reference data (once), and serves the platform on http://localhost:${PORT:-8080}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
"$BUILD_DIR/src/cli/spcoop" init
exec "$BUILD_DIR/src/cli/spcoop" serve --port "${PORT:-8080}" --web web/dist "$@"
