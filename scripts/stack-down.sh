#!/usr/bin/env bash
# npm run stack:down: stops the app's processes and Asterisk. MariaDB and Redis are left running: other
# software on the machine may use them, and they hold no state that must be flushed.
source "$(dirname "$0")/lib/common.sh"
load_local_env
source "$(dirname "$0")/lib/stack.sh"
# stop_app stops each app's supervisor before the app, so nothing restarts what is being stopped.
for app in "${APP_NAMES[@]}"; do stop_app "$app"; done
stop_asterisk
release_asterisk_root
say "stack down"
