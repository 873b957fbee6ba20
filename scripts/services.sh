#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on their loopback ports; start private ones if not.
set -euo pipefail
PG_PORT=${IDP_TEST_PG_PORT:-5432}
RUN_DIR=${IDP_TEST_RUN_DIR:-/tmp/yiwang-services}
mkdir -p "$RUN_DIR"

pg_ready() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }
if ! pg_ready; then
  if ls /etc/postgresql/*/main >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -1)" main start || true
  fi
fi
if ! pg_ready; then
  echo "starting a private PostgreSQL on port $PG_PORT"
  bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
  data="$RUN_DIR/pg"
  chown postgres "$RUN_DIR" 2>/dev/null || true
  if [ ! -d "$data" ]; then
    runuser -u postgres -- "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
  fi
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$RUN_DIR/pg.log" \
    -o "-p $PG_PORT -k $RUN_DIR -c listen_addresses=127.0.0.1 -c fsync=off" -w start
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting a private Redis on port 6379"
  redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$RUN_DIR" --pidfile "$RUN_DIR/redis.pid"
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
