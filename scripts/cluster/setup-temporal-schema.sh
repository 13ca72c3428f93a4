#!/bin/sh
# Creates a Temporal cluster's two databases on Postgres and brings their schemas to
# the server's version, with the schemas embedded in temporal-sql-tool itself.
# Used by `npm run test:cluster` (with the tool built from its Go module) and by
# docker-compose.yml (inside temporalio/admin-tools), so both set up the same way.
# Safe to run again: an existing database is kept and only brought up to date.
#   POSTGRES_HOST POSTGRES_PORT POSTGRES_USER POSTGRES_PWD  where Postgres is
#   TEMPORAL_DB (temporal) VISIBILITY_DB (temporal_visibility)
#   SQL_TOOL  the temporal-sql-tool to run (default: the one on the PATH)
set -eu

SQL_TOOL="${SQL_TOOL:-temporal-sql-tool}"
HOST="${POSTGRES_HOST:-127.0.0.1}"
PORT="${POSTGRES_PORT:-5432}"
USER_NAME="${POSTGRES_USER:-postgres}"
PWD_VALUE="${POSTGRES_PWD:-}"

# sql_tool <database> <command...>
sql_tool() {
  db=$1
  shift
  "$SQL_TOOL" --plugin postgres12 --ep "$HOST" -p "$PORT" -u "$USER_NAME" --pw "$PWD_VALUE" --db "$db" "$@"
}

# setup <database> <embedded schema name>
setup() {
  # create-database fails on an existing one; the versioning table and updates are idempotent.
  sql_tool "$1" create-database 2>/dev/null || echo "database $1 exists; bringing its schema up to date"
  sql_tool "$1" setup-schema -v 0.0
  sql_tool "$1" update-schema --schema-name "$2"
}

setup "${TEMPORAL_DB:-temporal}" postgresql/v12/temporal
setup "${VISIBILITY_DB:-temporal_visibility}" postgresql/v12/visibility
echo "Temporal schema ready on $HOST:$PORT"
