# The project's own processes: the ARI app, the admin API and the job worker, run detached with pid files
# and JSON logs in .run/. Sourced after common.sh and the local env.

APP_NAMES=(ari-app admin-api worker)

app_entry() {
  case "$1" in
    ari-app) echo ari-app/main.ts ;;
    admin-api) echo admin-api/main.ts ;;
    worker) echo jobs/main.ts ;;
    *) die "unknown app $1" ;;
  esac
}

app_pid() { [[ -f "$RUN_DIR/$1.pid" ]] && cat "$RUN_DIR/$1.pid"; }
app_running() { local pid; pid="$(app_pid "$1")" && [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }

# Each process logs one JSON line with "message":"ready" once it serves; we wait for that line.
app_ready() { grep -q '"message":"ready"' "$RUN_DIR/$1.log" 2>/dev/null; }

start_app() {
  local name="$1"
  if app_running "$name"; then say "$name already running (pid $(app_pid "$name"))"; return; fi
  mkdir -p "$RUN_DIR"
  : >"$RUN_DIR/$name.log"
  nohup node --import tsx "$(app_entry "$name")" >>"$RUN_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  local deadline=$(( $(date +%s) + 60 ))
  until app_ready "$name"; do
    if ! app_running "$name"; then tail -n 20 "$RUN_DIR/$name.log" >&2; die "$name exited during start-up"; fi
    (( $(date +%s) < deadline )) || die "$name did not become ready in 60s; see $RUN_DIR/$name.log"
    sleep 0.2
  done
  say "$name ready: $(grep -m1 '"message":"ready"' "$RUN_DIR/$name.log")"
}

stop_app() {
  local name="$1" pid
  app_running "$name" || { rm -f "$RUN_DIR/$name.pid"; return 0; }
  pid="$(app_pid "$name")"
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN_DIR/$name.pid"
}
