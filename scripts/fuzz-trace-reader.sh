#!/usr/bin/env bash
# libFuzzer on the direct protobuf trace reader: every input is read by
# OTLPSpans.batches(fromProtobuf:) and by swift-protobuf + OTLPSpans.batches(from:), and the
# two must give the same batches and partial success or the same refusal
# (Tests/ReceiversTests/Fuzz/FuzzTraceReader.swift, Tests/ReceiversTests/ReaderEquivalence.swift).
# Built by scripts/fuzz-common.sh, as scripts/fuzz-otlp.sh's harness is, and seeded with the
# protobuf trace fixtures.
#
#   scripts/fuzz-trace-reader.sh [seconds, default 60]
#
# Inputs libFuzzer adds go to $FUZZ_DIR/corpus-trace-reader; a disagreement or crash to
# $FUZZ_DIR/crash-*. Once fixed, copy it into Tests/ReceiversTests/Fixtures/corpus as
# traces-crash-<what>.binpb, so the seeded tests keep it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
work="${FUZZ_DIR:-${TMPDIR:-/tmp}/outrider-fuzz-reader}"
source scripts/fuzz-common.sh
fuzz_harness OUTRIDER_LIBFUZZER_TRACE_READER FuzzTraceReader "$work/fuzz-trace-reader" \
  Tests/ReceiversTests/ReaderEquivalence.swift Tests/ReceiversTests/Fuzz/FuzzTraceReader.swift

seeds="$work/seeds"
rm -rf "$seeds" && mkdir -p "$seeds" "$work/corpus-trace-reader"
cp Tests/ReceiversTests/Fixtures/corpus/traces-*.binpb Tests/ReceiversTests/Fixtures/requests/*trace*.binpb "$seeds"/
"$work/fuzz-trace-reader" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus-trace-reader" "$seeds"
