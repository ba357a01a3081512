# MariaDB and Redis: reuse running ones on 127.0.0.1, otherwise install Debian's packages and start them.
# Sourced after common.sh and the local env.

mariadb_up() { mariadb-admin --protocol=tcp -h "$DB_HOST" -P "$DB_PORT" -u "$DB_ADMIN_USER" ${DB_ADMIN_PASSWORD:+-p"$DB_ADMIN_PASSWORD"} ping; }
redis_up() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping | grep -q PONG; }

ensure_mariadb() {
  if command -v mariadb-admin >/dev/null 2>&1 && mariadb_up >/dev/null 2>&1; then return; fi
  apt_install mariadb-server mariadb-client
  if ! mariadb_up >/dev/null 2>&1; then
    say "starting MariaDB"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    [[ -d /var/lib/mysql/mysql ]] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    start-stop-daemon --start --oknodo --background --chuid mysql --exec /usr/sbin/mariadbd -- --bind-address=127.0.0.1
    until_ok 60 "MariaDB on $DB_HOST:$DB_PORT" mariadb_up
  fi
}

ensure_redis() {
  if command -v redis-cli >/dev/null 2>&1 && redis_up >/dev/null 2>&1; then return; fi
  apt_install redis-server
  if ! redis_up >/dev/null 2>&1; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir /var/lib/redis \
      --logfile /var/log/redis/pbx.log >/dev/null
    until_ok 30 "Redis on $REDIS_HOST:$REDIS_PORT" redis_up
  fi
}
