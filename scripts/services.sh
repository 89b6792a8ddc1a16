# Sourced by scripts/test.sh (`source scripts/services.sh`): finds the PostgreSQL and Redis the
# store suites need, and exports their URLs for the tests:
#
#   LEANRPC_TEST_POSTGRES  postgres://postgres@127.0.0.1:PORT/postgres (tests create and drop
#                          databases of their own on it)
#   LEANRPC_TEST_REDIS     redis://127.0.0.1:PORT
#
# A server already running on the standard local port (5432, 6379; LEANRPC_PG_PORT and
# LEANRPC_REDIS_PORT say another) is used when it answers (PostgreSQL: as user `postgres`
# without a password). Otherwise Debian's `postgresql` and `redis-server` are installed when
# missing, and private instances are started on free loopback ports in a temporary directory;
# they are stopped and the directory removed when the sourcing shell exits (an EXIT trap).
# System services are never started, stopped or changed. The suites never skip: without a
# server they fail.

leanrpc_services_dir=""
leanrpc_services_pg_data=""
leanrpc_services_redis_pidfile=""

leanrpc_services_log() { printf '    %s\n' "$*"; }

# Runs a command as root (plain when we are root, through sudo otherwise).
leanrpc_services_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

leanrpc_services_install() {
  leanrpc_services_log "installing $* (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  leanrpc_services_root apt-get update -qq
  # Installing may try to start the packages' own services; whether that works or not, the
  # private instances below do not depend on it.
  leanrpc_services_root apt-get install -y -qq "$@" >/dev/null
}

# The directory of PostgreSQL's server programs (initdb, pg_ctl), newest version first.
leanrpc_services_find_pg_bin() {
  local dir
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# Whether something accepts TCP connections on 127.0.0.1:$1.
leanrpc_services_listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A loopback port nothing listens on, from $1 up.
leanrpc_services_free_port() {
  local port=$1
  while leanrpc_services_listening "$port"; do port=$((port + 1)); done
  echo "$port"
}

leanrpc_services_tmpdir() {
  if [ -z "$leanrpc_services_dir" ]; then
    leanrpc_services_dir=$(mktemp -d "${TMPDIR:-/tmp}/leanrpc-services.XXXXXX")
    chmod 755 "$leanrpc_services_dir"
  fi
}

leanrpc_services_stop() {
  if [ -n "$leanrpc_services_pg_data" ]; then
    leanrpc_services_log "stopping the private PostgreSQL"
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u postgres -- "$leanrpc_services_pg_bin/pg_ctl" -D "$leanrpc_services_pg_data" \
        -m fast -w stop >/dev/null 2>&1 || true
    else
      "$leanrpc_services_pg_bin/pg_ctl" -D "$leanrpc_services_pg_data" -m fast -w stop \
        >/dev/null 2>&1 || true
    fi
  fi
  if [ -n "$leanrpc_services_redis_pidfile" ] && [ -f "$leanrpc_services_redis_pidfile" ]; then
    leanrpc_services_log "stopping the private Redis"
    kill "$(cat "$leanrpc_services_redis_pidfile")" 2>/dev/null || true
  fi
  if [ -n "$leanrpc_services_dir" ]; then
    rm -rf "$leanrpc_services_dir"
  fi
}
trap leanrpc_services_stop EXIT

# PostgreSQL: the standard port when it answers as user postgres, else a private instance.
leanrpc_services_pg_port=${LEANRPC_PG_PORT:-5432}
if command -v psql >/dev/null &&
  PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -p "$leanrpc_services_pg_port" -U postgres -d postgres \
    -w -Atqc 'SELECT 1' >/dev/null 2>&1; then
  leanrpc_services_log "PostgreSQL answers on 127.0.0.1:$leanrpc_services_pg_port"
else
  leanrpc_services_pg_bin=$(leanrpc_services_find_pg_bin) || {
    leanrpc_services_install postgresql
    leanrpc_services_pg_bin=$(leanrpc_services_find_pg_bin)
  }
  leanrpc_services_tmpdir
  leanrpc_services_pg_port=$(leanrpc_services_free_port 55432)
  leanrpc_services_pg_data="$leanrpc_services_dir/postgres"
  leanrpc_services_log "starting a private PostgreSQL on 127.0.0.1:$leanrpc_services_pg_port ($leanrpc_services_pg_data)"
  pg_start=(
    "$leanrpc_services_pg_bin/pg_ctl" -D "$leanrpc_services_pg_data" -l "$leanrpc_services_dir/postgres.log" -w
    -o "-p $leanrpc_services_pg_port -c listen_addresses=127.0.0.1 -k $leanrpc_services_dir -c fsync=off"
    start
  )
  pg_init=("$leanrpc_services_pg_bin/initdb" -D "$leanrpc_services_pg_data" -U postgres
    --auth=trust -E UTF8)
  if [ "$(id -u)" -eq 0 ]; then
    # initdb and the server refuse to run as root: they run as Debian's `postgres` user.
    chown postgres "$leanrpc_services_dir"
    runuser -u postgres -- "${pg_init[@]}" >"$leanrpc_services_dir/initdb.log" 2>&1 ||
      { cat "$leanrpc_services_dir/initdb.log"; exit 1; }
    runuser -u postgres -- "${pg_start[@]}" >/dev/null ||
      { cat "$leanrpc_services_dir/postgres.log"; exit 1; }
  else
    "${pg_init[@]}" >"$leanrpc_services_dir/initdb.log" 2>&1 ||
      { cat "$leanrpc_services_dir/initdb.log"; exit 1; }
    "${pg_start[@]}" >/dev/null || { cat "$leanrpc_services_dir/postgres.log"; exit 1; }
  fi
fi
export LEANRPC_TEST_POSTGRES="postgres://postgres@127.0.0.1:$leanrpc_services_pg_port/postgres"

# Redis: the standard port when it answers PING, else a private instance.
leanrpc_services_redis_port=${LEANRPC_REDIS_PORT:-6379}
if command -v redis-cli >/dev/null &&
  [ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$leanrpc_services_redis_port" ping 2>/dev/null)" = PONG ]; then
  leanrpc_services_log "Redis answers on 127.0.0.1:$leanrpc_services_redis_port"
else
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
    leanrpc_services_install redis-server
  leanrpc_services_tmpdir
  leanrpc_services_redis_port=$(leanrpc_services_free_port 56379)
  leanrpc_services_redis_pidfile="$leanrpc_services_dir/redis.pid"
  leanrpc_services_log "starting a private Redis on 127.0.0.1:$leanrpc_services_redis_port"
  redis-server --port "$leanrpc_services_redis_port" --bind 127.0.0.1 --save '' \
    --appendonly no --daemonize yes --dir "$leanrpc_services_dir" \
    --pidfile "$leanrpc_services_redis_pidfile" --logfile "$leanrpc_services_dir/redis.log"
  for _ in $(seq 50); do
    [ "$(redis-cli -h 127.0.0.1 -p "$leanrpc_services_redis_port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.1
  done
  [ "$(redis-cli -h 127.0.0.1 -p "$leanrpc_services_redis_port" ping 2>/dev/null)" = PONG ] ||
    { cat "$leanrpc_services_dir/redis.log"; exit 1; }
fi
export LEANRPC_TEST_REDIS="redis://127.0.0.1:$leanrpc_services_redis_port"
leanrpc_services_log "LEANRPC_TEST_POSTGRES=$LEANRPC_TEST_POSTGRES"
leanrpc_services_log "LEANRPC_TEST_REDIS=$LEANRPC_TEST_REDIS"
