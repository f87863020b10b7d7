#!/usr/bin/env bash
# Runs a command against a live `spcoop serve` on loopback: a fresh database with the bundled
# reference data, two national targets and one national figure, a server on a free port, the command with the server's base URL
# (http://127.0.0.1:PORT) as its last argument; then the server is stopped.
# Usage: with_server.sh SPCOOP_BINARY REFERENCE_DIR COMMAND [ARGS...]
set -euo pipefail
binary=$1
reference=$2
shift 2

dir=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

"$binary" --db "$dir/spcoop.db" --data "$reference" -q init > "$dir/init.log"
# National targets for the targets dataflow (DF_SP_TGT): Cambodia's benefits with an interim
# target, and Lao PDR's child benefits without one.
"$binary" --db "$dir/spcoop.db" -q target set --economy KHM --series SI_COV_BENFTS \
  --baseline-year 2021 --baseline-value 24.5 --interim 35 --target 50 \
  --reason "National Social Protection Policy Framework" > "$dir/targets.log"
"$binary" --db "$dir/spcoop.db" -q target set --economy LAO --series SI_COV_CHLD \
  --baseline-year 2019 --baseline-value 5.25 --target 20 --reason "Child benefit plan" \
  >> "$dir/targets.log"
# A national figure (REPORTING_TYPE N) beside the global data: Viet Nam's child benefits in 2024.
printf '%s\n' 'DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,AGE,TIME_PERIOD,OBS_VALUE,SOURCE_DETAIL' \
  'SPP:DF_SP_COV(1.0),A,N,SI_COV_CHLD,704,_T,_T,2024,31.5,Viet Nam Social Security' \
  > "$dir/national.csv"
"$binary" --db "$dir/spcoop.db" -q import "$dir/national.csv" --reason "national figure" \
  > "$dir/national.log"
"$binary" --db "$dir/spcoop.db" serve --host 127.0.0.1 --port 0 --threads 2 --no-log \
  > "$dir/serve.log" 2>&1 &
server_pid=$!

# The server prints "serving ... on http://127.0.0.1:PORT/ ..." once it listens.
base=""
for _ in $(seq 1 100); do
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$dir/serve.log" | head -n 1 || true)
  [[ -n $base ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$dir/serve.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n $base ]] || { echo "the server did not start" >&2; cat "$dir/serve.log" >&2; exit 1; }

"$@" "$base"
