#!/bin/sh
# Registers the namespace Errand runs in and the search attributes it sets on its
# workflows (ErrandTenant, ErrandStatus, …: src/temporal/search-attributes.ts), on a
# Temporal cluster that has just started. Retries while
# the frontend comes up and while the new namespace reaches every service's cache.
# Used by `npm run test:cluster` and by docker-compose.yml (temporalio/admin-tools).
#   TEMPORAL_ADDRESS (127.0.0.1:7233)  NAMESPACE (default)  TEMPORAL_CLI (temporal)
set -eu

CLI="${TEMPORAL_CLI:-temporal}"
ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
NS="${NAMESPACE:-default}"

retry() {
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "gave up after 60 tries: $*" >&2
      "$@"
      return 1
    fi
    sleep 1
  done
}

retry "$CLI" operator cluster health --address "$ADDRESS"
"$CLI" operator namespace describe --address "$ADDRESS" --namespace "$NS" >/dev/null 2>&1 ||
  retry "$CLI" operator namespace create --address "$ADDRESS" --namespace "$NS" --retention 7d
# Keep in step with ERRAND_SEARCH_ATTRIBUTES: a workflow that sets an unregistered one fails.
ATTRIBUTES="ErrandTenant:Keyword ErrandStatus:Keyword ErrandStepType:Keyword ErrandAwaitingApproval:Bool ErrandUser:Keyword ErrandSource:Keyword ErrandPlanner:Keyword"
# The attributes of ATTRIBUTES the namespace does not have yet, as create's flags; fails while
# the frontend does not answer.
missing_flags() {
  list=$("$CLI" operator search-attribute list --address "$ADDRESS" --namespace "$NS" 2>/dev/null) || return 1
  for pair in $ATTRIBUTES; do
    printf '%s\n' "$list" | grep -qw "${pair%%:*}" || printf ' --name %s --type %s' "${pair%%:*}" "${pair#*:}"
  done
}
# Only the missing ones are created: a create naming one that exists is refused as a whole
# (a cluster registered by an earlier Errand has ErrandTenant alone).
tries=0
until flags=$(missing_flags) && [ -z "$flags" ]; do
  if [ -n "${flags:-}" ]; then
    # shellcheck disable=SC2086
    "$CLI" operator search-attribute create --address "$ADDRESS" --namespace "$NS" $flags >/dev/null 2>&1 || true
  fi
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "gave up registering the search attributes:${flags:- the frontend did not answer}" >&2
    exit 1
  fi
  sleep 1
done
echo "namespace $NS ready with Errand's search attributes on $ADDRESS"
