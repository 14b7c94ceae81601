#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1:${PGPORT:-55432} for the test suites and
# prints the URL to export as VINCULO_TEST_POSTGRES_URL. Uses Debian's postgresql package
# binaries; runs the server as the `postgres` system user (PostgreSQL refuses root).
set -euo pipefail
port=${PGPORT:-55432}
dir=${PGDATA_DIR:-/tmp/vinculo-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL binaries not found (apt-get install postgresql)" >&2; exit 1; }
id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
if [ ! -f "$dir/PG_VERSION" ]; then
  rm -rf "$dir"; mkdir -p "$dir"; chown postgres "$dir"
  su postgres -c "$bin/initdb -D $dir -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
fi
if ! su postgres -c "$bin/pg_ctl -D $dir status" >/dev/null 2>&1; then
  # fsync off: test data is disposable, and it makes CREATE DATABASE per test cheap.
  su postgres -c "$bin/pg_ctl -D $dir -l $dir/server.log -w -o '-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300' start" >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
