#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints the line to use it:
#
#   eval "$(scripts/start-postgres.sh)"       # sets SPCOOP_TEST_POSTGRES_URI
#   ctest --test-dir build -R Postgres
#   scripts/start-postgres.sh stop            # stops it (add --purge to delete its files)
#   scripts/start-postgres.sh status
#
# It installs nothing (scripts/setup.sh lists postgresql-15). The cluster lives in
# ${SPCOOP_PG_DIR:-/tmp/spcoop-pg-<port>} (data, socket and server.log), listens on 127.0.0.1
# and on a socket in that folder only, and runs with fsync off: it is for tests, never for data you want to keep. The port is
# ${SPCOOP_PG_PORT:-55432}; when that port is taken by something else the next free one up to
# +20 is used. Running it again reuses the running cluster (idempotent). As root it runs the
# server as the 'postgres' system user, as PostgreSQL requires.
#
# Only the export line goes to stdout; progress and errors go to stderr.
set -euo pipefail

PORT_BASE="${SPCOOP_PG_PORT:-55432}"
PG_USER_NAME="${SPCOOP_PG_ROLE:-spcoop}"
PG_PASSWORD="${SPCOOP_PG_PASSWORD:-spcoop}"
PG_DATABASE="${SPCOOP_PG_DATABASE:-spcoop_test}"

log() { echo "start-postgres: $*" >&2; }
die() { log "$*"; exit 1; }

find_bindir() {
  local d
  local versions=()
  for d in /usr/lib/postgresql/*/bin; do versions+=("$d"); done
  # Prefer 15 (what setup.sh installs), then the newest other version.
  for d in /usr/lib/postgresql/15/bin $(printf '%s\n' "${versions[@]}" | sort -rV); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      echo "$d"
      return 0
    fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

BINDIR="$(find_bindir)" ||
  die "PostgreSQL server binaries not found; run scripts/setup.sh (it installs postgresql-15)"

# As root, the server and its tools run as 'postgres' (initdb and postgres refuse root).
RUN_AS=()
OWNER="$(id -un)"
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 ||
    die "no 'postgres' system user; the postgresql-15 package creates it (scripts/setup.sh)"
  RUN_AS=(runuser -u postgres --)
  OWNER=postgres
fi
as_owner() { (cd / && "${RUN_AS[@]}" "$@"); }

data_dir_for() { echo "${SPCOOP_PG_DIR:-/tmp/spcoop-pg-$1}"; }

# True when our cluster in $1 is running.
cluster_running() { [[ -f "$1/PG_VERSION" ]] && as_owner "$BINDIR/pg_ctl" -D "$1" status >/dev/null 2>&1; }

port_free() {
  # bash's /dev/tcp: a successful connect means someone listens there.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

stop_cluster() {
  local purge="${1:-}" port dir found=0
  for ((port = PORT_BASE; port <= PORT_BASE + 20; port++)); do
    dir="$(data_dir_for "$port")"
    [[ -f "$dir/PG_VERSION" ]] || continue
    found=1
    if cluster_running "$dir"; then
      log "stopping the cluster in $dir"
      as_owner "$BINDIR/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    fi
    if [[ "$purge" == "--purge" ]]; then
      rm -rf "$dir"
      log "removed $dir"
    fi
    [[ -n "${SPCOOP_PG_DIR:-}" ]] && break
  done
  ((found)) || log "no test cluster found"
}

status_cluster() {
  local port dir
  for ((port = PORT_BASE; port <= PORT_BASE + 20; port++)); do
    dir="$(data_dir_for "$port")"
    if cluster_running "$dir"; then
      log "running: $dir on port $(cat "$dir/spcoop_port" 2>/dev/null || echo "$port")"
      return 0
    fi
  done
  log "not running"
  return 1
}

# Creates a fresh cluster in $1.
init_cluster() {
  local dir="$1" pwfile
  log "creating a cluster in $dir"
  rm -rf "$dir"
  install -d -m 700 -o "$OWNER" "$dir"
  # The superuser is reached through the socket only (trust); its password is never used.
  pwfile="$(mktemp)"
  head -c 18 /dev/urandom | base64 >"$pwfile"
  chown "$OWNER" "$pwfile"
  if ! as_owner "$BINDIR/initdb" -D "$dir" -U postgres --pwfile="$pwfile" -E UTF8 \
    --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$dir.initdb.log" 2>&1; then
    rm -f "$pwfile"
    cat "$dir.initdb.log" >&2
    die "initdb failed"
  fi
  rm -f "$pwfile" "$dir.initdb.log"
  cat >>"$dir/postgresql.conf" <<EOF
# spcoop test cluster: throwaway, fast, local only.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 256MB
work_mem = 32MB
maintenance_work_mem = 128MB
max_wal_size = 2GB
EOF
}

# Starts the cluster in $1 on port $2.
start_server() {
  local dir="$1" port="$2"
  echo "$port" >"$dir/spcoop_port"
  chown "$OWNER" "$dir/spcoop_port"
  log "starting PostgreSQL on 127.0.0.1:$port"
  as_owner "$BINDIR/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 -o "-p $port" start >/dev/null
}

start_cluster() {
  local port dir chosen_port="" chosen_dir=""
  # Reuse a running cluster, else take the first port that is free.
  for ((port = PORT_BASE; port <= PORT_BASE + 20; port++)); do
    dir="$(data_dir_for "$port")"
    if cluster_running "$dir"; then
      chosen_port="$(cat "$dir/spcoop_port" 2>/dev/null || echo "$port")"
      chosen_dir="$dir"
      log "reusing the running cluster in $dir on port $chosen_port"
      break
    fi
  done
  if [[ -z "$chosen_dir" ]]; then
    for ((port = PORT_BASE; port <= PORT_BASE + 20; port++)); do
      if port_free "$port"; then
        chosen_port="$port"
        chosen_dir="$(data_dir_for "$port")"
        break
      fi
      [[ -n "${SPCOOP_PG_DIR:-}" ]] && die "port $port is in use; set SPCOOP_PG_PORT to a free one"
    done
    [[ -n "$chosen_port" ]] || die "no free port in $PORT_BASE..$((PORT_BASE + 20))"
    dir="$chosen_dir"
    [[ -f "$dir/PG_VERSION" ]] || init_cluster "$dir"
    if ! start_server "$dir" "$chosen_port"; then
      # A cluster left by a killed run (stale lock files, or damaged with fsync off) is
      # throwaway: start again from scratch once.
      tail -n 20 "$dir/server.log" >&2 || true
      log "the old cluster in $dir did not start; recreating it"
      as_owner "$BINDIR/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
      init_cluster "$dir"
      start_server "$dir" "$chosen_port" ||
        { tail -n 30 "$dir/server.log" >&2 || true; die "the server did not start"; }
    fi
  fi

  dir="$chosen_dir"
  port="$chosen_port"
  # Wait until it accepts connections (pg_ctl -w already waits; this covers a reused cluster
  # that is still starting).
  local i
  for ((i = 0; i < 60; i++)); do
    if as_owner "$BINDIR/pg_isready" -q -h "$dir" -p "$port"; then break; fi
    sleep 0.5
  done
  as_owner "$BINDIR/pg_isready" -q -h "$dir" -p "$port" || die "the server does not accept connections"

  # The role and database the tests use; created once.
  as_owner "$BINDIR/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -v role="$PG_USER_NAME" -v pw="$PG_PASSWORD" -v db="$PG_DATABASE" >/dev/null <<'SQL' ||
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'db', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
    die "could not create the role '$PG_USER_NAME' and database '$PG_DATABASE'"

  echo "export SPCOOP_TEST_POSTGRES_URI=postgresql://$PG_USER_NAME:$PG_PASSWORD@127.0.0.1:$port/$PG_DATABASE"
}

case "${1:-start}" in
  start) start_cluster ;;
  stop) stop_cluster "${2:-}" ;;
  status) status_cluster ;;
  *) die "usage: $0 [start|stop [--purge]|status]" ;;
esac
