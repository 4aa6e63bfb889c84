import OTLP
// The libFuzzer build (scripts/fuzz-trace-reader.sh) compiles this file into one module
// with the receiver's decoding sources.
#if !OUTRIDER_LIBFUZZER_TRACE_READER
@testable import Receivers
#endif
import SwiftProtobuf
import Telemetry

/// The direct protobuf reader (`OTLPSpans.batches(fromProtobuf:)`) against what it replaced:
/// swift-protobuf's parse with the receiver's options, then `OTLPSpans.batches(from:)`.
/// For any bytes the two must give the same batches and partial success, or refuse with the
/// same reason.
enum ReaderEquivalence {
    enum Outcome: CustomStringConvertible {
        case decoded(OTLPDecoded)
        /// The receiver's words for the error (`OTLPRequestDecoder.reason`).
        case refused(String)

        var description: String {
            switch self {
            case .decoded(let decoded):
                "decoded \(decoded.batches.map(\.eventCount).reduce(0, +)) spans in \(decoded.batches.count) batches, "
                    + "\(decoded.partialSuccess.rejected) rejected"
            case .refused(let reason): "refused: \(reason)"
            }
        }
    }

    static func reference(_ bytes: [UInt8]) -> Outcome {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = OTLPRequestDecoder.messageDepthLimit
        options.discardUnknownFields = true
        do {
            return .decoded(OTLPSpans.batches(from: try OTLPTraceRequest(serializedBytes: bytes, options: options)))
        } catch {
            return .refused(OTLPRequestDecoder.reason(error))
        }
    }

    static func direct(_ bytes: [UInt8]) -> Outcome {
        do {
            return .decoded(try OTLPSpans.batches(fromProtobuf: bytes, messageDepthLimit: OTLPRequestDecoder.messageDepthLimit))
        } catch {
            return .refused(OTLPRequestDecoder.reason(error))
        }
    }

    /// Nil when both agree; else what each said.
    static func difference(_ bytes: [UInt8]) -> String? {
        let (expected, actual) = (reference(bytes), direct(bytes))
        return same(expected, actual) ? nil : "swift-protobuf \(expected), direct reader \(actual)"
    }

    static func same(_ lhs: Outcome, _ rhs: Outcome) -> Bool {
        switch (lhs, rhs) {
        case (.refused(let left), .refused(let right)): left == right
        case (.decoded(let left), .decoded(let right)): same(left, right)
        default: false
        }
    }

    /// Equal as values (with NaNs made comparable) and as the bytes they encode to (which
    /// tells apart what `==` does not: +0 and -0, NaN payloads, strings equal only under
    /// Unicode canonical equivalence).
    static func same(_ lhs: OTLPDecoded, _ rhs: OTLPDecoded) -> Bool {
        guard comparable(lhs) == comparable(rhs) else { return false }
        return (try? encode(lhs)) == (try? encode(rhs))
    }

    static func encode(_ decoded: OTLPDecoded) throws -> [UInt8] {
        try OTLPSpans.request(decoded.batches).serializedBytes()
    }

    /// NaN is not equal to itself; bits are compared through `encode`.
    static func comparable(_ decoded: OTLPDecoded) -> OTLPDecoded {
        var decoded = decoded
        for index in decoded.batches.indices {
            decoded.batches[index].resource.attributes.updateValues(settleNaN)
            guard case .spans(var spans) = decoded.batches[index].payload else { continue }
            for spanIndex in spans.indices {
                spans[spanIndex].attributes.updateValues(settleNaN)
                spans[spanIndex].scope.attributes.updateValues(settleNaN)
                for event in spans[spanIndex].events.indices { spans[spanIndex].events[event].attributes.updateValues(settleNaN) }
                for link in spans[spanIndex].links.indices { spans[spanIndex].links[link].attributes.updateValues(settleNaN) }
            }
            decoded.batches[index].payload = .spans(spans)
        }
        return decoded
    }

    static func settleNaN(_ key: String, _ value: inout AttributeValue) {
        switch value {
        case .double(let number) where number.isNaN: value = .double(.infinity)
        case .array(var values):
            for index in values.indices { settleNaN(key, &values[index]) }
            value = .array(values)
        case .map(var nested):
            nested.updateValues(settleNaN)
            value = .map(nested)
        default: break
        }
    }
}

/// Protobuf bytes written by hand, for cases the generated code would never write: fields
/// repeated, out of order, with the wrong wire type, non-minimal varints, groups.
enum Wire {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }

    static func tag(_ field: Int, _ wireType: UInt8) -> [UInt8] { varint(UInt64(field) << 3 | UInt64(wireType)) }
    static func varint(_ field: Int, _ value: UInt64) -> [UInt8] { tag(field, 0) + varint(value) }
    static func fixed64(_ field: Int, _ value: UInt64) -> [UInt8] { tag(field, 1) + withUnsafeBytes(of: value.littleEndian, Array.init) }
    static func fixed32(_ field: Int, _ value: UInt32) -> [UInt8] { tag(field, 5) + withUnsafeBytes(of: value.littleEndian, Array.init) }
    static func bytes(_ field: Int, _ body: [UInt8]) -> [UInt8] { tag(field, 2) + varint(UInt64(body.count)) + body }
    static func string(_ field: Int, _ text: String) -> [UInt8] { bytes(field, Array(text.utf8)) }
    static func group(_ field: Int, _ body: [UInt8]) -> [UInt8] { tag(field, 3) + body + tag(field, 4) }

    /// A request of one resource, one scope and these spans (each a span's field bytes).
    static func request(spans: [[UInt8]], resource: [UInt8] = [], scope: [UInt8] = []) -> [UInt8] {
        var scopeSpans = scope.isEmpty ? [] : bytes(1, scope)
        for span in spans { scopeSpans += bytes(2, span) }
        let resourceSpans = (resource.isEmpty ? [] : bytes(1, resource)) + bytes(2, scopeSpans)
        return bytes(1, resourceSpans)
    }

    static let traceID: [UInt8] = Array(1...16)
    static let spanID: [UInt8] = Array(17...24)

    /// A span's fields: valid ids, a name, and `more`.
    static func span(_ name: String = "op", _ more: [UInt8] = []) -> [UInt8] {
        bytes(1, traceID) + bytes(2, spanID) + string(5, name) + more
    }

    static func keyValue(_ key: String, _ anyValue: [UInt8]) -> [UInt8] { string(1, key) + bytes(2, anyValue) }
}
