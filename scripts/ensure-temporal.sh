#!/usr/bin/env bash
# Prints the path of a Temporal CLI (which carries the dev server and Web UI),
# building it from its Go module once when none is found. The SDK's own
# download of the dev server is never used: it cannot work on every machine.
set -euo pipefail

VERSION=v1.5.1
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/errand/temporal-$VERSION"
export PATH="$PATH:/usr/local/go/bin"

if [ -n "${ERRAND_TEMPORAL_CLI:-}" ]; then
  if [ -x "$ERRAND_TEMPORAL_CLI" ]; then echo "$ERRAND_TEMPORAL_CLI"; exit 0; fi
  echo "ERRAND_TEMPORAL_CLI=$ERRAND_TEMPORAL_CLI is not an executable file" >&2
  exit 1
fi
if [ -x "$CACHE_DIR/temporal" ]; then echo "$CACHE_DIR/temporal"; exit 0; fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
No Temporal CLI found and no Go toolchain to build one. Either:
  - install the Temporal CLI and put 'temporal' on the PATH,
  - set ERRAND_TEMPORAL_CLI to the path of a temporal binary, or
  - install Go (1.23+) so Errand can build it: go install github.com/temporalio/cli/cmd/temporal@$VERSION
MSG
  exit 1
fi
echo "Building the Temporal CLI $VERSION into $CACHE_DIR (once, about two minutes)..." >&2
mkdir -p "$CACHE_DIR"
GOBIN="$CACHE_DIR" go install "github.com/temporalio/cli/cmd/temporal@$VERSION" >&2
echo "$CACHE_DIR/temporal"
