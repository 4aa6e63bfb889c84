#!/usr/bin/env bash
# libFuzzer on the OTLP/HTTP request decoder (protobuf, OTLP/JSON, gzip): builds
# Tests/ReceiversTests/Fuzz/FuzzOTLPDecoder.swift with the Receivers/Decoding sources and
# the modules they use (Telemetry, OTLP, SwiftProtobuf from .build/checkouts), all with
# -sanitize=fuzzer,address, then runs it for each signal, seeded with
# Tests/ReceiversTests/Fixtures/corpus.
#
#   scripts/fuzz-otlp.sh [seconds per signal, default 60] [signal ...]
#
# Each input is decoded as protobuf and as OTLP/JSON (and as gzip when it starts like
# gzip); a crash, a refusal other than 400/413, or batches that do not re-encode to the
# same request stop the run. Inputs libFuzzer adds go to $FUZZ_DIR/corpus-<signal> (not
# the repository); crashes to $FUZZ_DIR/crash-*. Copy a crasher into Fixtures/corpus as
# <signal>-crash-<what>.<json|binpb> once it is fixed, so the seeded fuzz test
# (DecoderFuzzTests) keeps it.
# Needs `swift build` to have resolved the packages (.build/checkouts); the build part is
# scripts/fuzz-common.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
signals=("$@")
[ ${#signals[@]} -gt 0 ] || signals=(traces logs metrics)
work="${FUZZ_DIR:-${TMPDIR:-/tmp}/outrider-fuzz}"
source scripts/fuzz-common.sh
fuzz_harness OUTRIDER_LIBFUZZER FuzzOTLP "$work/fuzz-otlp" Tests/ReceiversTests/Fuzz/FuzzOTLPDecoder.swift

for signal in "${signals[@]}"; do
  seeds="$work/seeds-$signal"
  rm -rf "$seeds" && mkdir -p "$seeds" "$work/corpus-$signal"
  cp Tests/ReceiversTests/Fixtures/corpus/"$signal"-* "$seeds"/
  # gzip copies, so the inflate path starts from valid streams too (the harness also
  # decodes any input starting with the gzip magic as gzip).
  for file in "$seeds"/*; do gzip -9c "$file" > "$file.gz"; done
  echo "== $signal: ${seconds}s" >&2
  OUTRIDER_FUZZ_SIGNAL=$signal "$work/fuzz-otlp" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus-$signal" "$seeds"
done
