#!/usr/bin/env bash
# Stops, starts or restarts only Asterisk (e.g. to apply a template change, or to test the ARI app's
# reconnection). Usage: scripts/asterisk-ctl.sh start|stop|restart|pid|cli "COMMAND"
source "$(dirname "$0")/lib/common.sh"
load_local_env
source "$(dirname "$0")/lib/stack.sh"
case "${1:-}" in
  start) prepare_asterisk_root; render_asterisk_config; start_asterisk ;;
  stop) stop_asterisk ;;
  restart) stop_asterisk; prepare_asterisk_root; render_asterisk_config; start_asterisk ;;
  cli) asterisk_cli "${2:?a CLI command}" ;;
  pid) asterisk_pid ;;
  *) die "usage: $0 start|stop|restart|pid|cli COMMAND" ;;
esac
