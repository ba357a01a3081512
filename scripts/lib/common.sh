# Shared shell helpers for the stack scripts: paths, logging and the local env file.
# Sourced, never run. Every script that sources it runs from the project root.
set -euo pipefail

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$PROJECT_ROOT"

# Caches live outside the work tree so a fresh clone reuses the Asterisk root built before.
PBX_CACHE_DIR="${PBX_CACHE_DIR:-/var/cache/pbx-control-plane}"
# Pid files, supervisor state and logs of the app's processes. PBX_RUN_DIR moves them (a test supervising its
# own copy of a process keeps it apart from the stack's).
RUN_DIR="${PBX_RUN_DIR:-$PROJECT_ROOT/.run}"
LOCAL_ENV_FILE="$PROJECT_ROOT/.env"

say() { printf '[pbx] %s\n' "$*" >&2; }
die() { printf '[pbx] error: %s\n' "$*" >&2; exit 1; }

# until_ok SECONDS DESCRIPTION CMD...: polls CMD every 0.2 s until it succeeds or time runs out.
until_ok() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then die "timed out after ${seconds}s waiting for $what"; fi
    sleep 0.2
  done
}

apt_install() {
  local missing=()
  local pkg
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  (( ${#missing[@]} == 0 )) && return 0
  say "installing Debian packages: ${missing[*]}"
  if [[ ! -f /var/lib/apt/periodic/pbx-updated ]] || ! apt-cache policy "${missing[0]}" 2>/dev/null | grep -q Candidate; then
    apt-get update -qq
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/pbx-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_node_modules() {
  if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "installing npm dependencies"
    # Not `npm ci`: npm 11.19 writes lock files whose optional platform packages (msgpackr-extract's) its own
    # `npm ci` then rejects as out of sync. `npm install` installs the locked versions and leaves the lock as is.
    npm install --no-audit --no-fund --loglevel=error
  fi
}

# Loads .env (generated on first run) into the environment; explicit variables win.
load_local_env() {
  write_local_env
  local line key
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[A-Z_][A-Z0-9_]*= ]] || continue
    key="${line%%=*}"
    [[ -n "${!key+x}" ]] || export "$line"
  done < "$LOCAL_ENV_FILE"
}

# .env is .env.example with every secret marked "generate" replaced by a random one. On later runs, variables
# that .env.example gained since are appended, so an upgrade never stops on a missing variable.
write_local_env() {
  local existing=""
  if [[ -f "$LOCAL_ENV_FILE" ]]; then
    existing="$(sed -nE 's/^([A-Z_][A-Z0-9_]*)=.*/\1/p' "$LOCAL_ENV_FILE")"
  else
    say "writing $LOCAL_ENV_FILE with generated secrets (git-ignored)"
  fi
  # The umask stays inside the subshell: everything else this script creates must keep its normal modes.
  (
    umask 077
    local line key value
    while IFS= read -r line || [[ -n "$line" ]]; do
      if [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)= ]]; then
        key="${BASH_REMATCH[1]}"
        grep -qx "$key" <<<"$existing" && continue
        [[ -n "$existing" ]] && say "adding $key to $LOCAL_ENV_FILE"
        if [[ "$line" == "$key=generate" ]]; then
          value="$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 32)"
          line="$key=$value"
        fi
      elif [[ -n "$existing" ]]; then
        continue
      fi
      printf '%s\n' "$line"
    done < "$PROJECT_ROOT/.env.example" >> "$LOCAL_ENV_FILE"
  )
}
