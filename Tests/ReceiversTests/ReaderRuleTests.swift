import OTLP
@testable import Receivers
import Telemetry
import Testing

/// swift-protobuf's rules, one case each, that the direct trace reader must follow: each
/// body is checked against swift-protobuf (same outcome) and for the outcome itself.
@Suite("OTLP protobuf trace reader: swift-protobuf's rules")
struct ReaderRuleTests {
    typealias W = Wire

    /// The outcome both readers agree on; a test failure when they do not.
    static func decode(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> OTLPDecoded {
        #expect(ReaderEquivalence.difference(bytes) == nil, "\(ReaderEquivalence.difference(bytes) ?? "")", sourceLocation: sourceLocation)
        guard case .decoded(let decoded) = ReaderEquivalence.direct(bytes) else {
            Issue.record("refused: \(ReaderEquivalence.direct(bytes))", sourceLocation: sourceLocation)
            throw Refused()
        }
        return decoded
    }

    /// The reason both readers refuse with; nil (and a test failure) when they do not.
    static func refusal(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        #expect(ReaderEquivalence.difference(bytes) == nil, "\(ReaderEquivalence.difference(bytes) ?? "")", sourceLocation: sourceLocation)
        guard case .refused(let reason) = ReaderEquivalence.direct(bytes) else { return nil }
        return reason
    }

    struct Refused: Error {}

    static let truncated = "truncated (a field runs past the end of the body)"
    static let malformed = "invalid wire format"
    static let invalidUTF8 = "a string field is not valid UTF-8"
    static let tooDeep = "messages nested more than 100 deep"

    static func attribute(_ key: String, _ text: String) -> [UInt8] { W.bytes(9, W.keyValue(key, W.string(1, text))) }

    @Test("a resource sent twice is merged, even after the scopes; its notes still come first")
    func resourceMerged() throws {
        let scope = W.string(1, "lib") + W.bytes(3, W.string(1, "scope-empty"))
        let scopeSpans = W.bytes(1, scope) + W.bytes(2, W.span())
        let resourceSpans = W.bytes(1, W.bytes(1, W.keyValue("a", W.string(1, "1"))))
            + W.bytes(2, scopeSpans)
            + W.bytes(1, W.bytes(1, W.string(1, "resource-empty")) + W.bytes(1, W.keyValue("b", W.varint(3, 2))))
        let decoded = try Self.decode(W.bytes(1, resourceSpans))
        #expect(decoded.batches.first?.resource.attributes == ["a": "1", "b": 2])
        #expect(decoded.partialSuccess.reasons == [
            "resource: attribute \"resource-empty\" has no value and was left out",
            "scope: attribute \"scope-empty\" has no value and was left out",
        ])
    }

    @Test("a scope and a status sent twice are merged: scalars from the last, lists appended")
    func scopeAndStatusMerged() throws {
        let scopeSpans = W.bytes(1, W.string(1, "first") + W.bytes(3, W.keyValue("x", W.varint(2, 1))))
            + W.bytes(2, W.span("op", W.bytes(15, W.string(2, "kept") + W.varint(3, 2)) + W.bytes(15, W.varint(3, 1))))
            + W.bytes(1, W.string(1, "second") + W.string(2, "v2") + W.bytes(3, W.keyValue("y", W.varint(2, 0))))
        let span = try #require(try Self.decode(W.bytes(1, W.bytes(2, scopeSpans))).spans.first)
        #expect(span.scope == InstrumentationScope(name: "second", version: "v2", attributes: ["x": true, "y": false]))
        #expect(span.status == Span.Status(code: .ok, message: "kept"))
    }

    @Test("a scalar sent twice: the last wins, ids included")
    func lastScalarWins() throws {
        let span = W.bytes(1, [1, 2, 3]) + W.span("first", W.varint(6, 3) + W.string(5, "second") + W.varint(6, 2))
        let decoded = try Self.decode(W.request(spans: [span]))
        #expect(decoded.spans.map(\.name) == ["second"] && decoded.spans.first?.kind == .server)
        #expect(decoded.partialSuccess.rejected == 0)
    }

    @Test("AnyValue: the last member wins; arrays and maps sent in a row merge, another member in between starts afresh")
    func oneofMembers() throws {
        let array = { (n: UInt64) in W.bytes(5, W.bytes(1, W.varint(3, n))) }
        let kvlist = { (key: String) in W.bytes(6, W.bytes(1, W.keyValue(key, W.varint(2, 1)))) }
        let attributes = W.bytes(9, W.keyValue("last", W.string(1, "s") + W.varint(3, 7)))
            + W.bytes(9, W.keyValue("merged", array(1) + array(2)))
            + W.bytes(9, W.keyValue("restarted", array(1) + W.varint(2, 1) + array(3)))
            + W.bytes(9, W.keyValue("map", kvlist("a") + kvlist("b")))
            // The key-value's `value` itself sent twice: one AnyValue, merged.
            + W.bytes(9, W.string(1, "value-twice") + W.bytes(2, array(4)) + W.bytes(2, array(5)))
            + W.bytes(9, W.keyValue("strindex", W.string(1, "s") + W.varint(8, 3)))
        let span = try #require(try Self.decode(W.request(spans: [W.span("op", attributes)])).spans.first)
        #expect(span.attributes == [
            "last": 7, "merged": .array([1, 2]), "restarted": .array([3]), "map": .map(["a": true, "b": true]),
            "value-twice": .array([4, 5]),
        ])
    }

    @Test("no packed fields in a trace request: a varint field sent length-delimited is skipped as unknown")
    func packedLookingScalars() throws {
        let span = W.span("op", W.varint(6, 2) + W.bytes(6, [3, 4]) + W.bytes(10, [5]) + W.bytes(16, [1, 0, 0, 0]))
        let decoded = try #require(try Self.decode(W.request(spans: [span])).spans.first)
        #expect(decoded.kind == .server && decoded.droppedAttributesCount == 0 && decoded.flags == 0)
    }

    @Test("a known field with the wrong wire type is skipped, not refused")
    func wrongWireType() throws {
        // name as a varint, kind as fixed64, trace_id as fixed32: all skipped.
        let span = W.span("op", W.varint(5, 9) + W.fixed64(6, 3)) + W.fixed32(1, 7)
        let read = try #require(try Self.decode(W.request(spans: [span])).spans.first)
        #expect(read.name == "op" && read.kind == .unspecified)
        let noTraceID = W.fixed64(1, 1) + W.bytes(2, W.spanID) + W.string(5, "lost")
        let decoded = try Self.decode(W.request(spans: [noTraceID]))
        #expect(decoded.partialSuccess.rejected == 1)
        #expect(decoded.partialSuccess.reasons == ["span \"lost\": trace_id has 0 bytes, not 16"])
    }

    @Test("unknown fields of every wire type are skipped, groups (nested) included")
    func unknownFields() throws {
        let group = W.group(20, W.varint(1, 5) + W.fixed64(2, 1) + W.bytes(3, [0xFF]) + W.fixed32(4, 1) + W.group(21, W.varint(1, 1)))
        let span = W.span("op", W.varint(99, 1) + W.fixed64(100, 2) + W.bytes(101, [0xC3, 0x28]) + W.fixed32(102, 3) + group)
        #expect(try Self.decode(W.request(spans: [span]) + group).spans.map(\.name) == ["op"])
        // Inside a group, a tag may be any varint up to 10 bytes (outside, at most 5).
        let longTag: [UInt8] = [0x88, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01]  // field 1 varint, padded to 6 bytes
        #expect(try Self.decode(W.request(spans: [W.span("op", W.tag(20, 3) + longTag + W.tag(20, 4))])).spans.count == 1)
        #expect(Self.refusal(W.request(spans: [W.span("op", longTag)])) == Self.malformed)
    }

    @Test("groups that do not close, close the wrong group, or close nothing are refused")
    func brokenGroups() {
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(20, 3) + W.varint(1, 1))])) == Self.truncated)
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(20, 3) + W.tag(21, 4))])) == Self.malformed)
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(20, 4))])) == Self.malformed)
    }

    @Test("varints: cut off inside is malformed, missing is truncated; 10 bytes are taken, 11 are not")
    func varints() throws {
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(6, 0) + [0x80])])) == Self.malformed)
        #expect(Self.refusal(W.request(spans: []) + W.tag(6, 0)) == Self.truncated)
        let ten: [UInt8] = [0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F]  // 2, the 10th byte's extra bits dropped
        let span = try #require(try Self.decode(W.request(spans: [W.span("op", W.tag(6, 0) + ten)])).spans.first)
        #expect(span.kind == .server)
        let eleven = [UInt8](repeating: 0x80, count: 10) + [0x00]
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(6, 0) + eleven)])) == Self.malformed)
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(99, 0) + eleven)])) == Self.malformed)
    }

    @Test("lengths and fixed-width values past the end are truncated; a length of 2 GiB or more in a known field is malformed")
    func lengths() {
        #expect(Self.refusal(W.tag(1, 2) + W.varint(5) + [1, 2]) == Self.truncated)
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(7, 1) + [1, 2, 3])])) == Self.truncated)
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(16, 5) + [1])])) == Self.truncated)
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(5, 2) + W.varint(0x8000_0000))])) == Self.malformed)
        #expect(Self.refusal(W.request(spans: [W.span("op", W.tag(99, 2) + W.varint(0x8000_0000))])) == Self.truncated)
    }

    @Test("tags: wire types 6 and 7, field 0, and more than 5 bytes are malformed")
    func tags() throws {
        #expect(Self.refusal([0x0E, 0x00]) == Self.malformed)
        #expect(Self.refusal([0x0F, 0x00]) == Self.malformed)
        #expect(Self.refusal([0x00, 0x00]) == Self.malformed)
        #expect(Self.refusal([0x80, 0x80, 0x80, 0x80, 0x10]) == Self.malformed)  // 5th byte above 15
        #expect(Self.refusal([0x8A]) == Self.malformed)  // cut off
        #expect(try Self.decode([0xFA, 0xFF, 0xFF, 0xFF, 0x0F, 0x00]).batches.isEmpty)  // field 2²⁹-1, length 0
    }

    @Test("nesting: 100 levels are taken, 101 are refused, groups in skipped fields count too")
    func depthLimit() throws {
        // request 1, resource spans 2, scope spans 3, span 4, key-value 5, its value 6, then
        // each array value and its element 2 more.
        func nested(_ levels: Int) -> [UInt8] {
            var any = W.string(1, "leaf")
            for _ in 0..<levels { any = W.bytes(5, W.bytes(1, any)) }
            return W.request(spans: [W.span("deep", W.bytes(9, W.keyValue("k", any)))])
        }
        #expect(try Self.decode(nested(47)).spans.count == 1)
        #expect(Self.refusal(nested(48)) == Self.tooDeep)
        func groups(_ count: Int) -> [UInt8] {
            var group: [UInt8] = []
            for _ in 0..<count { group = W.group(20, group) }
            return W.request(spans: [W.span("deep", group)])
        }
        #expect(try Self.decode(groups(96)).spans.count == 1)
        #expect(Self.refusal(groups(97)) == Self.tooDeep)
    }

    @Test("strings must be UTF-8, wherever swift-protobuf parses them; bytes and skipped fields need not be")
    func utf8() throws {
        for bad: [UInt8] in [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(Self.refusal(W.request(spans: [W.span("op", W.bytes(3, bad))])) == Self.invalidUTF8)
            // An entity ref's id keys are parsed, though nothing converts them.
            #expect(Self.refusal(W.request(spans: [], resource: W.bytes(3, W.bytes(3, bad)))) == Self.invalidUTF8)
            let bytesValue = W.bytes(9, W.keyValue("b", W.bytes(7, bad)))
            let span = try #require(try Self.decode(W.request(spans: [W.span("op", bytesValue + W.bytes(99, bad))])).spans.first)
            #expect(span.attributes == ["b": .bytes(bad)])
        }
        let text = "héllo wörld 🚀 \u{10FFFF}"
        #expect(try Self.decode(W.request(spans: [W.span(text)])).spans.first?.name == text)
    }

    @Test("kinds and status codes beyond the enum read as unspecified / unset; int32 truncation first")
    func enums() throws {
        let kinds: [(UInt64, Span.Kind)] = [(5, .consumer), (6, .unspecified), (UInt64.max, .unspecified), (1 << 32 | 2, .server), (256 + 3, .unspecified)]
        for (raw, kind) in kinds {
            let span = W.span("op", W.varint(6, raw) + W.bytes(15, W.varint(3, raw)))
            let decoded = try #require(try Self.decode(W.request(spans: [span])).spans.first)
            #expect(decoded.kind == kind, "kind \(raw)")
            #expect(decoded.status.code == (raw == 1 << 32 | 2 ? .error : .unset), "code \(raw)")
        }
    }

    @Test("ids of the wrong length reject the span, in the order swift-protobuf's conversion checks them")
    func idLengths() throws {
        let link = { (traceID: [UInt8]) in W.bytes(13, W.bytes(1, traceID) + W.bytes(2, W.spanID) + W.bytes(4, W.keyValue("e", []))) }
        let span = W.span("linked", link(W.traceID) + link([1, 2]) + W.bytes(4, [1]))
        let decoded = try Self.decode(W.request(spans: [span, W.span("ok", W.bytes(4, [UInt8](repeating: 0, count: 8)))]))
        #expect(decoded.spans.map(\.name) == ["ok"] && decoded.spans.first?.parentSpanID == nil)
        // parent_span_id is checked before the links, and the first link's note is kept.
        #expect(decoded.partialSuccess.reasons == ["span \"linked\": parent_span_id has 1 bytes, not 8"])
        let linksFirst = try Self.decode(W.request(spans: [W.span("linked", link(W.traceID) + link([1, 2]))]))
        #expect(linksFirst.partialSuccess.reasons == [
            "span link: attribute \"e\" has no value and was left out", "span \"linked\": links[1].trace_id has 2 bytes, not 16",
        ])
    }

    @Test("an empty body is an empty request; a body of unknown fields only is too")
    func empty() throws {
        #expect(try Self.decode([]).batches.isEmpty)
        #expect(try Self.decode(W.varint(2, 1) + W.bytes(3, [1, 2])).batches.isEmpty)
    }

    @Test("the receiver answers a bad protobuf trace body with swift-protobuf's words")
    func receiverReason() {
        let refusal = RequestFixtures.refusal(W.request(spans: [W.span("op", W.bytes(3, [0xFF]))]), .traces, .protobuf)
        #expect(refusal == OTLPRequestError(status: 400, message: "malformed protobuf ExportTraceServiceRequest: \(Self.invalidUTF8)"))
    }
}
