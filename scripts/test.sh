#!/usr/bin/env bash
# npm test: brings up (or reuses) MariaDB, Redis and Asterisk, type-checks, then runs the unit and the
# integration suites. Integration tests start their own ARI app and worker processes; those started by
# `npm start` would take the same Stasis application and jobs from them, so they are paused for the run.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"
started=$(date +%s)
# One run at a time on a machine: every run uses the same Asterisk and the same Stasis application name.
exec 9>/tmp/pbx-control-plane-tests.lock
flock 9
# Without the lock's descriptor: a daemon started here (Asterisk, MariaDB, Redis) would hold the lock for good.
stack_infrastructure_up 9>&-
# The SIP user agents of the call tests, and the browser of the WebRTC phone test.
apt_install sip-tester chromium
paused_apps=()
for app in ari-app worker; do
  if app_running "$app"; then
    say "pausing the stack's $app while the tests run their own"
    stop_app "$app"
    paused_apps+=("$app")
  fi
done
restore() {
  local status=$?
  local app
  # Without the lock's descriptor: a restarted app would otherwise hold the lock for as long as it runs.
  for app in "${paused_apps[@]}"; do start_app "$app" 9>&- || true; done
  say "tests finished in $(( $(date +%s) - started ))s"
  exit "$status"
}
trap restore EXIT
say "type-checking"
npx tsc --noEmit -p tsconfig.json
# The web phone bundle the admin API serves (its browser test loads it), if missing or stale.
node --import tsx scripts/build-web-phone.ts --if-stale
if (( $# > 0 )); then npx mocha "$@"; else npx mocha "test/unit/**/*.test.ts" "test/integration/**/*.test.ts"; fi
