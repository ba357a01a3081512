#!/usr/bin/env bash
# npm run bench:<name>: brings up (or reuses) the services the benchmark needs, then runs scripts/bench/<name>.ts.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"
ensure_node_modules
load_local_env
ensure_mariadb
ensure_redis
node --import tsx db/migrate.ts >/dev/null
exec node --import tsx "scripts/bench/${1:?benchmark name}.ts"
