// The libFuzzer entry point for the OTLP request decoder, built by scripts/fuzz-otlp.sh
// (swiftc -sanitize=fuzzer,address, with -D OUTRIDER_LIBFUZZER) together with the
// Receivers/Decoding sources. In the ReceiversTests target, where SwiftPM also compiles
// it, the condition is unset and the file is empty.
#if OUTRIDER_LIBFUZZER
import Glibc
import OTLP
import SwiftProtobuf
import Telemetry

/// The signal whose decoder is fuzzed, from `OUTRIDER_FUZZ_SIGNAL` (traces, logs, metrics).
let fuzzedSignal: Signal = {
    guard let name = getenv("OUTRIDER_FUZZ_SIGNAL"), let signal = Signal(rawValue: String(cString: name)) else {
        fatalError("set OUTRIDER_FUZZ_SIGNAL to traces, logs or metrics")
    }
    return signal
}()

/// Each input goes through both parsers, and also as gzip when it looks like gzip: every
/// body must give batches or a 400/413, and batches must re-encode to the same request.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOTLPDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    var runs: [(OTLPContentType, String?)] = [(.protobuf, nil), (.json, nil)]
    if body.starts(with: [0x1F, 0x8B]) { runs += [(.protobuf, "gzip"), (.json, "gzip")] }
    for (contentType, encoding) in runs {
        do {
            let decoded = try OTLPRequestDecoder.decode(
                body, signal: fuzzedSignal, contentType: contentType, contentEncoding: encoding, maxBodyBytes: 1 << 20,
                receivedAt: Timestamp(nanosecondsSinceEpoch: 1))
            checkReencodes(decoded)
        } catch {
            guard error.status == 400 || error.status == 413 else { fatalError("unexpected refusal \(error)") }
        }
    }
    return 0
}

func checkReencodes(_ decoded: OTLPDecoded) {
    do {
        let first = try encode(decoded.batches)
        let again = try OTLPRequestDecoder.decode(
            first, signal: fuzzedSignal, contentType: .protobuf, contentEncoding: nil, maxBodyBytes: Int.max,
            receivedAt: Timestamp(nanosecondsSinceEpoch: 1))
        guard again.partialSuccess.rejected == 0 else { fatalError("re-decoding rejected: \(again.partialSuccess.errorMessage)") }
        guard try encode(again.batches) == first else { fatalError("re-encoding is not stable") }
    } catch {
        fatalError("re-encoding failed: \(error)")
    }
}

func encode(_ batches: [TelemetryBatch]) throws -> [UInt8] {
    switch fuzzedSignal {
    case .traces: try OTLPSpans.request(batches).serializedBytes()
    case .logs: try OTLPLogs.request(batches).serializedBytes()
    case .metrics: try OTLPMetrics.request(batches).serializedBytes()
    }
}
#endif
