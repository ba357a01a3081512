# Asterisk: find or build one, render its configuration, run it, wait for ARI.
# Sourced after common.sh and the local env.

ASTERISK_ROOT="${ASTERISK_ROOT:-$PBX_CACHE_DIR/asterisk-root}"
ASTERISK_SID_PACKAGES="asterisk asterisk-modules odbc-mariadb unixodbc asterisk-core-sounds-en-gsm asterisk-moh-opsound-gsm libjemalloc2"

# Host mode: an Asterisk >= 20 already on the PATH. Otherwise the Debian sid root (Debian 12 has none).
asterisk_mode() {
  if [[ "${ASTERISK_MODE:-}" == chroot ]]; then echo chroot; return; fi
  if command -v asterisk >/dev/null 2>&1; then
    local major
    major="$(asterisk -V 2>/dev/null | sed -nE 's/^Asterisk ([0-9]+).*/\1/p')"
    if [[ -n "$major" ]] && (( major >= 20 )); then echo host; return; fi
  fi
  echo chroot
}

# Runs a command where Asterisk lives: inside the root, or on the host.
in_asterisk_root() {
  if [[ "$(asterisk_mode)" == chroot ]]; then chroot "$ASTERISK_ROOT" "$@"; else "$@"; fi
}

asterisk_etc_dir() {
  if [[ "$(asterisk_mode)" == chroot ]]; then echo "$ASTERISK_ROOT/etc/asterisk"; else echo "$PBX_CACHE_DIR/asterisk-etc"; fi
}

ensure_asterisk_installed() {
  [[ "$(asterisk_mode)" == host ]] && { say "using the host's $(asterisk -V)"; return; }
  if [[ -f "$ASTERISK_ROOT/.pbx-root-ready" ]]; then
    [[ "$(cat "$ASTERISK_ROOT/.pbx-root-ready")" == "$ASTERISK_SID_PACKAGES" ]] && return
    say "updating the packages of the Asterisk root"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive chroot "$ASTERISK_ROOT" apt-get install -y -qq --no-install-recommends \
      $ASTERISK_SID_PACKAGES >"$PBX_CACHE_DIR/asterisk-install.log" 2>&1 \
      || die "installing Asterisk packages failed, see $PBX_CACHE_DIR/asterisk-install.log"
    echo "$ASTERISK_SID_PACKAGES" >"$ASTERISK_ROOT/.pbx-root-ready"
    return
  fi
  apt_install debootstrap
  local partial="$ASTERISK_ROOT.partial"
  say "building the Asterisk 22 root in $ASTERISK_ROOT (once; about a minute)"
  rm -rf "$partial"
  mkdir -p "$(dirname "$ASTERISK_ROOT")"
  debootstrap --variant=minbase sid "$partial" http://deb.debian.org/debian >"$PBX_CACHE_DIR/debootstrap.log" 2>&1 \
    || die "debootstrap failed, see $PBX_CACHE_DIR/debootstrap.log"
  cp /etc/resolv.conf "$partial/etc/resolv.conf"
  # The mirror may serve a snapshot whose Release file reads as expired against this machine's clock.
  echo 'Acquire::Check-Valid-Until "false";' >"$partial/etc/apt/apt.conf.d/99pbx-no-valid-until"
  chroot "$partial" apt-get update -qq >"$PBX_CACHE_DIR/asterisk-install.log" 2>&1 \
    || die "apt-get update in the Asterisk root failed, see $PBX_CACHE_DIR/asterisk-install.log"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive chroot "$partial" apt-get install -y -qq --no-install-recommends $ASTERISK_SID_PACKAGES \
    >"$PBX_CACHE_DIR/asterisk-install.log" 2>&1 || die "installing Asterisk failed, see $PBX_CACHE_DIR/asterisk-install.log"
  chroot "$partial" apt-get clean
  # Our rendered files are the whole configuration: the package's samples are kept aside, never read.
  mv "$partial/etc/asterisk" "$partial/etc/asterisk.dist"
  rm -rf "$ASTERISK_ROOT"
  mv "$partial" "$ASTERISK_ROOT"
  echo "$ASTERISK_SID_PACKAGES" >"$ASTERISK_ROOT/.pbx-root-ready"
}

# Things the root needs each start: name resolution without DNS (see ASTERISK-NOTES), /proc, writable dirs.
prepare_asterisk_root() {
  [[ "$(asterisk_mode)" == chroot ]] || return 0
  cp /etc/hosts "$ASTERISK_ROOT/etc/hosts"
  cp /etc/resolv.conf "$ASTERISK_ROOT/etc/resolv.conf"
  mountpoint -q "$ASTERISK_ROOT/proc" || mount -t proc proc "$ASTERISK_ROOT/proc"
  local dir
  for dir in /var/lib/asterisk /var/run/asterisk /var/log/asterisk /var/spool/asterisk; do
    # Through the chroot: /var/run in the root is an absolute link that would resolve on the host.
    chroot "$ASTERISK_ROOT" mkdir -p "$dir"
    chroot "$ASTERISK_ROOT" chown -R asterisk:asterisk "$dir"
  done
}

render_asterisk_config() {
  local written
  if [[ "$(asterisk_mode)" == chroot ]]; then
    written="$(node --import tsx asterisk-config/render.ts --etc "$ASTERISK_ROOT/etc/asterisk" --odbc "$ASTERISK_ROOT/etc")"
    chroot "$ASTERISK_ROOT" chown -R root:asterisk /etc/asterisk
  else
    written="$(node --import tsx asterisk-config/render.ts --etc "$PBX_CACHE_DIR/asterisk-etc" \
      --odbc "$PBX_CACHE_DIR/asterisk-etc" --state "$PBX_CACHE_DIR/asterisk-state")"
    mkdir -p "$PBX_CACHE_DIR"/asterisk-state/{lib,spool,run,log}
  fi
  ASTERISK_CONFIG_CHANGED=0
  if [[ -n "$written" ]]; then
    ASTERISK_CONFIG_CHANGED=1
    say "Asterisk configuration rendered ($(wc -l <<<"$written") files changed)"
  fi
}

asterisk_cli() { in_asterisk_root asterisk -C "$(asterisk_conf_path)" -rx "$1"; }

asterisk_conf_path() {
  if [[ "$(asterisk_mode)" == chroot ]]; then echo /etc/asterisk/asterisk.conf; else echo "$PBX_CACHE_DIR/asterisk-etc/asterisk.conf"; fi
}

asterisk_running() { asterisk_cli "core show version" 2>/dev/null | grep -q '^Asterisk'; }

ari_ready() {
  curl -fsS -u "$ARI_USERNAME:$ARI_PASSWORD" "http://127.0.0.1:${ARI_PORT}/ari/asterisk/info" >/dev/null
}

# Asterisk's memory after a REGISTER storm (ASTERISK-NOTES): glibc kept 2.6 GB of freed SIP transaction
# buffers, 61 MB of it live, scattered through its heaps where neither free() nor a trim threshold reaches.
# bench:registrations measured it: with only the glibc variables below, idle RSS after a storm stayed at
# 3-7x the steady state; with jemalloc preloaded, which hands freed pages back to the kernel a second after
# they fall idle wherever they lie, it fell below the steady state. jemalloc is installed in the root (and
# in docker/asterisk); the glibc bounds (two arenas, trim beyond 128 KiB, big buffers mmap'd) stay for an
# Asterisk on the host's PATH without it. docker/asterisk/Dockerfile sets the same.
ASTERISK_JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2

# Fills ASTERISK_MALLOC_ENV: what Asterisk's own process gets in its environment.
set_asterisk_malloc_env() {
  ASTERISK_MALLOC_ENV=(MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072 MALLOC_MMAP_THRESHOLD_=65536)
  local root=""
  [[ "$(asterisk_mode)" == chroot ]] && root="$ASTERISK_ROOT"
  if [[ -f "$root$ASTERISK_JEMALLOC" ]]; then
    ASTERISK_MALLOC_ENV+=("LD_PRELOAD=$ASTERISK_JEMALLOC" "MALLOC_CONF=background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0")
  fi
}

# Asterisk's process id as the host sees it (a chroot shares the host's process ids), from its pid file.
asterisk_pid() {
  if [[ "$(asterisk_mode)" == chroot ]]; then chroot "$ASTERISK_ROOT" cat /var/run/asterisk/asterisk.pid
  else cat "$PBX_CACHE_DIR/asterisk-state/run/asterisk.pid"; fi
}

# The running Asterisk has the allocator settings above in its environment.
asterisk_has_malloc_env() {
  local pid setting
  set_asterisk_malloc_env
  pid="$(asterisk_pid 2>/dev/null)" || return 1
  for setting in "${ASTERISK_MALLOC_ENV[@]}"; do grep -qxF "$setting" < <(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null) || return 1; done
}

start_asterisk() {
  # A reload cannot be trusted to re-key ODBC and ARI logins (a new clone brings new secrets): a changed
  # configuration restarts Asterisk. Unchanged, a running Asterisk is simply reused, unless it was started
  # without the allocator settings (an Asterisk from before them keeps growing after every storm).
  if asterisk_running && (( ${ASTERISK_CONFIG_CHANGED:-0} )); then
    say "Asterisk configuration changed; restarting Asterisk"
    stop_asterisk
  elif asterisk_running && ! asterisk_has_malloc_env; then
    say "Asterisk runs without ${ASTERISK_MALLOC_ENV[*]}; restarting Asterisk"
    stop_asterisk
  fi
  if ! asterisk_running; then
    say "starting Asterisk"
    set_asterisk_malloc_env
    mkdir -p "$RUN_DIR"
    if [[ "$(asterisk_mode)" == chroot ]]; then
      # Started detached (no -f) so it outlives this script; it writes its own pid file in the root. The
      # allocator environment is set inside the root: LD_PRELOAD names the root's jemalloc, not the host's.
      chroot "$ASTERISK_ROOT" env "${ASTERISK_MALLOC_ENV[@]}" asterisk -U asterisk -G asterisk -C /etc/asterisk/asterisk.conf
    else
      env "${ASTERISK_MALLOC_ENV[@]}" ODBCSYSINI="$PBX_CACHE_DIR/asterisk-etc" asterisk -C "$(asterisk_conf_path)"
    fi
  fi
  until_ok 60 "Asterisk's ARI on 127.0.0.1:${ARI_PORT}" ari_ready
  # Without its ODBC connection Asterisk finds no device and no dialplan: a stack without it is not up.
  until_ok 20 "Asterisk's ODBC connection to MariaDB (see messages.log in the Asterisk root)" odbc_connected
}

odbc_connected() { asterisk_cli "odbc show asterisk" | grep -qE 'Number of active connections: [1-9]'; }

stop_asterisk() {
  if asterisk_running; then
    say "stopping Asterisk"
    asterisk_cli "core stop now" >/dev/null 2>&1 || true
    local i
    for i in $(seq 1 50); do asterisk_running || break; sleep 0.2; done
  fi
}

release_asterisk_root() {
  if [[ "$(asterisk_mode)" == chroot ]] && mountpoint -q "$ASTERISK_ROOT/proc"; then umount "$ASTERISK_ROOT/proc" || true; fi
}
