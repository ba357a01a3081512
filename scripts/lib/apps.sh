# The project's own processes: the ARI app, the admin API and the job worker, each run detached under a
# supervisor that restarts it, with pid files, state and JSON logs in .run/. Sourced after common.sh and the
# local env.

APP_NAMES=(ari-app admin-api worker)

app_entry() {
  case "$1" in
    ari-app) echo ari-app/main.ts ;;
    admin-api) echo admin-api/main.ts ;;
    worker) echo jobs/main.ts ;;
    *) die "unknown app $1" ;;
  esac
}

# The app's own pid (its supervisor writes it at every start) and its supervisor's. A pid counts only while
# it is still that program: a stale pid file must never make us signal whatever reused the number.
app_pid() { [[ -f "$RUN_DIR/$1.pid" ]] && cat "$RUN_DIR/$1.pid"; }
supervisor_pid() { [[ -f "$RUN_DIR/$1.supervisor.pid" ]] && cat "$RUN_DIR/$1.supervisor.pid"; }
pid_is() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null && grep -qF -- "$2" < <(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null); }
supervisor_running() { pid_is "$(supervisor_pid "$1" || true)" supervisor.cjs; }
# The process itself (between a crash and its restart it is down while its supervisor runs).
app_process_running() { pid_is "$(app_pid "$1" || true)" "$(app_entry "$1")"; }
# Anything of the app runs: what stop_app stops and the test run pauses.
app_running() { supervisor_running "$1" || app_process_running "$1"; }

# One field of the supervisor's state file (scripts/supervisor/state.ts); empty when unknown.
app_state() { sed -n "s/^$2=//p" "$RUN_DIR/$1.state" 2>/dev/null || true; }
# Set by the supervisor once the current process logged its "ready" line (each process logs one when it serves).
app_ready() { [[ "$(app_state "$1" ready)" == 1 ]]; }

app_summary() {
  local name="$1" text
  if supervisor_running "$name"; then
    text="pid $(app_pid "$name" || echo -), supervisor $(supervisor_pid "$name"), $(app_state "$name" status)"
    text+=", restarts $(app_state "$name" restarts)"
    [[ "$(app_state "$name" last_exit)" == none ]] || text+=" (last exit: $(app_state "$name" last_exit) at $(app_state "$name" last_exit_at))"
  else
    text="not supervised"
    if app_process_running "$name"; then text+=", pid $(app_pid "$name")"; fi
  fi
  echo "$text, log ${RUN_DIR#"$PROJECT_ROOT/"}/$name.log"
}

# The supervisor runs as plain JavaScript, bundled from scripts/supervisor/ whenever that changed: no
# TypeScript loader in the one process that must not fail, and a third of tsx's memory.
build_supervisor() {
  local bundle="$RUN_DIR/supervisor.cjs"
  if [[ -f "$bundle" ]] && [[ -z "$(find scripts/supervisor -name '*.ts' -newer "$bundle" -print -quit)" ]]; then return; fi
  node_modules/.bin/esbuild scripts/supervisor/supervise.ts --bundle --platform=node --target=node20 --format=cjs \
    --log-level=warning --outfile="$bundle.$$.tmp"
  mv "$bundle.$$.tmp" "$bundle"
}

# Starts the app under its supervisor (scripts/supervisor/supervise.ts), which restarts it when it dies and
# appends everything it prints to .run/<app>.log as JSON lines (rotated by size, never emptied).
start_app() {
  local name="$1"
  if supervisor_running "$name"; then say "$name already running (pid $(app_pid "$name" || echo -), supervisor $(supervisor_pid "$name"))"; return; fi
  # A process whose supervisor was killed outright (or from before supervision): it holds the app's port.
  if app_process_running "$name"; then stop_app "$name"; fi
  mkdir -p "$RUN_DIR"
  build_supervisor
  rm -f "$RUN_DIR/$name.state"
  # The supervisor's own output is only a failure to start itself; once running it logs into the app's log.
  nohup node "$RUN_DIR/supervisor.cjs" --name "$name" --dir "$RUN_DIR" -- node --import tsx "$(app_entry "$name")" \
    >>"$RUN_DIR/supervisor.err" 2>&1 &
  echo $! >"$RUN_DIR/$name.supervisor.pid"
  local deadline=$(( $(date +%s) + 60 ))
  until app_ready "$name"; do
    if ! supervisor_running "$name" || [[ "$(app_state "$name" restarts)" =~ ^[1-9] ]]; then
      tail -n 20 "$RUN_DIR/$name.log" "$RUN_DIR/supervisor.err" >&2 2>/dev/null || true
      stop_app "$name"
      die "$name exited during start-up"
    fi
    (( $(date +%s) < deadline )) || die "$name did not become ready in 60s; see $RUN_DIR/$name.log"
    sleep 0.2
  done
  say "$name ready: $(grep '"message":"ready"' "$RUN_DIR/$name.log" | tail -n 1)"
}

wait_gone() { local i; for (( i = 0; i < $2; i++ )); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done; return 1; }

# The supervisor first, so nothing starts the app again (stack:down, and the test run's pause); it stops the
# app itself (SIGTERM, SIGKILL after 10 s). Then any process left without one.
stop_app() {
  local name="$1" pid
  pid="$(supervisor_pid "$name" || true)"
  if supervisor_running "$name"; then
    say "stopping $name (supervisor $pid, pid $(app_pid "$name" || echo -))"
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 75 || kill -KILL "$pid" 2>/dev/null || true
  fi
  pid="$(app_pid "$name" || true)"
  if app_process_running "$name"; then
    say "stopping $name (pid $pid, no supervisor)"
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.supervisor.pid"
}
