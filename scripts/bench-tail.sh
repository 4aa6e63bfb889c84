#!/usr/bin/env bash
# Log tailing benchmark (issue 5): a file_logs source reads a 1 GiB file of ~186-byte JSON
# lines (../shared/bench/genlog.py, deterministic; page cache warmed first) and sends it
#   (a) to a blackhole exporter, format text (framing, UTF-8 check, one record per line),
#   (b) to a blackhole exporter, format json (plus level/timestamp/trace id/message lifted),
#   (c) to the test sink on 127.0.0.1 through the http exporter (json_lines, memory buffer).
# Reports MB/s of raw file, lines/s, agent CPU seconds per GB of file, and peak RSS.
# usage: scripts/bench-tail.sh [file] [buffer-size]
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-/tmp/outrider-bench/genlog-1GiB.jsonl}"
buffer="${2:-32MiB}"
if [ ! -s "$file" ]; then
  mkdir -p "$(dirname "$file")"
  python3 ../shared/bench/genlog.py "$file" 1073741824
fi
source scripts/bench-common.sh
size=$(stat -c %s "$file")
lines=$(wc -l <"$file")
mkdir -p "$work/logs"
ln -s "$(realpath "$file")" "$work/logs/app.log"
cat "$file" >/dev/null  # warm the page cache
echo "== $file: $size bytes, $lines lines, buffer $buffer"

metric() {  # port name -> value (sum over label sets)
  curl -sf "127.0.0.1:$1/metrics" 2>/dev/null | awk -v n="$2" '$1 ~ "^"n"({|$)" {s+=$2} END {printf "%d", s}'
}

run_case() {  # name format exporter-yaml
  local name=$1 format=$2 exporter=$3
  local sport aport spid=""
  sport=$(free_port); aport=$(free_port)
  if [[ "$exporter" == *@SINK@* ]]; then
    "$bin/outrider-sink" --port "$sport" --print-every 0 >"$work/sink-$name.json" 2>&1 &
    spid=$!
    sleep 0.3
  fi
  exporter=${exporter//@SINK@/$sport}
  rm -rf "$work/ckpt"
  cat >"$work/$name.yaml" <<YAML
log: {level: warn}
server: {listen: "127.0.0.1:$aport", shutdown_timeout: 60s}
sources:
  app:
    type: file_logs
    include: [$work/logs/*.log]
    format: $format
    checkpoint_dir: $work/ckpt
exporters:
  out:
$exporter
    batch: {max_events: 2000, max_bytes: 1MiB, max_wait: 200ms}
    buffer: {type: memory, max_size: $buffer}
pipelines:
  logs: {sources: [app], exporters: [out]}
YAML
  local start end sent=0
  start=$(date +%s.%N)
  "$bin/outrider" run --config "$work/$name.yaml" 2>"$work/$name.log" &
  local apid=$!
  for _ in $(seq 30000); do
    sent=$(metric "$aport" outrider_exporter_sent_events_total) || true
    [ "${sent:-0}" -ge "$lines" ] && break
    sleep 0.02
  done
  end=$(date +%s.%N)
  local cpu hwm
  cpu=$(awk -v hz="$hz" '{print ($14+$15)/hz}' "/proc/$apid/stat")
  hwm=$(awk '/VmHWM/{print $2}' "/proc/$apid/status")
  kill -TERM "$apid"; wait "$apid" || true
  if [ -n "$spid" ]; then kill -TERM "$spid"; wait "$spid" || true; fi
  python3 - "$name" "$size" "$lines" "$sent" "$start" "$end" "$cpu" "$hwm" <<'PY'
import sys
name, size, lines, sent = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
start, end, cpu, hwm = float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
wall = end - start
flag = "" if sent >= lines else f"  INCOMPLETE: {sent} of {lines} records"
print(f"{name:>14}: {wall:6.2f} s  {size/wall/1e6:7.1f} MB/s  {lines/wall:12,.0f} lines/s"
      f"  cpu {cpu:6.2f} s = {cpu/(size/1e9):5.2f} cpu-s/GB  peak RSS {hwm/1024:6.1f} MiB{flag}")
PY
}

run_case "blackhole-text" text "    type: blackhole"
run_case "blackhole-json" json "    type: blackhole"
run_case "http-json" json "    type: http
    endpoint: http://127.0.0.1:@SINK@/ingest
    format: json_lines
    concurrency: 4"
