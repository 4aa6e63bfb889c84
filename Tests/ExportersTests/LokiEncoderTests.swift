import Foundation
import Telemetry
import Testing
@testable import Exporters

@Suite("Loki: push encoder")
struct LokiEncoderTests {
    static func at(_ seconds: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: seconds * 1_000_000_000) }

    static let kubernetes = Resource(attributes: [
        "service.name": "checkout", "k8s.namespace.name": "shop", "k8s.pod.name": "checkout-1", "k8s.container.name": "app",
    ])

    static func record(_ body: String, at time: Timestamp?, observed: Timestamp = at(99), _ severity: Severity = .info) -> LogRecord {
        LogRecord(timestamp: time, observedTimestamp: observed, severity: severity, body: Array(body.utf8))
    }

    /// The body as Python's json module reads it (strict: UTF-8, no NaN), re-serialized
    /// with sorted keys; nil with an issue when it is not valid.
    static func validated(_ body: [UInt8]) throws -> String? {
        try JSONValidator.events(body + [UInt8(ascii: "\n")], framing: .lines)?.first
    }

    /// Streams as (labels, values) from a body that parsed.
    static func streams(_ body: [UInt8]) throws -> [(labels: [String: String], values: [[String]], metadata: [[String: String]?])] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let streams = try #require(root["streams"] as? [[String: Any]])
        return try streams.map { stream in
            let labels = try #require(stream["stream"] as? [String: String])
            let values = try #require(stream["values"] as? [[Any]])
            return (
                labels, values.map { $0.prefix(2).compactMap { $0 as? String } },
                values.map { $0.count > 2 ? $0[2] as? [String: String] : nil }
            )
        }
    }

    @Test("streams by the default labels, entries in time order, nanosecond strings, record time else observed time")
    func defaultLabels() throws {
        let records = [
            Self.record("third", at: Self.at(3)),
            Self.record("boom", at: Self.at(1), .error),
            Self.record("second", at: nil, observed: Self.at(2)),
            Self.record("first", at: Self.at(1)),
        ]
        let body = try LokiPushEncoder().encode([.logs(records, resource: Self.kubernetes)])
        let labels = #""container":"app","level":"%@","namespace":"shop","pod":"checkout-1","service_name":"checkout""#
        let expected = #"{"streams":[{"stream":{"# + labels.replacingOccurrences(of: "%@", with: "info")
            + #"},"values":[["1000000000","first"],["2000000000","second"],["3000000000","third"]]},{"stream":{"#
            + labels.replacingOccurrences(of: "%@", with: "error") + #"},"values":[["1000000000","boom"]]}]}"#
        #expect(String(decoding: body, as: UTF8.self) == expected)
        #expect(try Self.validated(body) != nil)
        #expect(LokiPushEncoder().contentType == "application/json")
    }

    @Test("structured metadata: trace and span ids in lowercase hex, configured attributes of the record, else of the resource")
    func structuredMetadata() throws {
        var traced = Self.record("traced", at: Self.at(1))
        traced.traceID = TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
        traced.spanID = SpanID(0xA1B2_C3D4_E5F6_0718)
        traced.attributes = ["correlation_id": "req-1", "user.id": 42, "retries": 1.5, "ok": true, "tags": .array(["a", 1])]
        var invalidIDs = Self.record("plain", at: Self.at(2))
        invalidIDs.traceID = TraceID(high: 0, low: 0)
        invalidIDs.spanID = SpanID(0)
        let resource = Resource(attributes: ["service.name": "api", "k8s.pod.uid": "uid-1"])
        let options = LokiOptions(
            labels: ["service_name": .resource("service.name")],
            structuredMetadata: ["correlation_id", "user.id", "k8s.pod.uid", "retries", "ok", "tags", "absent"])
        let body = try LokiPushEncoder(options: options).encode([.logs([traced, invalidIDs], resource: resource)])
        #expect(try Self.validated(body) != nil)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text == #"{"streams":[{"stream":{"service_name":"api"},"values":[["1000000000","traced",{"#
            + #""trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"a1b2c3d4e5f60718","correlation_id":"req-1","#
            + #""user_id":"42","k8s_pod_uid":"uid-1","retries":"1.5","ok":"true","tags":"[\"a\",1]"}],"#
            + #"["2000000000","plain",{"k8s_pod_uid":"uid-1"}]]}]}"#)

        // Without configured keys, an entry without ids is the two-element form.
        let plain = try LokiPushEncoder(options: LokiOptions(labels: options.labels)).encode([.logs([invalidIDs], resource: resource)])
        #expect(String(decoding: plain, as: UTF8.self) == #"{"streams":[{"stream":{"service_name":"api"},"values":[["2000000000","plain"]]}]}"#)
    }

    @Test("trace_context off (Loki 2.x, schema before v13): no trace or span id; without configured keys no third element")
    func traceContextOff() throws {
        var traced = Self.record("traced", at: Self.at(1))
        traced.traceID = TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
        traced.spanID = SpanID(0xA1B2_C3D4_E5F6_0718)
        traced.attributes = ["correlation_id": "req-1"]
        let labels: [String: LokiOptions.LabelSource] = ["service_name": .resource("service.name")]
        let resource = Resource(attributes: ["service.name": "api"])

        let off = try LokiPushEncoder(options: LokiOptions(labels: labels, traceContext: false)).encode([.logs([traced], resource: resource)])
        #expect(String(decoding: off, as: UTF8.self) == #"{"streams":[{"stream":{"service_name":"api"},"values":[["1000000000","traced"]]}]}"#)

        let keys = LokiOptions(labels: labels, structuredMetadata: ["correlation_id"], traceContext: false)
        let withKeys = try LokiPushEncoder(options: keys).encode([.logs([traced], resource: resource)])
        #expect(String(decoding: withKeys, as: UTF8.self)
            == #"{"streams":[{"stream":{"service_name":"api"},"values":[["1000000000","traced",{"correlation_id":"req-1"}]]}]}"#)

        let on = try LokiPushEncoder(options: LokiOptions(labels: labels)).encode([.logs([traced], resource: resource)])
        #expect(try Self.streams(on).first?.metadata == [["trace_id": "0102030405060708090a0b0c0d0e0f10", "span_id": "a1b2c3d4e5f60718"]])
    }

    @Test("label sources: severity as Loki's level words, record attributes, resource attributes; absent values leave the label out")
    func labelSources() throws {
        let severities: [Severity] = [.trace, .debug, Severity(number: 10, text: "notice"), .warn, .error, Severity(number: 22), .unspecified]
        var records = severities.enumerated().map { Self.record("s\($0.offset)", at: Self.at(Int64($0.offset)), $0.element) }
        records[0].attributes = ["log.file.path": "/var/log/app.log"]
        let options = LokiOptions(labels: [
            "level": .severity, "file": .attribute("log.file.path"), "env": .resource("deployment.environment"),
        ])
        let body = try LokiPushEncoder(options: options).encode([
            .logs(records, resource: Resource(attributes: ["deployment.environment": "prod"]))
        ])
        #expect(try Self.validated(body) != nil)
        let streams = try Self.streams(body)
        #expect(streams.map(\.labels) == [
            ["env": "prod", "file": "/var/log/app.log", "level": "trace"],
            ["env": "prod", "level": "debug"], ["env": "prod", "level": "info"], ["env": "prod", "level": "warn"],
            ["env": "prod", "level": "error"], ["env": "prod", "level": "fatal"], ["env": "prod", "level": "unknown"],
        ])

        // No label with a value: Loki needs one, so the stream is the unnamed service.
        let bare = try LokiPushEncoder(options: LokiOptions(labels: ["env": .resource("deployment.environment")]))
            .encode([.logs([Self.record("x", at: Self.at(1))])])
        #expect(try Self.streams(bare).map(\.labels) == [["service_name": "unknown_service"]])
    }

    @Test("batches of one delivery merge into the same streams; another resource is another stream")
    func mergingBatches() throws {
        let other = Resource(attributes: ["service.name": "billing"])
        let batches: [TelemetryBatch] = [
            .logs([Self.record("b", at: Self.at(2))], resource: Self.kubernetes),
            .logs([Self.record("x", at: Self.at(1))], resource: other),
            .logs([Self.record("a", at: Self.at(1)), Self.record("c", at: Self.at(2))], resource: Self.kubernetes),
        ]
        let streams = try Self.streams(try LokiPushEncoder().encode(batches))
        #expect(streams.map { $0.labels["service_name"] } == ["checkout", "billing"])
        #expect(streams[0].values == [["1000000000", "a"], ["2000000000", "b"], ["2000000000", "c"]], "equal times keep arrival order")
        #expect(streams[1].values == [["1000000000", "x"]])
    }

    @Test("lines with invalid UTF-8, quotes and control characters stay valid JSON")
    func awkwardLines() throws {
        let body: [UInt8] = Array("a\"b\\".utf8) + [0xFF, 0x09, 0x0A, 0x1B] + Array("é".utf8)
        let record = LogRecord(timestamp: Self.at(1), observedTimestamp: Self.at(1), body: body, attributes: ["k": "v\u{0}w"])
        let encoded = try LokiPushEncoder(options: LokiOptions(labels: ["level": .severity], structuredMetadata: ["k"]))
            .encode([.logs([record])])
        #expect(try Self.validated(encoded) != nil)
        let streams = try Self.streams(encoded)
        #expect(streams.first?.values.first?[1] == "a\"b\\\u{FFFD}\t\n\u{1B}é")
        #expect(streams.first?.metadata.first??["k"] == "v\u{0}w")
    }

    @Test("a batch of another signal is refused; an empty delivery is an empty stream list")
    func otherSignalsAndEmpty() throws {
        #expect(throws: EncodingFailure("loki carries logs only, got traces")) { try LokiPushEncoder().encode([.spans([])]) }
        #expect(try LokiPushEncoder().encode([.logs([])]) == Array(#"{"streams":[]}"#.utf8))
    }
}
