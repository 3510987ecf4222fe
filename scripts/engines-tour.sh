#!/usr/bin/env bash
# The tour's scenario again on NATS JetStream and Redis Streams, when their servers are
# installed (Debian: apt-get install nats-server redis-server). Each server is started on
# a free loopback port with throwaway storage and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PATH:/usr/sbin:/sbin"  # Debian puts nats-server in /usr/sbin
BIN=${BIN:-.venv/bin}
EVENTS=${EVENTS:-300}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {
  "$BIN/python" - "$1" <<'PY'
import socket, sys, time
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(f"no server on port {sys.argv[1]} after 10 s")
PY
}

run_on() {  # engine, argv...
  local engine=$1 port url
  shift
  port=$(free_port)
  if [ "$engine" = nats ]; then
    nats-server -js -a 127.0.0.1 -p "$port" -sd "$work/js" >/dev/null 2>&1 &
    url="nats://127.0.0.1:$port"
  else
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
    url="redis://127.0.0.1:$port/0"
  fi
  pids+=($!)
  wait_port "$port"
  echo "== accord sim run scenarios/shop.yaml --events $EVENTS --broker $url"
  "$BIN/accord" sim run scenarios/shop.yaml --events "$EVENTS" --broker "$url"
}

for engine in nats redis; do
  if command -v "$engine-server" >/dev/null 2>&1; then
    run_on "$engine"
  else
    echo "skipped $engine: $engine-server is not installed (apt-get install $engine-server)"
  fi
done
