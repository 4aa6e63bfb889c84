#!/usr/bin/env bash
# Re-encodes every *.txtpb here into the *.binpb protobuf request body next to it, with
# protoc (Debian's protobuf-compiler) — an encoder independent of swift-protobuf, so the
# JSON-equals-protobuf tests compare two implementations. The OTLP descriptor set is the
# one scripts/generate-protos.sh builds (WORK_DIR, default /tmp/outrider-protogen).
set -euo pipefail
cd "$(dirname "$0")"
descriptors="${WORK_DIR:-${TMPDIR:-/tmp}/outrider-protogen}/otlp.pb"
[ -f "$descriptors" ] || { echo "no $descriptors: run scripts/generate-protos.sh first" >&2; exit 1; }
for text in *.txtpb; do
  message=$(sed -n 's/^# proto-message: //p' "$text")
  case "$message" in
    *.trace.v1.*) file=opentelemetry/proto/collector/trace/v1/trace_service.proto ;;
    *.logs.v1.*) file=opentelemetry/proto/collector/logs/v1/logs_service.proto ;;
    *.metrics.v1.*) file=opentelemetry/proto/collector/metrics/v1/metrics_service.proto ;;
    *) echo "$text: no '# proto-message:' line" >&2; exit 1 ;;
  esac
  protoc --descriptor_set_in="$descriptors" --encode="$message" "$file" < "$text" > "${text%.txtpb}.binpb"
done
