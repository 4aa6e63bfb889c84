import Glibc
import NIOCore
import OTLP
import SwiftProtobuf
import Telemetry

/// `outrider-bench decode N`: the OTLP receiver's protobuf trace decoding alone, the request
/// `otlp-load` sends (512 server spans, six attributes each) decoded N times each way:
/// swift-protobuf's message tree then `OTLPSpans.batches(from:)` (what the receiver did), and
/// the direct reader `OTLPSpans.batches(fromProtobuf:)` (what it does). The two alternate in
/// rounds, so that a noisy neighbour costs both alike. Prints one JSON line: CPU seconds per
/// million spans for each, and the ratio.
func decodeBenchmark(iterations: Int) {
    let body = Array(buffer: SpanLoad.body(seed: 0))
    var options = BinaryDecodingOptions()
    options.messageDepthLimit = 100
    options.discardUnknownFields = true
    let messageTree = {
        OTLPSpans.batches(from: try OTLPTraceRequest(serializedBytes: body, options: options))
    }
    let direct = { try OTLPSpans.batches(fromProtobuf: body, messageDepthLimit: 100) }
    do {
        // Both read the same spans, or the comparison means nothing.
        let (expected, actual) = (try messageTree(), try direct())
        guard expected == actual, actual.batches.map(\.eventCount).reduce(0, +) == SpanLoad.spansPerRequest else {
            print("the two decoders disagree on the benchmark request")
            exit(1)
        }
        let rounds = 10
        var seconds = (messageTree: 0.0, direct: 0.0)
        for _ in 0..<rounds {
            seconds.messageTree += try cpuSeconds(iterations / rounds, messageTree)
            seconds.direct += try cpuSeconds(iterations / rounds, direct)
        }
        let spans = Double(iterations / rounds * rounds * SpanLoad.spansPerRequest)
        let perMillion = (messageTree: seconds.messageTree / spans * 1e6, direct: seconds.direct / spans * 1e6)
        let fields = [
            "\"requests\":\(iterations / rounds * rounds)", "\"spans_per_request\":\(SpanLoad.spansPerRequest)",
            "\"body_bytes\":\(body.count)", "\"swift_protobuf_cpu_s_per_million_spans\":\(rounded(perMillion.messageTree))",
            "\"direct_cpu_s_per_million_spans\":\(rounded(perMillion.direct))",
            "\"speedup\":\(rounded(perMillion.messageTree / perMillion.direct))",
        ]
        print("{" + fields.joined(separator: ",") + "}")
    } catch {
        print("decoding the benchmark request failed: \(error)")
        exit(1)
    }
}

/// CPU seconds of `count` calls.
private func cpuSeconds(_ count: Int, _ decode: () throws -> OTLPDecoded) rethrows -> Double {
    let start = ownCPUSeconds()
    var spans = 0
    for _ in 0..<count { spans &+= try decode().batches.count }
    let elapsed = ownCPUSeconds() - start
    // Keeps the result alive, so the optimizer cannot drop the work.
    if spans == -1 { print(spans) }
    return elapsed
}

private func rounded(_ value: Double) -> String {
    String(Double((value * 1000).rounded()) / 1000)
}
