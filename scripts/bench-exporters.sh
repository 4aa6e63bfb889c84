#!/usr/bin/env bash
# Exporter throughput (issue 6): every exporter's encoder and the shared HTTP sender send
# ITEMS log records / metric points / spans in batches of 1 000, four requests in flight, to
# outrider-sink on 127.0.0.1. Prints items/s, MB/s on the wire and CPU seconds per million
# items (encoding alone, and encoding + sending) of the sending process, then the sink's CPU.
# usage: scripts/bench-exporters.sh [items]
set -euo pipefail
cd "$(dirname "$0")/.."
items="${1:-1000000}"
source scripts/bench-common.sh
swift build -c release --static-swift-stdlib --product outrider-bench | tail -1

port=$(free_port)
"$bin/outrider-sink" --port "$port" --print-every 0 >"$work/sink.json" 2>&1 &
sink=$!
sleep 0.5
echo "items per exporter: $items (batches of 1000); machine: $(nproc) cores"
"$bin/outrider-bench" export "$port" "$items"
echo "sink CPU for all cases: $(awk '{print ($14+$15)/'"$hz"'}' /proc/$sink/stat) s"
