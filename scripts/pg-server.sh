#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL server on 127.0.0.1 for tests and benchmarks.
# Usage: scripts/pg-server.sh start|stop [DIR] [PORT]   (prints the connection URL on start;
#        PG_HUGE_PAGES=1 start: shared memory in huge pages, reserved as root if need be)
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:-/tmp/overdue-pg}
port=${3:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/postgres" ] || { echo "PostgreSQL server binaries not found (install Debian's postgresql package)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
      as_pg "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
      cat >> "$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 1GB
work_mem = 64MB
maintenance_work_mem = 512MB
max_wal_size = 8GB
checkpoint_timeout = 30min
max_connections = 200
CONF
    fi
    if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      options=""
      # PG_HUGE_PAGES=1: shared memory in huge pages, reserved now if need be (as root). On a virtual
      # machine a server process otherwise takes a page fault for every 4 kB page of shared buffers it
      # touches first, and each new connection starts over (see bench/README.md).
      if [ "${PG_HUGE_PAGES:-}" = 1 ]; then
        need=$(as_pg "$bin/postgres" -D "$dir" -C shared_memory_size_in_huge_pages)
        free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
        if [ "$free" -lt "$need" ] && [ -w /proc/sys/vm/nr_hugepages ]; then
          echo $(( $(cat /proc/sys/vm/nr_hugepages) + need - free )) > /proc/sys/vm/nr_hugepages
          echo $(( need - free )) > "$dir/huge_pages_reserved"   # given back on stop
          free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
        fi
        if [ "$free" -ge "$need" ]; then options="-c huge_pages=on"
        else echo "pg-server: $need huge pages needed, $free free: shared memory in normal pages" >&2; fi
      fi
      # Each server process keeps 64 MiB of freed memory instead of handing it back to the system at
      # once (glibc's malloc top pad; its default gives back all but 128 kB). A statement that builds
      # large values (the daily cycle's facts documents, a refresh's hash tables) otherwise takes a
      # page fault for every 4 kB it touches, on every run: on this virtual machine about 40 % of a
      # facts statement's time (bench/README.md). And malloc asks for transparent huge pages
      # (glibc.malloc.hugetlb=1, glibc 2.35 or later; ignored elsewhere): a new connection's first
      # large statements then fault their memory in 2 MB pages, not 4 kB ones (the cycle's first facts
      # statement on each connection ~100 ms sooner). MALLOC_TOP_PAD_ or GLIBC_TUNABLES already set in
      # the environment are kept.
      as_pg env MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-67108864}" GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
    if [ -f "$dir/huge_pages_reserved" ]; then
      pages=$(cat /proc/sys/vm/nr_hugepages); reserved=$(cat "$dir/huge_pages_reserved")
      echo $(( pages > reserved ? pages - reserved : 0 )) > /proc/sys/vm/nr_hugepages || true
      rm -f "$dir/huge_pages_reserved"
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
