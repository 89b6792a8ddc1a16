# Where each tickets server the interop scripts start keeps its data.
#
#   INTEROP_POSTGRES unset   SQLite in a fresh temp data directory (the default)
#   INTEROP_POSTGRES=URL     PostgreSQL: a fresh database per server, created with psql on the
#                            server of URL (postgres://USER@HOST:PORT/DB, any database there that
#                            USER may create databases from) and dropped when the script exits
#
# `interop_store DIR` sets STORE_ARGS, the arguments that name the store to `tickets serve` and
# `tickets keys` (`--data DIR`, or `--database URL` on PostgreSQL), STORE_DATABASE (that URL,
# or empty) and STORE_SAYS, a few words for the log. Sourced by interop/suite.sh, whose EXIT
# trap calls `interop_store_cleanup` after stopping its servers; uses its `say`, `die` and
# `apt_install` (psql, from postgresql-client, when INTEROP_POSTGRES is set and it is missing).

INTEROP_DATABASES=()
INTEROP_DATABASE_COUNT=0

if [ -n "${INTEROP_POSTGRES:-}" ]; then
    command -v psql >/dev/null || apt_install postgresql-client
    case $INTEROP_POSTGRES in
    postgres://* | postgresql://*) ;;
    *) die "INTEROP_POSTGRES must be a postgres://USER@HOST:PORT/DB URL, not '$INTEROP_POSTGRES'" ;;
    esac
    PGCONNECT_TIMEOUT=5 psql "$INTEROP_POSTGRES" -w -XAtqc 'SELECT 1' >/dev/null \
        || die "PostgreSQL at $INTEROP_POSTGRES does not answer (scripts/services.sh finds or starts one)"
fi

# The URL of database $1 on the server of INTEROP_POSTGRES (its query string kept).
interop_database_url() {
    local url=${INTEROP_POSTGRES%%\?*}
    local query=${INTEROP_POSTGRES#"$url"}
    printf '%s/%s%s' "${url%/*}" "$1" "$query"
}

interop_store() {
    local dir=$1
    STORE_ARGS=(--data "$dir")
    STORE_DATABASE=
    STORE_SAYS="data in a fresh temp dir"
    if [ -n "${INTEROP_POSTGRES:-}" ]; then
        INTEROP_DATABASE_COUNT=$((INTEROP_DATABASE_COUNT + 1))
        local name="leanrpc_interop_$$_$INTEROP_DATABASE_COUNT"
        psql "$INTEROP_POSTGRES" -w -X -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $name" >/dev/null \
            || die "could not create database $name on $INTEROP_POSTGRES"
        INTEROP_DATABASES+=("$name")
        STORE_DATABASE=$(interop_database_url "$name")
        STORE_ARGS=(--database "$STORE_DATABASE")
        STORE_SAYS="data and keys in a fresh PostgreSQL database ($name)"
    fi
}

interop_store_cleanup() {
    local name
    for name in "${INTEROP_DATABASES[@]}"; do
        psql "$INTEROP_POSTGRES" -w -X -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 \
            || printf 'interop: could not drop database %s\n' "$name" >&2
    done
    INTEROP_DATABASES=()
}
