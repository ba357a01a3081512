#!/usr/bin/env bash
# Starts, stops or restarts one of the app's processes under its supervisor, as `npm start` does (e.g. to
# pick up a code change in the worker alone). Usage: scripts/app-ctl.sh start|stop|restart|status ari-app|admin-api|worker
# PBX_RUN_DIR puts its pid files, state and log elsewhere than .run/ (tests supervise their own copy that way).
source "$(dirname "$0")/lib/common.sh"
load_local_env
source "$(dirname "$0")/lib/apps.sh"
name="${2:?usage: $0 start|stop|restart|status ari-app|admin-api|worker}"
app_entry "$name" >/dev/null
case "${1:-}" in
  start) start_app "$name" ;;
  stop) stop_app "$name" ;;
  restart) stop_app "$name"; start_app "$name" ;;
  status) echo "$name $(app_process_running "$name" && echo up || echo DOWN): $(app_summary "$name")"; app_process_running "$name" ;;
  *) die "usage: $0 start|stop|restart|status ari-app|admin-api|worker" ;;
esac
