#!/bin/sh
# Starts or stops a throwaway PostgreSQL server for the tests.
#   postgres_server.sh start DIR   initdb in DIR, start on a free port of 127.0.0.1,
#                                  create the role "jsruntime" (no superuser, no
#                                  BYPASSRLS) and write the admin URL to DIR/url
#   postgres_server.sh stop DIR    stop the server and remove DIR
# initdb refuses to run as root, so as root the server runs as user postgres.
set -eu
action=$1
dir=$2
bin=/usr/lib/postgresql/15/bin
if [ "$(id -u)" -eq 0 ]; then as_postgres="runuser -u postgres --"; else as_postgres=""; fi

case "$action" in
start)
  rm -rf "$dir"
  mkdir -p "$dir"
  [ -n "$as_postgres" ] && chown postgres "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  $as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
  $as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  $as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE jsruntime LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB" >/dev/null
  echo "postgresql://postgres@127.0.0.1:$port" >"$dir/url"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    $as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
