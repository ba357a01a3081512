# Brings up what the product runs on: services, Asterisk, database schema. Shared by start and test.
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
source "$(dirname "${BASH_SOURCE[0]}")/asterisk.sh"
source "$(dirname "${BASH_SOURCE[0]}")/apps.sh"

stack_infrastructure_up() {
  # curl probes ARI; a fresh Debian has neither it nor the services below.
  apt_install curl ca-certificates
  ensure_node_modules
  load_local_env
  ensure_mariadb
  ensure_redis
  ensure_asterisk_installed
  prepare_asterisk_root
  node --import tsx db/migrate.ts >/dev/null
  render_asterisk_config
  start_asterisk
}
