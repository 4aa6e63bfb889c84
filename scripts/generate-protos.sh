#!/usr/bin/env bash
# Regenerates the committed Swift protobuf code. Not part of the build or CI: run it when
# the OTLP or remote_write definitions change, and commit what it writes.
#
#   Sources/OTLP/Generated/        OTLP common/resource/logs/metrics/trace + the three
#                                  collector service requests/responses (public types)
#   Sources/Exporters/PrometheusRemoteWrite/Generated/
#                                  remote_write 1.0 WriteRequest (internal types)
#
# OTLP definitions come from PyPI's `opentelemetry-proto` (OTLP_PROTO_VERSION): its
# `*_pb2.py` modules embed each .proto's serialized FileDescriptorProto, which are
# collected into one FileDescriptorSet for `protoc --descriptor_set_in`. The remote_write
# messages are in proto/prometheus/remote.proto (a transcription of prometheus/prompb's
# field numbers without gogoproto options). protoc comes from Debian
# (protobuf-compiler); protoc-gen-swift is built from the swift-protobuf version that
# Package.swift resolves, so generated code and runtime always match.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

OTLP_PROTO_VERSION="${OTLP_PROTO_VERSION:-1.45.2}"
SWIFT_PROTOBUF_VERSION="${SWIFT_PROTOBUF_VERSION:-1.39.0}"
work="${WORK_DIR:-${TMPDIR:-/tmp}/outrider-protogen}"
mkdir -p "$work"

dpkg -s protobuf-compiler >/dev/null 2>&1 || {
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends protobuf-compiler
}

# protoc-gen-swift, from the swift-protobuf package at the version we depend on.
plugin="$work/swift-protobuf-$SWIFT_PROTOBUF_VERSION/.build/release/protoc-gen-swift"
if [ ! -x "$plugin" ]; then
  rm -rf "$work/swift-protobuf-$SWIFT_PROTOBUF_VERSION"
  git clone -q --depth 1 --branch "$SWIFT_PROTOBUF_VERSION" https://github.com/apple/swift-protobuf.git \
    "$work/swift-protobuf-$SWIFT_PROTOBUF_VERSION"
  swift build -c release --package-path "$work/swift-protobuf-$SWIFT_PROTOBUF_VERSION" --product protoc-gen-swift
fi

# The OTLP descriptors, from the opentelemetry-proto wheel (pure Python, no install).
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "opentelemetry-proto==$OTLP_PROTO_VERSION"
"$work/venv/bin/python" - "$work/otlp.pb" <<'PY'
import importlib, sys
from google.protobuf import descriptor_pb2
modules = [
    "opentelemetry.proto.common.v1.common_pb2",
    "opentelemetry.proto.resource.v1.resource_pb2",
    "opentelemetry.proto.logs.v1.logs_pb2",
    "opentelemetry.proto.metrics.v1.metrics_pb2",
    "opentelemetry.proto.trace.v1.trace_pb2",
    "opentelemetry.proto.collector.logs.v1.logs_service_pb2",
    "opentelemetry.proto.collector.metrics.v1.metrics_service_pb2",
    "opentelemetry.proto.collector.trace.v1.trace_service_pb2",
]
files = descriptor_pb2.FileDescriptorSet()
for name in modules:
    proto = descriptor_pb2.FileDescriptorProto()
    importlib.import_module(name).DESCRIPTOR.CopyToProto(proto)
    files.file.append(proto)
open(sys.argv[1], "wb").write(files.SerializeToString())
PY

otlp_out="$root/Sources/OTLP/Generated"
rm -rf "$otlp_out" && mkdir -p "$otlp_out"
protoc --plugin=protoc-gen-swift="$plugin" --descriptor_set_in="$work/otlp.pb" \
  --swift_out="$otlp_out" --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
  opentelemetry/proto/common/v1/common.proto \
  opentelemetry/proto/resource/v1/resource.proto \
  opentelemetry/proto/logs/v1/logs.proto \
  opentelemetry/proto/metrics/v1/metrics.proto \
  opentelemetry/proto/trace/v1/trace.proto \
  opentelemetry/proto/collector/logs/v1/logs_service.proto \
  opentelemetry/proto/collector/metrics/v1/metrics_service.proto \
  opentelemetry/proto/collector/trace/v1/trace_service.proto

rw_out="$root/Sources/Exporters/PrometheusRemoteWrite/Generated"
rm -rf "$rw_out" && mkdir -p "$rw_out"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$root/proto" \
  --swift_out="$rw_out" --swift_opt=Visibility=Internal --swift_opt=FileNaming=PathToUnderscores \
  prometheus/remote.proto

echo "generated: $(ls "$otlp_out" "$rw_out" | grep -c '\.pb\.swift$') files" >&2
