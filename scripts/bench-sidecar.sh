#!/usr/bin/env bash
# What the sidecar needs, for the requests and limits in manifests/base/deployment.yaml:
# the real sidecar config (manifests/base/sidecar.yaml) with its paths moved under a temp dir
# and its three backends pointed at outrider-sink, idle and then under a steady load of
# OTLP spans (protobuf, batches of 512) plus JSON log lines appended to a tailed file.
#   scripts/bench-sidecar.sh [seconds per phase] [spans/s] [log lines/s]
# Prints the agent's CPU (share of one core) and resident memory (steady and peak).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
spans="${2:-20000}"
lines="${3:-5000}"
source scripts/bench-common.sh
swift build -c release --static-swift-stdlib --product outrider-bench | tail -1

sport=$(free_port); aport=$(free_port); rport=$(free_port)
"$bin/outrider-sink" --port "$sport" --print-every 0 >"$work/sink.json" 2>&1 &
mkdir -p "$work/logs" "$work/state" "$work/secrets"
for token in otlp-token remote-write-token loki-token; do echo "bench-token" >"$work/secrets/$token"; done
sed -e "s#/var/lib/outrider#$work/state#g" -e "s#/var/log/app#$work/logs#g" -e "s#/etc/outrider/secrets#$work/secrets#g" \
  -e "s#listen: 0.0.0.0:8686#listen: 127.0.0.1:$aport#" -e "s#listen: 127.0.0.1:4318#listen: 127.0.0.1:$rport#" \
  manifests/base/sidecar.yaml >"$work/sidecar.yaml"
SERVICE_NAME=checkout POD_NAME=checkout-0 POD_NAMESPACE=bench NODE_NAME=$(hostname) APP_PROCESS_NAME=outrider-sink \
OTLP_ENDPOINT="http://127.0.0.1:$sport" REMOTE_WRITE_URL="http://127.0.0.1:$sport/api/v1/write" \
LOKI_URL="http://127.0.0.1:$sport/loki/api/v1/push" OUTRIDER_LOG_LEVEL=warn \
  "$bin/outrider" run --config "$work/sidecar.yaml" 2>"$work/agent.log" &
agent=$!
for _ in $(seq 200); do curl -sf "127.0.0.1:$aport/readyz" >/dev/null 2>&1 && break; sleep 0.05; done
curl -sf "127.0.0.1:$aport/readyz" >/dev/null || { cat "$work/agent.log"; exit 1; }

cpu() { awk -v hz="$hz" '{print ($14+$15)/hz}' "/proc/$agent/stat"; }
rss() { awk '/^VmRSS/ {print $2 / 1024}' "/proc/$agent/status"; }
peak() { awk '/^VmHWM/ {print $2 / 1024}' "/proc/$agent/status"; }
report() {  # name cpu0 t0
  python3 -c 'import sys; n,c0,c1,t0,t1,r,p=sys.argv[1:]; c0,c1,t0,t1=map(float,(c0,c1,t0,t1));
print(f"{n}: CPU {(c1-c0)/(t1-t0)*100:.1f}% of one core, RSS {float(r):.1f} MiB, peak RSS {float(p):.1f} MiB")' \
    "$1" "$2" "$(cpu)" "$3" "$(date +%s.%N)" "$(rss)" "$(peak)"
}

sleep 5
c0=$(cpu); t0=$(date +%s.%N); sleep "$seconds"; report "idle (${seconds}s)" "$c0" "$t0"

python3 - "$work/logs/app.log" "$lines" "$seconds" <<'PY' &
import json, sys, time
path, rate, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
start = time.monotonic(); n = 0
with open(path, "a", buffering=1 << 16) as out:
    while time.monotonic() - start < seconds:
        due = int((time.monotonic() - start) * rate)
        while n < due:
            out.write(json.dumps({"timestamp": time.time(), "level": "info", "message": f"GET /api/orders/{n} 200",
                                  "trace_id": f"{n:032x}", "correlation_id": f"req-{n}", "user_id": n % 977}) + "\n")
            n += 1
        out.flush(); time.sleep(0.01)
PY
writer=$!
c0=$(cpu); t0=$(date +%s.%N)
load=$("$bin/outrider-bench" otlp-load "$rport" "$seconds" 4 "$(python3 -c "print($spans / 512)")")
wait "$writer"
report "load: $spans spans/s + $lines log lines/s (${seconds}s)" "$c0" "$t0"
echo "  otlp-load: $load"
sleep 5
c0=$(cpu); t0=$(date +%s.%N); sleep 10; report "after the load (10s)" "$c0" "$t0"
curl -sf "127.0.0.1:$aport/metrics" | grep -E '^outrider_(exporter_sent_events_total|buffer_dropped_total|file_logs_records_total)' | grep -v ' 0$' || true
