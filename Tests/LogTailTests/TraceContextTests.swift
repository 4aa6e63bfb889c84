import Testing
import Telemetry

// Cases from W3C Trace Context Level 1 (§3.2, §3.3, §4.3, the examples in §3) and the
// w3c/trace-context test suite (test/test.py), B3 from openzipkin/b3-propagation.
@Suite("Trace context")
struct TraceContextTests {
    static let specTrace = TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736)
    static let specSpan = SpanID(0x00f0_67aa_0ba9_02b7)

    @Test("traceparent: the spec's examples round-trip")
    func traceparentExamples() throws {
        let sampled = try #require(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(sampled == TraceContext(traceID: Self.specTrace, spanID: Self.specSpan, flags: 1))
        #expect(sampled.isSampled)
        #expect(TraceParent.format(sampled) == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        let unsampled = try #require(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
        #expect(!unsampled.isSampled)
        // Unknown flag bits are kept for the round trip; only bit 0 means sampled.
        let other = try #require(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe"))
        #expect(other.flags == 0xfe && !other.isSampled)
        #expect(TraceParent.format(other).hasSuffix("-fe"))
    }

    @Test("traceparent: future versions are read by the forward-compatibility rule", arguments: [
        ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true),
        ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like", true),
        ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", true),
        ("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what-the-future-will-not-be-like", false),
        ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false),
    ])
    func traceparentVersions(header: String, valid: Bool) {
        let parsed = TraceParent.parse(header)
        #expect((parsed != nil) == valid)
        if let parsed {
            #expect(parsed.traceID == Self.specTrace && parsed.spanID == Self.specSpan && parsed.isSampled)
        }
    }

    @Test("traceparent: invalid headers are refused", arguments: [
        "",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // all-zero parent id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",  // uppercase parent id
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // uppercase version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",  // uppercase flags
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // v00 must be 55 chars
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // trace id too short
        "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",  // trace id too long
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",  // wrong delimiter
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-.1",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",  // not hex
        "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\u{00e9}",
    ])
    func traceparentInvalid(header: String) {
        #expect(TraceParent.parse(header) == nil)
    }

    @Test("tracestate: members parsed, blanks and empty members tolerated, format is compact")
    func tracestateParse() throws {
        let state = try #require(TraceState(parsing: "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7 ,, ot@vendor=a b*c/d"))
        #expect(state.members.map(\.key) == ["congo", "rojo", "ot@vendor"])
        #expect(state["rojo"] == "00f067aa0ba902b7")
        #expect(state["ot@vendor"] == "a b*c/d")
        #expect(state.formatted() == "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,ot@vendor=a b*c/d")
        #expect(TraceState(parsing: "")?.members.isEmpty == true)
    }

    @Test("tracestate: key and value grammar", arguments: [
        ("foo=1", true),
        ("foo_bar-baz*q/1=1", true),
        ("0foo=1", false),  // simple key starts with a letter
        ("Foo=1", false),  // uppercase key
        ("foo.bar=1", false),
        ("1tenant@vendor=1", true),  // tenant may start with a digit
        ("tenant@1vendor=1", false),  // system may not
        ("tenant@=1", false),
        ("@vendor=1", false),
        ("t@v@x=1", false),
        ("foo=", false),  // empty value
        ("foo=bar ", true),  // a trailing blank is OWS around the member, not part of the value
        ("foo=b r", true),
        ("foo=b=r", false),
        ("foo=b\u{7f}r", false),
        ("foo=b\tr", false),
        ("foo", false),
        ("=1", false),
        ("foo=1,foo=2", false),  // duplicate key discards the header
        ("foo=1,bar.baz=2", false),  // one bad member discards the header
    ])
    func tracestateGrammar(header: String, valid: Bool) {
        #expect((TraceState(parsing: header) != nil) == valid)
    }

    @Test("tracestate: key and value lengths at their limits")
    func tracestateLengths() {
        let key256 = "a" + String(repeating: "b", count: 255)
        #expect(TraceState(parsing: key256 + "=1") != nil)
        #expect(TraceState(parsing: key256 + "b=1") == nil)
        let tenant241 = String(repeating: "t", count: 241), system14 = String(repeating: "s", count: 14)
        #expect(TraceState(parsing: "\(tenant241)@\(system14)=1") != nil)
        #expect(TraceState(parsing: "\(tenant241)t@\(system14)=1") == nil)
        #expect(TraceState(parsing: "\(tenant241)@\(system14)s=1") == nil)
        let value256 = String(repeating: "v", count: 256)
        #expect(TraceState(parsing: "k=" + value256) != nil)
        #expect(TraceState(parsing: "k=" + value256 + "v") == nil)
    }

    @Test("tracestate: 32 members accepted, 33 discard the header")
    func tracestateMemberLimit() {
        let members = (0..<33).map { "k\($0)=v" }
        #expect(TraceState(parsing: members.prefix(32).joined(separator: ","))?.members.count == 32)
        #expect(TraceState(parsing: members.joined(separator: ",")) == nil)
    }

    @Test("tracestate: set moves the key to the front, drops the oldest past 32, refuses bad input")
    func tracestateMutation() throws {
        var state = try #require(TraceState(parsing: "a=1,b=2,c=3"))
        try state.set("b", "9")
        #expect(state.formatted() == "b=9,a=1,c=3")
        try state.set("new", "x")
        #expect(state.formatted() == "new=x,b=9,a=1,c=3")
        state.remove("a")
        #expect(state.formatted() == "new=x,b=9,c=3")
        #expect(throws: TraceState.InvalidMember(key: "Bad", value: "1")) { try state.set("Bad", "1") }
        #expect(throws: TraceState.InvalidMember.self) { try state.set("ok", "a,b") }
        #expect(throws: TraceState.InvalidMember.self) { try state.set("ok", "trailing ") }
        #expect(state.formatted() == "new=x,b=9,c=3")

        var full = try #require(TraceState(parsing: (0..<32).map { "k\($0)=v" }.joined(separator: ",")))
        try full.set("front", "1")
        #expect(full.members.count == 32)
        #expect(full.members.first?.key == "front" && full["k31"] == nil && full["k30"] == "v")
    }

    @Test("tracestate: formatting cuts to 512 characters, large members first, then from the end")
    func tracestateTruncation() throws {
        let large = "big=" + String(repeating: "x", count: 200)  // 204 chars > 128
        var small = (0..<20).map { "k\($0)=" + String(repeating: "v", count: 20) }  // 23-24 chars each
        small.insert(large, at: 3)
        let state = try #require(TraceState(parsing: small.joined(separator: ",")))
        let out = state.formatted()
        #expect(out.utf8.count <= 512)
        #expect(!out.contains("big="))  // the large member went first
        #expect(out.hasPrefix("k0=") && out.contains("k19="))  // small ones all fit once it went

        let many = try #require(TraceState(parsing: (0..<30).map { "k\($0)=" + String(repeating: "v", count: 20) }.joined(separator: ",")))
        let cut = many.formatted()
        #expect(cut.utf8.count <= 512 && cut.utf8.count > 512 - 25)
        #expect(cut.hasPrefix("k0=") && !cut.contains("k29="))
    }

    @Test("B3 single header: full, short, 64-bit and sampling-only forms")
    func b3Single() throws {
        let full = try #require(B3.parseSingle("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"))
        #expect(full.context == TraceContext(
            traceID: TraceID(high: 0x80f1_98ee_5634_3ba8, low: 0x64fe_8b2a_57d3_eff7), spanID: SpanID(0xe457_b5a2_e4d8_6bd1), flags: 1))
        #expect(full.sampling == .accept && full.parentSpanID == SpanID(0x05e3_ac9a_4f6e_3b90))
        // The converted context formats as an ordinary traceparent.
        #expect(TraceParent.format(try #require(full.context)) == "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01")

        let short = try #require(B3.parseSingle("a3ce929d0e0e4736-00f067aa0ba902b7"))
        #expect(short.context?.traceID == TraceID(high: 0, low: 0xa3ce_929d_0e0e_4736))
        #expect(short.sampling == nil && short.context?.isSampled == false)

        let debug = try #require(B3.parseSingle("a3ce929d0e0e4736-00f067aa0ba902b7-d"))
        #expect(debug.sampling == .debug && debug.context?.isSampled == true)
        let denied = try #require(B3.parseSingle("a3ce929d0e0e4736-00f067aa0ba902b7-0"))
        #expect(denied.sampling == .deny && denied.context?.isSampled == false)

        let denyOnly = try #require(B3.parseSingle("0"))
        #expect(denyOnly.context == nil && denyOnly.sampling == .deny)
    }

    @Test("B3 single header: invalid forms are refused", arguments: [
        "", "2", "true",
        "a3ce929d0e0e4736",  // trace id without span id
        "a3ce929d0e0e4736-00f067aa0ba902b7-2",
        "a3ce929d0e0e4736-00f067aa0ba902b7-1-",
        "a3ce929d0e0e4736-00f067aa0ba902b7-1-05e3ac9a4f6e3b90-x",
        "A3CE929D0E0E4736-00f067aa0ba902b7",  // uppercase
        "a3ce929d0e0e473-00f067aa0ba902b7",  // 15 digits
        "0000000000000000-00f067aa0ba902b7",  // zero trace id
        "a3ce929d0e0e4736-0000000000000000",  // zero span id
        "a3ce929d0e0e4736-00f067aa0ba902b7-1-0000000000000000",
    ])
    func b3SingleInvalid(header: String) {
        #expect(B3.parseSingle(header) == nil)
    }

    @Test("B3 multi header: read, converted, and invalid combinations refused")
    func b3Multi() throws {
        func parse(_ headers: [String: String]) -> B3.Header? { B3.parseMulti { headers[$0] } }
        let full = try #require(parse([
            "X-B3-TraceId": "80f198ee56343ba864fe8b2a57d3eff7", "X-B3-SpanId": "e457b5a2e4d86bd1",
            "X-B3-ParentSpanId": "05e3ac9a4f6e3b90", "X-B3-Sampled": "1",
        ]))
        #expect(full.context.map(TraceParent.format) == "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01")
        #expect(full.parentSpanID == SpanID(0x05e3_ac9a_4f6e_3b90))

        let short = try #require(parse(["X-B3-TraceId": "a3ce929d0e0e4736", "X-B3-SpanId": "00f067aa0ba902b7", "X-B3-Sampled": "0"]))
        #expect(short.context.map(TraceParent.format) == "00-0000000000000000a3ce929d0e0e4736-00f067aa0ba902b7-00")
        #expect(short.sampling == .deny)

        let debug = try #require(parse(["X-B3-TraceId": "a3ce929d0e0e4736", "X-B3-SpanId": "00f067aa0ba902b7", "X-B3-Flags": "1"]))
        #expect(debug.sampling == .debug && debug.context?.isSampled == true)
        #expect(parse(["X-B3-TraceId": "a3ce929d0e0e4736", "X-B3-SpanId": "00f067aa0ba902b7", "X-B3-Sampled": "true"])?.sampling == .accept)
        #expect(parse(["X-B3-Sampled": "0"]) == B3.Header(context: nil, sampling: .deny, parentSpanID: nil))

        #expect(parse([:]) == nil)
        #expect(parse(["X-B3-TraceId": "a3ce929d0e0e4736"]) == nil)
        #expect(parse(["X-B3-SpanId": "00f067aa0ba902b7", "X-B3-Sampled": "1"]) == nil)
        #expect(parse(["X-B3-TraceId": "a3ce929d0e0e4736", "X-B3-SpanId": "00f067aa0ba902b7", "X-B3-Sampled": "yes"]) == nil)
        #expect(parse(["X-B3-TraceId": "a3ce929d0e0e4736", "X-B3-SpanId": "00F067AA0BA902B7"]) == nil)
        #expect(parse(["X-B3-TraceId": "a3ce929d0e0e4736", "X-B3-SpanId": "00f067aa0ba902b7", "X-B3-ParentSpanId": "zz"]) == nil)
    }

    @Test("correlation id: X-Correlation-ID, else X-Request-ID, trimmed, bounded, printable")
    func correlationID() {
        #expect(CorrelationID.attributeKey == "correlation_id")
        #expect(CorrelationID.attribute(correlationID: " abc-123\t", requestID: "req-1") == .string("abc-123"))
        #expect(CorrelationID.attribute(correlationID: nil, requestID: "req-1") == .string("req-1"))
        #expect(CorrelationID.attribute(correlationID: "   ", requestID: "req-1") == .string("req-1"))
        #expect(CorrelationID.attribute(correlationID: "bad\r\nX-Injected: 1", requestID: "req-1") == .string("req-1"))
        #expect(CorrelationID.attribute(correlationID: String(repeating: "a", count: 256), requestID: nil)
            == .string(String(repeating: "a", count: 256)))
        #expect(CorrelationID.attribute(correlationID: String(repeating: "a", count: 257), requestID: nil) == nil)
        #expect(CorrelationID.attribute(correlationID: "caf\u{e9}", requestID: nil) == nil)
        #expect(CorrelationID.attribute(correlationID: nil, requestID: nil) == nil)
    }
}
