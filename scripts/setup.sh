#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need and is missing: npm packages
# and the Temporal CLI. Migrations run when Errand or the tests start.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm packages..." >&2
  npm ci --no-audit --no-fund >&2
fi
bash scripts/ensure-temporal.sh >/dev/null
