#!/usr/bin/env bash
# Prints the directory holding a Temporal server and its SQL schema tool
# (`temporal-server`, `temporal-sql-tool`), built from their Go modules, for
# `npm run test:cluster`. Same server version as the CLI's dev server.
# Without arguments it only reports: the path and status 0 when both are cached,
# status 1 and how to build them otherwise.
#   --build  build them when they are not (about four minutes on two cores)
set -euo pipefail

VERSION=v1.29.1
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/errand/temporal-server-$VERSION"
export PATH="$PATH:/usr/local/go/bin"

cached() { [ -x "$CACHE_DIR/temporal-server" ] && [ -x "$CACHE_DIR/temporal-sql-tool" ]; }

if cached; then echo "$CACHE_DIR"; exit 0; fi
if [ "${1:-}" != "--build" ]; then
  echo "Temporal server $VERSION is not built; build it with: bash scripts/ensure-temporal-server.sh --build" >&2
  exit 1
fi
if ! command -v go >/dev/null 2>&1; then
  echo "No Go toolchain to build the Temporal server; install Go 1.23+ (go install go.temporal.io/server/cmd/server@$VERSION)" >&2
  exit 1
fi
mkdir -p "$CACHE_DIR"
# Built beside the cache and moved in, so an interrupted build is never taken for a finished one.
build_dir="$(mktemp -d "$CACHE_DIR.build.XXXXXX")"
trap 'rm -rf "$build_dir"' EXIT
echo "Building the Temporal server $VERSION and temporal-sql-tool into $CACHE_DIR..." >&2
GOBIN="$build_dir" nice -n 19 go install "go.temporal.io/server/cmd/server@$VERSION" >&2
GOBIN="$build_dir" nice -n 19 go install "go.temporal.io/server/cmd/tools/sql@$VERSION" >&2
mv "$build_dir/server" "$CACHE_DIR/temporal-server"
mv "$build_dir/sql" "$CACHE_DIR/temporal-sql-tool"
echo "$CACHE_DIR"
