#!/usr/bin/env bash
# npm run bench:<name>: brings up (or reuses) the services the benchmark needs, then runs scripts/bench/<name>.ts.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"
case "${1:?benchmark name}" in
  registrations)
    # Loads the stack's own Asterisk (as `npm test` brings it up) with SIPp, and starts a second Asterisk from
    # the same root: the script needs to know where that root is. Not locked here: the caller holds
    # /tmp/pbx-control-plane-tests.lock (flock ... npm run bench:registrations), and a second flock on the
    # same file from this child would wait on its own parent forever.
    stack_infrastructure_up
    apt_install sip-tester
    ASTERISK_MODE="$(asterisk_mode)"
    export ASTERISK_MODE ASTERISK_ROOT
    ;;
  calls)
    # SIPp calls through the stack's Asterisk into the benchmark's own ARI app: the caller holds the tests'
    # lock (flock -o /tmp/pbx-control-plane-tests.lock npm run bench:calls), as for registrations.
    stack_infrastructure_up
    apt_install sip-tester
    ;;
  *)
    ensure_node_modules
    load_local_env
    ensure_mariadb
    ensure_redis
    node --import tsx db/migrate.ts >/dev/null
    ;;
esac
exec node --import tsx "scripts/bench/$1.ts" "${@:2}"
