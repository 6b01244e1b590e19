#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for headquarters tests (unix socket only, fsync off).
#
#   scripts/pg-cluster.sh start DIR   # creates/starts it if needed; prints ONE line on stdout:
#                                     #   host=DIR/sock port=PORT user=postgres dbname=postgres
#   scripts/pg-cluster.sh stop DIR    # pg_ctl -m fast stop
#
# initdb and postgres refuse to run as root: as root, the cluster runs as the system user
# `pgtest` (created if missing) and DIR is chowned to it. Debian's server binaries are used
# explicitly (/usr/lib/postgresql/<highest version>/bin): /usr/local/bin may hold others.
# Starting is idempotent and safe to run concurrently (flock on DIR/start.lock).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin:" \
         "apt-get install postgresql" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u pgtest -- "$@"
    else
        "$@"
    fi
}

# The lock file is opened on fd 9, which every child that outlives the script must not inherit
# (pg_ctl gets 9>&-): a postgres holding it would block every later start.
exec 9>"$dir/start.lock"
flock 9

case "$cmd" in
start)
    if [ "$(id -u)" -eq 0 ]; then
        id -u pgtest >/dev/null 2>&1 || useradd --system --no-create-home pgtest
        chown pgtest "$dir"
    fi
    mkdir -p "$dir/sock"
    [ "$(id -u)" -eq 0 ] && chown pgtest "$dir/sock"
    if [ -f "$dir/port" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        port=$(cat "$dir/port")
    else
        if [ ! -f "$dir/data/PG_VERSION" ]; then
            rm -rf "$dir/data"
            as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 \
                --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
                || { cat "$dir/initdb.log" >&2; exit 1; }
        fi
        # Any port number whose socket is not already in our socket folder will do: there is
        # no TCP listener (listen_addresses='').
        port=54329
        while [ -e "$dir/sock/.s.PGSQL.$port" ]; do port=$((port + 1)); done
        as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
            -o "-p $port -k $dir/sock -c listen_addresses='' -c fsync=off -c max_connections=200" \
            start >/dev/null 9>&- \
            || { tail -n 20 "$dir/log" >&2; exit 1; }
        echo "$port" >"$dir/port"
    fi
    echo "host=$dir/sock port=$port user=postgres dbname=postgres"
    ;;
stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -f "$dir/port"
    ;;
*)
    usage
    ;;
esac
