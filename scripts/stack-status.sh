#!/usr/bin/env bash
# npm run stack:status: one line per part of the stack; exits non-zero if any part is down.
source "$(dirname "$0")/lib/common.sh"
load_local_env
source "$(dirname "$0")/lib/stack.sh"
down=0
report() { if "${@:3}" >/dev/null 2>&1; then printf '%-10s up    %s\n' "$1" "$2"; else printf '%-10s DOWN  %s\n' "$1" "$2"; down=1; fi; }
report mariadb "$DB_HOST:$DB_PORT" mariadb_up
report redis "$REDIS_HOST:$REDIS_PORT" redis_up
report asterisk "$(asterisk_mode) mode, SIP :$SIP_PORT" asterisk_running
report ari "http://127.0.0.1:$ARI_PORT/ari" ari_ready
# Up means the process itself runs; its supervisor's restart count and last exit say whether it has been dying.
for app in "${APP_NAMES[@]}"; do report "$app" "$(app_summary "$app")" app_process_running "$app"; done
exit "$down"
