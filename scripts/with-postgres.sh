#!/usr/bin/env bash
# Runs a command with KETTE_TEST_POSTGRES pointing at a PostgreSQL server. When it is not set and PostgreSQL's
# server binaries are installed, a throwaway cluster is started on 127.0.0.1 for the duration of the command.
set -euo pipefail
if [ -n "${KETTE_TEST_POSTGRES:-}" ]; then exec "$@"; fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: PostgreSQL server not installed; the PostgreSQL tests will be skipped (CI=true fails them)." >&2
  exec "$@"
fi
dir=$(mktemp -d /tmp/kette-pg.XXXXXX)
port=${KETTE_TEST_PG_PORT:-$((20000 + RANDOM % 20000))}
as_pg() { if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
as_pg "$bindir/initdb" -D "$dir/data" -U kette --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
export KETTE_TEST_POSTGRES="postgres://kette@127.0.0.1:$port/postgres?sslmode=disable"
echo "with-postgres: throwaway PostgreSQL on 127.0.0.1:$port" >&2
"$@"
