#!/bin/bash
# Starts or stops a throwaway PostgreSQL server for the tests.
#   postgres_server.sh start DIR   initdb in DIR, start on a free port of 127.0.0.1,
#                                  create the role "jsruntime" (no superuser, no
#                                  BYPASSRLS; CREATEROLE for sdk.db's tenant roles)
#                                  and write the admin URL to DIR/url
#   postgres_server.sh stop DIR    stop the server and remove DIR
#   postgres_server.sh halt DIR    stop the server (fast: sessions are ended), keep DIR
#   postgres_server.sh resume DIR  start a halted server again, on the same port
#   postgres_server.sh restart DIR both, as an operator's `pg_ctl restart` would
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
  $as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
  # A free port: one nothing listens on; another try if the server still cannot bind it.
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    if $as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null; then
      echo "$options" >"$dir/options"
      break
    fi
    port=""
  done
  if [ -z "$port" ]; then
    echo "could not start PostgreSQL; see $dir/server.log" >&2
    exit 1
  fi
  $as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE jsruntime LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB CREATEROLE" >/dev/null
  echo "postgresql://postgres@127.0.0.1:$port" >"$dir/url"
  ;;
halt)
  $as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
resume)
  $as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null
  ;;
restart)
  $as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 -o "$(cat "$dir/options")" restart >/dev/null
  ;;
stop)
  if [ -d "$dir/data" ]; then
    $as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop|halt|resume|restart DIR" >&2
  exit 2
  ;;
esac
