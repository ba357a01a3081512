#!/usr/bin/env bash
# npm start: installs what is missing and brings up MariaDB, Redis, Asterisk and the app's processes.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"
started=$(date +%s)
stack_infrastructure_up
# The web phone the admin API serves, bundled if missing or older than its sources (npm run build:web-phone).
node --import tsx scripts/build-web-phone.ts --if-stale
for app in "${APP_NAMES[@]}"; do start_app "$app"; done
# Ops' trunk files, after the ARI app is up so Asterisk picks the changes up at once. An invalid file stops
# here, naming file, line and field; nothing of it is written.
if compgen -G "asterisk-config/trunks/*.y*ml" >/dev/null; then
  say "applying trunk files (asterisk-config/trunks/)"
  node --import tsx admin-api/trunks/apply.ts || die "trunk files not applied; fix them and run npm run trunks:apply"
fi
say "stack up in $(( $(date +%s) - started ))s; npm run stack:status shows it, npm run stack:down stops it"
