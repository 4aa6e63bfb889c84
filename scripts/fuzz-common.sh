# Sourced by the fuzz-*.sh scripts once they have set $work: builds SwiftProtobuf (from
# .build/checkouts, only when it changed), Telemetry and OTLP as static libraries with
# -sanitize=fuzzer,address into $work, and defines fuzz_harness, which links a harness with
# the Receivers/Decoding sources against them.
# Needs `swift build` to have resolved the packages (.build/checkouts).
root=$(pwd)
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

fuzz_harness() {  # -D condition, module name, executable, harness sources...
  local condition=$1 name=$2 executable=$3; shift 3
  swiftc "${flags[@]}" -D "$condition" -module-name "$name" \
    -Xcc -fmodule-map-file="$root/Sources/CZlib/module.modulemap" \
    Sources/Receivers/Decoding/*.swift "$@" \
    -L "$work" -lOTLP -lTelemetry -lSwiftProtobuf -lz -o "$executable"
}
