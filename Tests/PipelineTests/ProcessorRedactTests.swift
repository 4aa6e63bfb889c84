import Testing
import Telemetry
@testable import Pipeline

/// What the fixture cases do not cover: where in a batch the processor looks, how it
/// counts, and that it survives arbitrary bytes.
@Suite("RedactProcessor")
struct ProcessorRedactTests {
    static let now = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)

    static func log(_ body: String, attributes: Attributes = Attributes()) -> LogRecord {
        LogRecord(observedTimestamp: now, body: Array(body.utf8), attributes: attributes)
    }

    static func span(attributes: Attributes, events: [Span.Event] = []) -> Span {
        Span(
            traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), name: "POST /login", start: now, end: now,
            attributes: attributes, events: events)
    }

    static func bodies(_ batch: TelemetryBatch) -> [String] {
        guard case .logs(let records) = batch.payload else { return [] }
        return records.map { String(decoding: $0.body, as: UTF8.self) }
    }

    @Test("counters are preset for the selected patterns and exposed for /metrics")
    func counters() {
        let processor = RedactProcessor(name: "scrub", patterns: [.email, .jwt], literals: ["x"])
        #expect(processor.matches.snapshot == ["email": 0, "jwt": 0, "literal": 0])
        #expect(processor.counters.count == 1)
        #expect(processor.counters.first?.metric == "outrider_redact_matches_total")
        #expect(processor.counters.first?.label == "pattern")
        #expect(RedactProcessor(name: "none", patterns: []).matches.snapshot.isEmpty)
    }

    @Test("matches are counted across every record of a batch and across batches")
    func countsAccumulate() {
        let processor = RedactProcessor(name: "scrub", patterns: [.email, .apiKey])
        var batch = TelemetryBatch.logs([
            Self.log("a@example.com b@example.com"), Self.log("token=abc"), Self.log("nothing here"),
        ])
        processor.process(&batch)
        #expect(Self.bodies(batch) == ["[REDACTED] [REDACTED]", "token=[REDACTED]", "nothing here"])
        processor.process(&batch)  // masked output has nothing left to find, except the masked value itself
        #expect(processor.matches["email"] == 2)
        #expect(processor.matches["api_key"] == 2)
    }

    @Test("log record attributes: strings, bytes, arrays and maps, at any depth; other types untouched")
    func logAttributes() {
        let processor = RedactProcessor(name: "scrub", patterns: [.email])
        let attributes: Attributes = [
            "user": "jane@example.com",
            "raw": .bytes(Array("to: bob@example.com".utf8)),
            "list": .array(["ok", "ann@example.org"]),
            "nested": .map(["deeper": .map(["who": "sam@example.net"])]),
            "count": 3,
            "flag": true,
        ]
        var batch = TelemetryBatch.logs([Self.log("body", attributes: attributes)])
        processor.process(&batch)
        guard case .logs(let records) = batch.payload else { return }
        let result = records[0].attributes
        #expect(result["user"] == "[REDACTED]")
        #expect(result["raw"] == .bytes(Array("to: [REDACTED]".utf8)))
        #expect(result["list"] == .array(["ok", "[REDACTED]"]))
        #expect(result["nested"] == .map(["deeper": .map(["who": "[REDACTED]"])]))
        #expect(result["count"] == 3)
        #expect(result["flag"] == true)
        #expect(result.pairs.map(\.key) == attributes.pairs.map(\.key), "keys and order stay")
        #expect(processor.matches["email"] == 4)
    }

    @Test("an attribute named like a secret has its whole string value masked (api_key)")
    func secretNamedAttributes() {
        let processor = RedactProcessor(name: "scrub", patterns: [.apiKey])
        let attributes: Attributes = [
            "password": "hunter2", "http.request.header.x-api-key": "k-123", "db_password": "p w d",
            "token_count": "5", "password_length": 12, "secret": "",
        ]
        var batch = TelemetryBatch.logs([Self.log("ok", attributes: attributes)])
        processor.process(&batch)
        guard case .logs(let records) = batch.payload else { return }
        let result = records[0].attributes
        #expect(result["password"] == "[REDACTED]")
        #expect(result["http.request.header.x-api-key"] == "[REDACTED]")
        #expect(result["db_password"] == "[REDACTED]")
        #expect(result["token_count"] == "5")
        #expect(result["password_length"] == 12)
        #expect(result["secret"] == "", "nothing to hide in an empty value")
        #expect(processor.matches["api_key"] == 3)
    }

    @Test("span attributes and span event attributes are scanned")
    func spans() {
        let processor = RedactProcessor(name: "scrub", patterns: [.bearerToken, .creditCard])
        let event = Span.Event(name: "exception", timestamp: Self.now, attributes: ["exception.message": "card 4111111111111111 declined"])
        var batch = TelemetryBatch.spans([
            Self.span(attributes: ["http.request.header.authorization": "Bearer abc123def", "http.route": "/login"], events: [event])
        ])
        processor.process(&batch)
        guard case .spans(let spans) = batch.payload else { return }
        #expect(spans[0].attributes["http.request.header.authorization"] == "Bearer [REDACTED]")
        #expect(spans[0].attributes["http.route"] == "/login")
        #expect(spans[0].events[0].attributes["exception.message"] == "card [REDACTED] declined")
        #expect(processor.matches.snapshot == ["bearer_token": 1, "credit_card": 1])
    }

    @Test("resource attributes are left alone unless asked")
    func resource() {
        let resource = Resource(attributes: ["owner": "team@example.com"])
        var batch = TelemetryBatch.logs([Self.log("x")], resource: resource)
        RedactProcessor(name: "scrub", patterns: [.email]).process(&batch)
        #expect(batch.resource == resource)
        RedactProcessor(name: "scrub", patterns: [.email], redactResource: true).process(&batch)
        #expect(batch.resource.attributes["owner"] == "[REDACTED]")
    }

    @Test("metric batches pass through untouched")
    func metrics() {
        var family = MetricFamily(name: "logins_total", help: "", kind: .counter)
        family.add(1, ["user": "jane@example.com"])
        let original = TelemetryBatch.metrics(MetricBatch(families: [family], timestamp: Self.now))
        var batch = original
        RedactProcessor(name: "scrub", patterns: RedactPattern.allCases).process(&batch)
        #expect(batch == original)
    }

    @Test("lines of a multi-line body are scanned like one body; newlines end unquoted values")
    func multiline() {
        let processor = RedactProcessor(name: "scrub", patterns: [.apiKey, .email])
        var batch = TelemetryBatch.logs([Self.log("password=abc\nuser: jane@example.com\r\ntoken=\ttabbed\n")])
        processor.process(&batch)
        #expect(Self.bodies(batch) == ["password=[REDACTED]\nuser: [REDACTED]\r\ntoken=\t[REDACTED]\n"])
    }

    @Test("a body with nothing to mask keeps its bytes, invalid UTF-8 included")
    func untouched() {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x40, 0x00, 0x3A, 0x3D, 0xC3, 0x28, 0x65, 0x79, 0x4A]
        var batch = TelemetryBatch.logs([LogRecord(observedTimestamp: Self.now, body: bytes)])
        RedactProcessor(name: "scrub", patterns: RedactPattern.allCases).process(&batch)
        guard case .logs(let records) = batch.payload else { return }
        #expect(records[0].body == bytes)
    }

    @Test("a large body: matches far apart and at both ends are all found")
    func largeBody() {
        let filler = String(repeating: "lorem ipsum dolor sit amet, ", count: 4096)
        let body = "a@example.com " + filler + "token=xyz " + filler + " b@example.com"
        var batch = TelemetryBatch.logs([Self.log(body)])
        let processor = RedactProcessor(name: "scrub", patterns: RedactPattern.allCases)
        processor.process(&batch)
        #expect(Self.bodies(batch) == ["[REDACTED] " + filler + "token=[REDACTED] " + filler + " [REDACTED]"])
        #expect(processor.matches.total == 3)
    }

    @Test("arbitrary bytes rich in trigger characters never trap, and unmatched input is returned as is")
    func fuzz() {
        // A fixed-seed generator, so a failure replays.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let alphabet = Array("Bb eyJ.:=@-_/\"'\\0123456789aAzZ+=\t\n".utf8) + [0xC3, 0xA9, 0xE2, 0x82, 0xAC]
        let processor = RedactProcessor(name: "fuzz", patterns: RedactPattern.allCases, literals: ["zz", "B"])
        for _ in 0..<3000 {
            let length = Int(next() % 48)
            let body = (0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            let before = processor.matches.total
            var batch = TelemetryBatch.logs([LogRecord(observedTimestamp: Self.now, body: body)])
            processor.process(&batch)
            guard case .logs(let records) = batch.payload else { return }
            if processor.matches.total == before { #expect(records[0].body == body) }
        }
        #expect(processor.matches.total > 0)
    }
}
