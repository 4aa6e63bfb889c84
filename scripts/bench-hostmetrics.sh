#!/usr/bin/env bash
# Host metrics benchmark, side by side with node_exporter on this machine (issue 3):
#   1. CPU time and allocations of one full collection (all collectors, real /proc);
#   2. /metrics latency p50/p99 and server CPU per scrape over 1000 scrapes, Outrider and
#      node_exporter alternating on 127.0.0.1 with the same collectors;
#   3. idle CPU of the agent with a 10 s interval over 60 s.
# usage: scripts/bench-hostmetrics.sh [scrapes] [idle-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
scrapes="${1:-1000}"
idle="${2:-60}"
scripts/install-deps.sh --with-test-tools
command -v valgrind >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -q valgrind; }
swift build -c release --static-swift-stdlib --product outrider | tail -1  # as the image builds it
swift build -c release --static-swift-stdlib --product outrider-bench | tail -1
bin=.build/release
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== one full collection (cpu, memory, load, pressure, network, disk, filesystem, cgroup)"
"$bin/outrider-bench" collect 2000 breakdown
base=$(valgrind --tool=dhat --dhat-out-file=/dev/null "$bin/outrider-bench" collect 0 2>&1 | sed -n 's/.*Total: *[0-9,]* bytes in \([0-9,]*\) blocks.*/\1/p' | tr -d ,)
runs=$(valgrind --tool=dhat --dhat-out-file=/dev/null "$bin/outrider-bench" collect 100 2>&1 | sed -n 's/.*Total: *[0-9,]* bytes in \([0-9,]*\) blocks.*/\1/p' | tr -d ,)
echo "allocations per collection (dhat): $(( (runs - base) / 100 ))"

echo "== /metrics over $scrapes scrapes each"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/bench.yaml" <<YAML
log: {level: warn}
server: {listen: "127.0.0.1:$port"}
sources:
  host:
    type: host_metrics
    interval: 10s
    collectors: [cpu, memory, load, pressure, network, disk, filesystem]
    filesystem:
      mount_points_exclude: [/dev, /proc, /run, /sys, /mnt, /media, "/var/lib/docker/*", "/var/lib/containers/storage/*"]
YAML
"$bin/outrider" run --config "$work/bench.yaml" 2>"$work/outrider.log" &
opid=$!
prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" --collector.disable-defaults \
  --collector.cpu --collector.stat --collector.meminfo --collector.loadavg --collector.pressure \
  --collector.netdev --collector.diskstats --collector.filesystem 2>"$work/node.log" &
npid=$!
for _ in $(seq 50); do curl -sf "127.0.0.1:$port/metrics" >/dev/null && curl -sf "127.0.0.1:$nport/metrics" >/dev/null && break; sleep 0.1; done
"$bin/outrider-bench" scrape "$scrapes" "outrider=$port:$opid" "node_exporter=$nport:$npid"
kill "$npid"; wait "$npid" 2>/dev/null || true

echo "== idle: $idle s with a 10 s interval, no scrapes"
t0=$(awk '{print $14+$15}' "/proc/$opid/stat")
sleep "$idle"
t1=$(awk '{print $14+$15}' "/proc/$opid/stat")
hz=$(getconf CLK_TCK)
python3 -c "print(f'idle cpu: {($t1-$t0)/$hz:.3f} s over $idle s = {($t1-$t0)/$hz/$idle*100:.3f}% of one core')"
echo "idle RSS: $(awk '/VmRSS/{print $2" "$3}' /proc/$opid/status)"
kill -TERM "$opid"; wait "$opid" 2>/dev/null || true
