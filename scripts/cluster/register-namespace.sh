#!/bin/sh
# Registers the namespace Errand runs in and the search attribute it sets on every
# workflow (ErrandTenant), on a Temporal cluster that has just started. Retries while
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
# Answers "already exists" once registered; the list below checks it really is.
retry "$CLI" operator search-attribute create --address "$ADDRESS" --namespace "$NS" --name ErrandTenant --type Keyword ||
  true
retry sh -c "\"$CLI\" operator search-attribute list --address \"$ADDRESS\" --namespace \"$NS\" | grep -q ErrandTenant"
echo "namespace $NS ready with ErrandTenant on $ADDRESS"
