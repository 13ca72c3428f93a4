#!/usr/bin/env bash
# Prints the directory holding a Temporal server and its SQL schema tool
# (`temporal-server`, `temporal-sql-tool`), built from their Go modules, and the
# server's own config template (`docker.yaml`, the one the temporalio/server image
# renders from environment variables), for `npm run test:cluster`. Same server
# version as the CLI's dev server.
# Without arguments it only reports: the path and status 0 when both are cached,
# status 1 and how to build them otherwise.
#   --build  build them when they are not (about four minutes on two cores)
set -euo pipefail

VERSION=v1.29.1
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/errand/temporal-server-$VERSION"
export PATH="$PATH:/usr/local/go/bin"

cached() { [ -x "$CACHE_DIR/temporal-server" ] && [ -x "$CACHE_DIR/temporal-sql-tool" ]; }
has_template() { [ -f "$CACHE_DIR/docker.yaml" ]; }

# The template ships in the server's module, which the build has just downloaded.
copy_template() {
  local module_dir
  module_dir="$(go mod download -json "go.temporal.io/server@$VERSION" | sed -nE 's/^\t"Dir": "(.*)",$/\1/p')"
  cp "$module_dir/config/docker.yaml" "$CACHE_DIR/docker.yaml.tmp"
  mv "$CACHE_DIR/docker.yaml.tmp" "$CACHE_DIR/docker.yaml"
}

if cached && has_template; then echo "$CACHE_DIR"; exit 0; fi
if [ "${1:-}" != "--build" ]; then
  echo "Temporal server $VERSION is not built; build it with: bash scripts/ensure-temporal-server.sh --build" >&2
  exit 1
fi
if ! command -v go >/dev/null 2>&1; then
  echo "No Go toolchain to build the Temporal server; install Go 1.23+ (go install go.temporal.io/server/cmd/server@$VERSION)" >&2
  exit 1
fi
mkdir -p "$CACHE_DIR"
if cached; then
  copy_template
  echo "$CACHE_DIR"
  exit 0
fi
# Built beside the cache and moved in, so an interrupted build is never taken for a finished one.
build_dir="$(mktemp -d "$CACHE_DIR.build.XXXXXX")"
trap 'rm -rf "$build_dir"' EXIT
echo "Building the Temporal server $VERSION and temporal-sql-tool into $CACHE_DIR..." >&2
GOBIN="$build_dir" nice -n 19 go install "go.temporal.io/server/cmd/server@$VERSION" >&2
GOBIN="$build_dir" nice -n 19 go install "go.temporal.io/server/cmd/tools/sql@$VERSION" >&2
mv "$build_dir/server" "$CACHE_DIR/temporal-server"
mv "$build_dir/sql" "$CACHE_DIR/temporal-sql-tool"
copy_template
echo "$CACHE_DIR"
