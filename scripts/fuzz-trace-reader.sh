#!/usr/bin/env bash
# libFuzzer on the direct protobuf trace reader: every input is read by
# OTLPSpans.batches(fromProtobuf:) and by swift-protobuf + OTLPSpans.batches(from:), and the
# two must give the same batches and partial success or the same refusal
# (Tests/ReceiversTests/Fuzz/FuzzTraceReader.swift, Tests/ReceiversTests/ReaderEquivalence.swift).
# Built as scripts/fuzz-otlp.sh builds its harness, seeded with the protobuf trace fixtures.
#
#   scripts/fuzz-trace-reader.sh [seconds, default 60]
#
# Inputs libFuzzer adds go to $FUZZ_DIR/corpus-trace-reader; a disagreement or crash to
# $FUZZ_DIR/crash-*. Once fixed, copy it into Tests/ReceiversTests/Fixtures/corpus as
# traces-crash-<what>.binpb, so the seeded tests keep it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds="${1:-60}"
work="${FUZZ_DIR:-${TMPDIR:-/tmp}/outrider-fuzz-reader}"
mkdir -p "$work/modules"
protobuf="$root/.build/checkouts/swift-protobuf/Sources/SwiftProtobuf"
[ -d "$protobuf" ] || { echo "no $protobuf: run swift build first" >&2; exit 1; }

flags=(-O -swift-version 6 -sanitize=fuzzer,address -parse-as-library -I "$work/modules" -use-ld=lld)
module() {  # name, sources...
  local name=$1; shift
  swiftc "${flags[@]}" -module-name "$name" -package-name "$name" -enable-upcoming-feature ExistentialAny -emit-module -emit-module-path "$work/modules/$name.swiftmodule" \
    -emit-library -static -o "$work/lib$name.a" "$@"
}
echo "building (about 3 minutes the first time)..." >&2
[ "$work/libSwiftProtobuf.a" -nt "$protobuf/Message.swift" ] || module SwiftProtobuf "$protobuf"/*.swift
module Telemetry $(find Sources/Telemetry -name '*.swift')
module OTLP $(find Sources/OTLP -name '*.swift')
swiftc "${flags[@]}" -D OUTRIDER_LIBFUZZER_TRACE_READER -module-name FuzzTraceReader \
  -Xcc -fmodule-map-file="$root/Sources/CZlib/module.modulemap" \
  Sources/Receivers/Decoding/*.swift Tests/ReceiversTests/ReaderEquivalence.swift Tests/ReceiversTests/Fuzz/FuzzTraceReader.swift \
  -L "$work" -lOTLP -lTelemetry -lSwiftProtobuf -lz -o "$work/fuzz-trace-reader"

seeds="$work/seeds"
rm -rf "$seeds" && mkdir -p "$seeds" "$work/corpus-trace-reader"
cp Tests/ReceiversTests/Fixtures/corpus/traces-*.binpb Tests/ReceiversTests/Fixtures/requests/*trace*.binpb "$seeds"/
"$work/fuzz-trace-reader" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus-trace-reader" "$seeds"
