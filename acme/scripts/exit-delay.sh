#!/usr/bin/env bash
# How much later `acme build` exits when its telemetry endpoint is a black hole (accepts, never answers) than
# with telemetry disabled. The bar is 100 ms. Uses hyperfine when installed (apt-get install hyperfine),
# otherwise a plain timing loop. Everything stays on loopback and in a temp home.
#
#   bash acme/scripts/exit-delay.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-30}"
cargo build --release -q -p acme
acme="$PWD/target/release/acme"
home="$(mktemp -d)"
trap 'kill "$hole_pid" 2>/dev/null || true; rm -rf "$home"' EXIT

# A listening socket that never accepts: the kernel completes the TCP handshake, nobody ever answers.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$port)); s.listen(1024); time.sleep(600)" &
hole_pid=$!
sleep 0.3

common=(env -i "HOME=$home" "XDG_CONFIG_HOME=$home/config" "ACME_TELEMETRY_ENDPOINT=http://127.0.0.1:$port/v1/batch")
"${common[@]}" "$acme" build >/dev/null 2>&1 # first run: notice and settings file

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$runs" \
    -n "telemetry disabled" "${common[*]} ACME_TELEMETRY_DISABLED=1 $acme build" \
    -n "black-hole endpoint" "${common[*]} $acme build"
else
  for mode in disabled black-hole; do
    extra=(); [ "$mode" = disabled ] && extra=(ACME_TELEMETRY_DISABLED=1)
    total=0
    for _ in $(seq "$runs"); do
      start=$(date +%s%N); "${common[@]}" "${extra[@]}" "$acme" build >/dev/null 2>&1; end=$(date +%s%N)
      total=$((total + end - start))
    done
    echo "$mode: mean $((total / runs / 1000)) µs over $runs runs"
  done
fi
