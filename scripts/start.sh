#!/usr/bin/env bash
# npm start: installs what is missing and brings up MariaDB, Redis, Asterisk and the app's processes.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"
started=$(date +%s)
stack_infrastructure_up
for app in "${APP_NAMES[@]}"; do start_app "$app"; done
say "stack up in $(( $(date +%s) - started ))s; npm run stack:status shows it, npm run stack:down stops it"
