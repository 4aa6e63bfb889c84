#!/usr/bin/env bash
# OTLP receiver throughput (issue 7): an SDK-like load generator (outrider-bench otlp-load)
# POSTs protobuf ExportTraceServiceRequests of 512 spans to the agent's `otlp` source; the
# agent's traces pipeline forwards them through `otlp_http` (memory buffer, when_full: block)
# to outrider-sink. The agent is pinned to one core (taskset -c 0), the load generator and
# the sink to the other, so the figures are the agent's on one core.
#   1. max load: closed loop, CONCURRENCY requests in flight for SECONDS; spans/s counted
#      from the first request until the exporter has delivered every accepted span to the
#      sink; agent CPU seconds per million spans over the same window.
#   2. half of that load, open loop (fixed schedule): request latency p50/p90/p99/max.
# usage: scripts/bench-receiver.sh [seconds] [concurrency] [processors]
#   processors: a YAML list for the traces pipeline, e.g. "[head_sampling]" (default: none)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
concurrency="${2:-8}"
processors="${3:-[]}"
source scripts/bench-common.sh
swift build -c release --static-swift-stdlib --product outrider-bench | tail -1
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed to pin the agent to one core" >&2; exit 1; }

sport=$(free_port); aport=$(free_port); rport=$(free_port)
taskset -c 1 "$bin/outrider-sink" --port "$sport" --print-every 0 >"$work/sink.json" 2>&1 &
sink=$!
cat >"$work/agent.yaml" <<YAML
log: {level: warn}
server: {listen: "127.0.0.1:$aport", shutdown_timeout: 30s}
sources:
  app: {type: otlp, listen: "127.0.0.1:$rport", max_body_bytes: 8MiB}
processors:
  head_sampling: {type: sample, ratio: 10%}
exporters:
  collector:
    type: otlp_http
    endpoint: http://127.0.0.1:$sport
    batch: {max_events: 2048, max_bytes: 4MiB, max_wait: 200ms}
    concurrency: 4
    buffer: {type: memory, max_size: 64MiB, when_full: block}
pipelines:
  traces: {sources: [app], processors: $processors, exporters: [collector]}
YAML
taskset -c 0 "$bin/outrider" run --config "$work/agent.yaml" 2>"$work/agent.log" &
agent=$!
for _ in $(seq 200); do curl -sf "127.0.0.1:$aport/readyz" >/dev/null 2>&1 && break; sleep 0.05; done

metric() { curl -sf "127.0.0.1:$aport/metrics" | awk -v name="$1" '$1 ~ "^"name {sum += $2} END {printf "%d", sum}'; }
agent_cpu() { awk -v hz="$hz" '{print ($14+$15)/hz}' "/proc/$agent/stat"; }

echo "machine: $(nproc) cores; agent pinned to cpu 0; ${seconds}s per phase; $concurrency requests in flight; processors: $processors"
cpu0=$(agent_cpu); sent0=$(metric outrider_exporter_sent_events_total); t0=$(date +%s.%N)
max=$(taskset -c 1 "$bin/outrider-bench" otlp-load "$rport" "$seconds" "$concurrency")
accepted=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["spans_accepted"])' "$max")
# Delivered: everything accepted (bar what the pipeline's processors dropped) has left the
# buffer once the exporter's sent + the processor's drops reach the accepted count.
for _ in $(seq 1200); do
  sent=$(( $(metric outrider_exporter_sent_events_total) - sent0 ))
  dropped=$(metric 'outrider_traces_sampled_total\{.*decision="not_sampled"')
  [ $(( sent + dropped )) -ge "$accepted" ] && break
  sleep 0.05
done
t1=$(date +%s.%N); cpu1=$(agent_cpu)
python3 - "$max" "$t0" "$t1" "$cpu0" "$cpu1" "$sent" <<'PY'
import json, sys
load = json.loads(sys.argv[1]); t0, t1, c0, c1 = map(float, sys.argv[2:6]); sent = int(sys.argv[6])
wall = t1 - t0; spans = load["spans_accepted"]; cpu = c1 - c0
print(f"max load: {spans:,} spans accepted in {load['requests_ok']:,} requests "
      f"({load['requests_refused']} answered 503/429, {load['requests_failed']} failed), {sent:,} delivered to the sink")
print(f"  {spans / wall:,.0f} spans/s through to the sink ({wall:.2f} s wall), agent CPU {cpu:.2f} s "
      f"= {cpu / spans * 1e6:.2f} CPU-s per million spans ({cpu / wall * 100:.0f}% of one core)")
print(f"  latency under max load: p50 {load['p50_ms']} ms, p99 {load['p99_ms']} ms")
PY
rate=$(python3 -c 'import json,sys; l=json.loads(sys.argv[1]); print(l["requests_ok"]/l["wall_s"]/2)' "$max")
half=$(taskset -c 1 "$bin/outrider-bench" otlp-load "$rport" "$seconds" "$concurrency" "$rate")
python3 - "$half" "$rate" <<'PY'
import json, sys
load = json.loads(sys.argv[1]); rate = float(sys.argv[2])
print(f"half load: {rate:.1f} requests/s = {rate * 512:,.0f} spans/s open loop; {load['requests_ok']} ok, "
      f"{load['requests_refused']} refused, {load['requests_failed']} failed")
print(f"  latency: p50 {load['p50_ms']} ms, p90 {load['p90_ms']} ms, p99 {load['p99_ms']} ms, max {load['max_ms']} ms")
PY
echo "agent peak RSS: $(awk '/VmHWM/{print $2/1024}' /proc/$agent/status) MiB; sink CPU: $(awk -v hz="$hz" '{print ($14+$15)/hz}' /proc/$sink/stat) s"
kill -TERM "$agent"; wait "$agent" || true
