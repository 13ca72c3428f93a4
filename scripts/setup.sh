#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need and is missing: npm packages and
# the Temporal CLI, side by side, since the CLI's Go build is the long part of a
# first start. Says what it is doing and when each part is ready. Migrations
# run when Errand or the tests start.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

began=$SECONDS
say() { printf '[setup %4ss] %s\n' "$((SECONDS - began))" "$*" >&2; }

npm_needed=false
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm_needed=true
fi
if $npm_needed && [ -L node_modules ]; then
  # npm ci empties the folder a symlink points to (a shared install, a worktree's
  # link to the main checkout) before it installs: leave that to whoever owns it.
  say "node_modules is a link to $(readlink node_modules) and looks out of date; not running npm ci there."
  npm_needed=false
fi
cli_needed=false
bash scripts/ensure-temporal.sh --check >/dev/null || cli_needed=true
if ! $npm_needed && ! $cli_needed; then exit 0; fi

cli_pid=
if $cli_needed; then
  mkdir -p .errand
  build_log=.errand/temporal-build.log
  say "Building the Temporal CLI (first run only: 2 to 5 minutes on 2 cores, longer when they are busy; log in $build_log)..."
  say "  Already have a temporal binary? Stop here and set ERRAND_TEMPORAL_CLI=/path/to/temporal."
  bash scripts/ensure-temporal.sh >/dev/null 2>"$build_log" &
  cli_pid=$!
fi

if $npm_needed; then
  say "Installing npm packages (npm ci, about a minute)..."
  # Niced: the Go build beside it is the longer job, so it gets the cores first.
  if ! nice -n 10 npm ci --no-audit --no-fund >&2; then
    say "npm ci failed (see above)."
    exit 1
  fi
  say "npm packages ready."
fi

if [ -n "$cli_pid" ]; then
  last=$SECONDS
  while kill -0 "$cli_pid" 2>/dev/null; do
    if [ $((SECONDS - last)) -ge 20 ]; then
      say "  still building the Temporal CLI: $(grep -Evc '^(go: |Building |Another )' "$build_log" || true) of about 1,300 Go packages compiled..."
      last=$SECONDS
    fi
    sleep 1
  done
  if ! wait "$cli_pid"; then
    say "The Temporal CLI build failed; the end of $build_log:"
    tail -20 "$build_log" >&2
    exit 1
  fi
  say "Temporal CLI ready: $(bash scripts/ensure-temporal.sh)"
fi
say "Setup done."
