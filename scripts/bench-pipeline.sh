#!/usr/bin/env bash
# Pipeline throughput benchmark (issue 4): numbered demo log lines through the agent to the
# test sink on 127.0.0.1, through a memory buffer, a disk buffer, and to a blackhole; then
# memory growth with the backend down. Reports events/s, MB/s (JSON bytes the sink got),
# agent CPU seconds per GB, peak RSS.
# usage: scripts/bench-pipeline.sh [events] [body-bytes] [down-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-1000000}"
body="${2:-200}"
down="${3:-20}"
source scripts/bench-common.sh

run_case() {  # name exporter-yaml
  local name=$1 exporter=$2
  local sport aport
  sport=$(free_port); aport=$(free_port)
  "$bin/outrider-sink" --port "$sport" --print-every 0 >"$work/sink-$name.json" 2>&1 &
  local spid=$!
  rm -rf "$work/buf" "$work/ckpt"; mkdir -p "$work/ckpt"
  exporter=${exporter//@SINK@/$sport}
  exporter=${exporter//@WORK@/$work}
  cat >"$work/$name.yaml" <<YAML
log: {level: warn}
server: {listen: "127.0.0.1:$aport", shutdown_timeout: 60s}
sources:
  demo: {type: demo_logs, rate: 0, count: $events, batch_size: 1000, body_bytes: $body}
exporters:
  out:
$exporter
pipelines:
  logs: {sources: [demo], exporters: [out]}
YAML
  sleep 0.3
  local start end
  start=$(date +%s.%N)
  "$bin/outrider" run --config "$work/$name.yaml" 2>"$work/$name.log" &
  local apid=$!
  # The demo source ends by itself; the sink has everything when sent == events.
  for _ in $(seq 6000); do
    sent=$(curl -sf "127.0.0.1:$aport/metrics" 2>/dev/null | awk '/^outrider_exporter_sent_events_total/{print $2}') || true
    [ "${sent:-0}" = "$events" ] && break
    sleep 0.05
  done
  end=$(date +%s.%N)
  local cpu hwm
  cpu=$(awk -v hz="$hz" '{print ($14+$15)/hz}' "/proc/$apid/stat")
  hwm=$(awk '/VmHWM/{print $2}' "/proc/$apid/status")
  kill -TERM "$apid"; wait "$apid" || true
  kill -TERM "$spid"; wait "$spid" || true
  local bytes
  bytes=$(tail -1 "$work/sink-$name.json" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["bytes"])' 2>/dev/null || echo 0)
  python3 - "$name" "$events" "$start" "$end" "$cpu" "$hwm" "$bytes" <<'PY'
import sys
name, events, start, end, cpu, hwm, sent = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
wall = end - start
gb = sent / 1e9 if sent else 0
print(f"{name:>10}: {events} events in {wall:.2f} s = {events/wall:,.0f} events/s, {sent/wall/1e6:.1f} MB/s of JSON"
      f", cpu {cpu:.2f} s" + (f" = {cpu/gb:.1f} cpu-s/GB" if gb else "") + f", peak RSS {hwm/1024:.1f} MiB")
PY
}

http="    type: http
    endpoint: http://127.0.0.1:@SINK@/ingest
    batch: {max_events: 2000, max_bytes: 1MiB, max_wait: 200ms}
    concurrency: 4"
echo "== $events events, $body-byte padding, demo source as fast as the pipeline takes them"
run_case memory "$http
    buffer: {type: memory, max_size: 32MiB}"
run_case disk "$http
    buffer: {type: disk, path: @WORK@/buf, max_size: 1GiB, sync: interval}"
run_case blackhole "    type: blackhole
    batch: {max_events: 2000, max_bytes: 1MiB, max_wait: 200ms}
    buffer: {type: memory, max_size: 32MiB}"

echo "== backend down for $down s: memory buffer capped at 16MiB, block"
sport=$(free_port); aport=$(free_port)
printf 'log: {level: warn}\nserver: {listen: "127.0.0.1:%s"}\n' "$aport" >"$work/idle.yaml"
"$bin/outrider" run --config "$work/idle.yaml" 2>/dev/null &
ipid=$!
sleep 1
rss0=$(awk '/VmRSS/{print $2}' "/proc/$ipid/status")
kill -TERM "$ipid"; wait "$ipid" 2>/dev/null || true
cat >"$work/down.yaml" <<YAML
log: {level: warn}
server: {listen: "127.0.0.1:$aport", shutdown_timeout: 60s}
sources:
  demo: {type: demo_logs, rate: 0, count: 0, batch_size: 1000, body_bytes: $body}
exporters:
  out:
    type: http
    endpoint: http://127.0.0.1:$sport/ingest
    buffer: {type: memory, max_size: 16MiB, when_full: block}
pipelines:
  logs: {sources: [demo], exporters: [out]}
YAML
"$bin/outrider" run --config "$work/down.yaml" 2>"$work/down.log" &
apid=$!
sleep "$down"
rss1=$(awk '/VmRSS/{print $2}' "/proc/$apid/status")
buffered=$(curl -sf "127.0.0.1:$aport/metrics" | awk '/^outrider_buffer_bytes/{print $2}')
echo "RSS idle agent: $((rss0/1024)) MiB; after $down s with the backend down: $((rss1/1024)) MiB (growth $(((rss1-rss0)/1024)) MiB); buffer holds $buffered bytes of 16777216"
kill -TERM "$apid"; wait "$apid" 2>/dev/null || true
