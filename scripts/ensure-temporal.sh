#!/usr/bin/env bash
# Prints the path of a Temporal CLI (which carries the dev server and Web UI),
# building it from its Go module once when none is found. The SDK's own
# download of the dev server is never used: it cannot work on every machine.
# With --check it only says (by its exit status) whether one is found.
set -euo pipefail

VERSION=v1.5.1
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/errand/temporal-$VERSION"
export PATH="$PATH:/usr/local/go/bin"

find_cli() {
  if [ -n "${ERRAND_TEMPORAL_CLI:-}" ]; then
    if [ -x "$ERRAND_TEMPORAL_CLI" ]; then echo "$ERRAND_TEMPORAL_CLI"; return 0; fi
    echo "ERRAND_TEMPORAL_CLI=$ERRAND_TEMPORAL_CLI is not an executable file" >&2
    exit 1
  fi
  if [ -x "$CACHE_DIR/temporal" ]; then echo "$CACHE_DIR/temporal"; return 0; fi
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return 0; fi
  return 1
}

if find_cli; then exit 0; fi
if [ "${1:-}" = "--check" ]; then exit 1; fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
No Temporal CLI found and no Go toolchain to build one. Either:
  - install the Temporal CLI and put 'temporal' on the PATH,
  - set ERRAND_TEMPORAL_CLI to the path of a temporal binary, or
  - install Go (1.23+) so Errand can build it: go install github.com/temporalio/cli/cmd/temporal@$VERSION
MSG
  exit 1
fi
mkdir -p "$CACHE_DIR"
# One build at a time: a second start (npm start beside npm test) waits for the first.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR.lock"
  if ! flock -n 9; then
    echo "Another start is building the Temporal CLI; waiting for it..." >&2
    flock 9
  fi
  if [ -x "$CACHE_DIR/temporal" ]; then echo "$CACHE_DIR/temporal"; exit 0; fi
fi
echo "Building the Temporal CLI $VERSION into $CACHE_DIR (once, about two minutes)..." >&2
# Built beside the cache and moved in, so an interrupted build is never taken for a finished one.
build_dir="$(mktemp -d "$CACHE_DIR.build.XXXXXX")"
trap 'rm -rf "$build_dir"' EXIT
# -v names each package as it is compiled: scripts/setup.sh counts them to show progress.
# -s -w leaves out the debug tables, which only make the link step longer.
GOBIN="$build_dir" go install -v -ldflags='-s -w' "github.com/temporalio/cli/cmd/temporal@$VERSION" >&2
mv "$build_dir/temporal" "$CACHE_DIR/temporal"
echo "$CACHE_DIR/temporal"
