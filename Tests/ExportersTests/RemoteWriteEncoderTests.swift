import SwiftProtobuf
import Telemetry
import Testing
@testable import Exporters

/// What a remote_write receiver gets: each body snappy-decoded and parsed back with the
/// generated `WriteRequest`, series written as `name=value,…` in wire order, so that label
/// order is asserted along with the labels.
@Suite("Prometheus remote_write: encoder")
struct RemoteWriteEncoderTests {
    static let t0 = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_123_456_789)
    static let t0ms: Int64 = 1_700_000_000_123

    static let resource = Resource(attributes: [
        "service.name": "checkout", "k8s.pod.name": "checkout-7d9f", "deployment.environment": "production",
    ])

    static func decode(_ body: [UInt8]) throws -> Prometheus_WriteRequest {
        try Prometheus_WriteRequest(serializedBytes: try Snappy.decompress(body))
    }

    /// Series key → samples as (ms, value), keys in the order the request has them.
    static func series(_ request: Prometheus_WriteRequest) -> [(key: String, samples: [(Int64, Double)])] {
        request.timeseries.map { series in
            (series.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ","), series.samples.map { ($0.timestamp, $0.value) })
        }
    }

    static func encode(_ batches: [TelemetryBatch], options: RemoteWriteOptions = RemoteWriteOptions()) throws -> Prometheus_WriteRequest {
        try decode(try PrometheusRemoteWriteEncoder(options: options).encode(batches))
    }

    static func metrics(_ families: [MetricFamily], at timestamp: Timestamp = t0, resource: Resource = resource) -> TelemetryBatch {
        .metrics(MetricBatch(families: families, timestamp: timestamp), resource: resource)
    }

    static func assertSeries(
        _ request: Prometheus_WriteRequest, _ expected: [(String, [(Int64, Double)])], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let actual = series(request)
        #expect(actual.map(\.key) == expected.map(\.0), sourceLocation: sourceLocation)
        for (got, want) in zip(actual, expected) {
            #expect(got.samples.map(\.0) == want.1.map(\.0), "\(want.0) timestamps", sourceLocation: sourceLocation)
            #expect(got.samples.map(\.1) == want.1.map(\.1), "\(want.0) values", sourceLocation: sourceLocation)
        }
    }

    @Test("headers and content type the spec requires")
    func protocolHeaders() {
        #expect(PrometheusRemoteWriteEncoder().contentType == "application/x-protobuf")
        #expect(PrometheusRemoteWriteEncoder.requestHeaders == [
            "Content-Encoding": "snappy", "X-Prometheus-Remote-Write-Version": "0.1.0",
        ])
    }

    @Test("counters and gauges: one sample per series, __name__ set, labels sorted, resource and external labels, ms timestamps")
    func countersAndGauges() throws {
        var cpu = MetricFamily(name: "node_cpu_seconds_total", help: "Seconds the CPUs spent in each mode.", kind: .counter)
        cpu.add(100.5, ["cpu": "0", "mode": "idle"])
        cpu.add(7, ["cpu": "0", "mode": "user"])
        var memory = MetricFamily(name: "node_memory_MemTotal_bytes", help: "Memory information field MemTotal_bytes.", kind: .gauge)
        memory.add(8_000_000_000)
        let request = try Self.encode([Self.metrics([cpu, memory])], options: RemoteWriteOptions(externalLabels: ["cluster": "eu-1"]))
        Self.assertSeries(request, [
            ("__name__=node_cpu_seconds_total,cluster=eu-1,cpu=0,job=checkout,mode=idle,pod=checkout-7d9f", [(Self.t0ms, 100.5)]),
            ("__name__=node_cpu_seconds_total,cluster=eu-1,cpu=0,job=checkout,mode=user,pod=checkout-7d9f", [(Self.t0ms, 7)]),
            ("__name__=node_memory_MemTotal_bytes,cluster=eu-1,job=checkout,pod=checkout-7d9f", [(Self.t0ms, 8_000_000_000)]),
        ])
    }

    @Test("a series' own label beats the resource's, which beats an external one; empty values are no label")
    func precedence() throws {
        var family = MetricFamily(name: "requests_total", help: "", kind: .counter)
        family.add(1, ["job": "own", "cluster": "", "zone": "a"])
        let resource = Resource(attributes: ["service.name": "svc", "k8s.namespace.name": "", "k8s.pod.name": "p-1"])
        let options = RemoteWriteOptions(externalLabels: ["job": "external", "cluster": "c1", "region": "", "pod": "external-pod"])
        let request = try Self.encode([Self.metrics([family], resource: resource)], options: options)
        Self.assertSeries(request, [("__name__=requests_total,cluster=c1,job=own,pod=p-1,zone=a", [(Self.t0ms, 1)])])
    }

    @Test("names are sanitized to Prometheus' charset; labels that sanitize alike keep the first")
    func sanitizing() throws {
        var dotted = MetricFamily(name: "http.server.request.duration", help: "", kind: .gauge)
        dotted.add(0.25, ["http.method": "GET", "2xx": "yes", "http_method": "POST", "résumé": "x", "": "nameless"])
        var digit = MetricFamily(name: "1st.metric", help: "", kind: .gauge)
        digit.add(1)
        var colon = MetricFamily(name: "job:requests:rate5m", help: "", kind: .gauge)
        colon.add(2)
        let options = RemoteWriteOptions(resourceLabels: ["k8s.pod.name": "k8s.pod"])
        let request = try Self.encode([Self.metrics([dotted, digit, colon])], options: options)
        Self.assertSeries(request, [
            ("__name__=http_server_request_duration,http_method=GET,k8s_pod=checkout-7d9f,key_2xx=yes,r_sum_=x", [(Self.t0ms, 0.25)]),
            ("__name__=_1st_metric,k8s_pod=checkout-7d9f", [(Self.t0ms, 1)]),
            ("__name__=job:requests:rate5m,k8s_pod=checkout-7d9f", [(Self.t0ms, 2)]),
        ])
        #expect(PrometheusName.label("__name__") == "__name__" && PrometheusName.metric("") == "")
    }

    @Test("a histogram is its classic series: cumulative _bucket{le} up to +Inf, then _sum and _count")
    func histogramClassicSeries() throws {
        let value = HistogramValue(bounds: [0.005, 0.1, 1, 10], counts: [1, 2, 3, 0, 4], sum: 12.5, count: 10)
        let family = MetricFamily(
            name: "http_request_duration_seconds", help: "Request latency.", kind: .histogram,
            samples: [MetricSample(labels: ["route": "/a", "le": "bogus"], histogram: value)])
        let request = try Self.encode([Self.metrics([family], resource: Resource(attributes: ["service.name": "api"]))])
        let bucket = "__name__=http_request_duration_seconds_bucket,job=api,le="
        Self.assertSeries(request, [
            (bucket + "0.005,route=/a", [(Self.t0ms, 1)]),
            (bucket + "0.1,route=/a", [(Self.t0ms, 3)]),
            (bucket + "1,route=/a", [(Self.t0ms, 6)]),
            (bucket + "10,route=/a", [(Self.t0ms, 6)]),
            (bucket + "+Inf,route=/a", [(Self.t0ms, 10)]),
            ("__name__=http_request_duration_seconds_sum,job=api,route=/a", [(Self.t0ms, 12.5)]),
            ("__name__=http_request_duration_seconds_count,job=api,route=/a", [(Self.t0ms, 10)]),
        ])
    }

    @Test("points that cannot be written are left out and reported, naming the first; the rest of the delivery is written")
    func inconsistentHistogram() throws {
        let bad = HistogramValue(bounds: [1, 2], counts: [1, 2], sum: 3, count: 3)
        let good = HistogramValue(bounds: [1], counts: [2, 1], sum: 2.5, count: 3)
        let latency = MetricFamily(
            name: "latency", help: "", kind: .histogram,
            samples: [
                MetricSample(labels: ["route": "/b"], histogram: bad),
                MetricSample(labels: ["route": "/a"], histogram: good),
                MetricSample(labels: ["route": "/c"], value: 4),
            ])
        var memory = MetricFamily(name: "node_memory_MemTotal_bytes", help: "", kind: .gauge)
        memory.add(8_000_000_000)
        var nameless = MetricFamily(name: "", help: "", kind: .gauge)
        nameless.add(1)
        nameless.add(2)
        let resource = Resource(attributes: ["service.name": "api"])
        let body = try PrometheusRemoteWriteEncoder().encodeBody([Self.metrics([latency, nameless, memory], resource: resource)])
        #expect(body.rejected == 4)
        #expect(body.reason == #"not representable in remote_write, left out: histogram latency{route="/b"} is inconsistent: 2 counts for 2 bounds, count 3 (4 samples left out in all)"#)
        Self.assertSeries(try Self.decode(body.bytes), [
            ("__name__=latency_bucket,job=api,le=1,route=/a", [(Self.t0ms, 2)]),
            ("__name__=latency_bucket,job=api,le=+Inf,route=/a", [(Self.t0ms, 3)]),
            ("__name__=latency_sum,job=api,route=/a", [(Self.t0ms, 2.5)]),
            ("__name__=latency_count,job=api,route=/a", [(Self.t0ms, 3)]),
            ("__name__=node_memory_MemTotal_bytes,job=api", [(Self.t0ms, 8_000_000_000)]),
        ])
        // `encode` is the same body.
        #expect(try Self.decode(try PrometheusRemoteWriteEncoder().encode([Self.metrics([latency, nameless, memory], resource: resource)]))
            == (try Self.decode(body.bytes)))

        var bare = MetricFamily(name: "latency", help: "", kind: .histogram)
        bare.add(1)
        let alone = try PrometheusRemoteWriteEncoder().encodeBody([Self.metrics([bare])])
        #expect(alone.rejected == 1 && alone.reason == "not representable in remote_write, left out: histogram latency is inconsistent: no buckets")
        #expect(try Self.decode(alone.bytes).timeseries.isEmpty)
        let clean = try PrometheusRemoteWriteEncoder().encodeBody([Self.metrics([memory])])
        #expect(clean.rejected == 0 && clean.reason.isEmpty)
    }

    @Test("a histogram point with bounds but no counts is its +Inf bucket, _sum and _count only")
    func histogramWithoutCounts() throws {
        let value = HistogramValue(bounds: [0.1, 1], counts: [], sum: 4.5, count: 9)
        let family = MetricFamily(name: "rpc_seconds", help: "", kind: .histogram, samples: [MetricSample(labels: Labels(), histogram: value)])
        let body = try PrometheusRemoteWriteEncoder().encodeBody([Self.metrics([family], resource: Resource(attributes: ["service.name": "api"]))])
        #expect(body.rejected == 0)
        Self.assertSeries(try Self.decode(body.bytes), [
            ("__name__=rpc_seconds_bucket,job=api,le=+Inf", [(Self.t0ms, 9)]),
            ("__name__=rpc_seconds_sum,job=api", [(Self.t0ms, 4.5)]),
            ("__name__=rpc_seconds_count,job=api", [(Self.t0ms, 9)]),
        ])
    }

    @Test("samples of one series across batches become one series in time order; a repeated time keeps the last value")
    func mergingAcrossBatches() throws {
        func gauge(_ samples: [(String, Double, Timestamp?)]) -> MetricFamily {
            MetricFamily(
                name: "queue_depth", help: "", kind: .gauge,
                samples: samples.map { MetricSample(labels: ["queue": $0.0], value: $0.1, timestamp: $0.2) })
        }
        let t10 = Timestamp(nanosecondsSinceEpoch: 10_000_000_000)
        let t20 = Timestamp(nanosecondsSinceEpoch: 20_000_000_000)
        let t5 = Timestamp(nanosecondsSinceEpoch: 5_000_999_999)
        let other = Resource(attributes: ["service.name": "other"])
        let batches = [
            Self.metrics([gauge([("a", 2, nil), ("b", 20, nil), ("a", 0.5, t5)])], at: t20),
            Self.metrics([gauge([("a", 1, nil)])], at: t10),
            Self.metrics([gauge([("a", 3, nil)])], at: t20),
            Self.metrics([gauge([("a", 9, nil)])], at: t20, resource: other),
        ]
        let request = try Self.encode(batches, options: RemoteWriteOptions(resourceLabels: ["service.name": "job"]))
        Self.assertSeries(request, [
            ("__name__=queue_depth,job=checkout,queue=a", [(5000, 0.5), (10_000, 1), (20_000, 3)]),
            ("__name__=queue_depth,job=checkout,queue=b", [(20_000, 20)]),
            ("__name__=queue_depth,job=other,queue=a", [(20_000, 9)]),
        ])
    }

    @Test("metadata: TYPE, HELP and unit once per family; none when disabled")
    func metadata() throws {
        var counter = MetricFamily(name: "node_network_receive_bytes_total", help: "Bytes received.", kind: .counter, unit: "By")
        counter.add(1, ["device": "eth0"])
        counter.add(2, ["device": "lo"])
        let histogram = MetricFamily(
            name: "rpc.duration", help: "RPC latency.", kind: .histogram, unit: "s",
            samples: [MetricSample(labels: Labels(), histogram: HistogramValue(bounds: [1], counts: [1, 0], sum: 0.5, count: 1))])
        var gauge = MetricFamily(name: "node_load1", help: "1m load average.", kind: .gauge, unit: "1")
        gauge.add(0.5)
        let batches = [Self.metrics([counter, histogram, gauge]), Self.metrics([counter], at: Timestamp(nanosecondsSinceEpoch: 0))]
        let request = try Self.encode(batches)
        #expect(request.metadata.map(\.metricFamilyName) == ["node_network_receive_bytes_total", "rpc_duration", "node_load1"])
        #expect(request.metadata.map(\.type) == [.counter, .histogram, .gauge])
        #expect(request.metadata.map(\.help) == ["Bytes received.", "RPC latency.", "1m load average."])
        #expect(request.metadata.map(\.unit) == ["bytes", "seconds", ""])
        let without = try Self.encode(batches, options: RemoteWriteOptions(sendMetadata: false))
        #expect(without.metadata.isEmpty && without.timeseries.count == request.timeseries.count)
    }

    @Test("a batch of another signal is refused")
    func otherSignals() {
        #expect(throws: EncodingFailure("prometheus_remote_write carries metrics only, got logs")) {
            try PrometheusRemoteWriteEncoder().encode([.logs([LogRecord(observedTimestamp: Self.t0, body: [])])])
        }
    }

    @Test("an empty delivery is an empty, valid request")
    func empty() throws {
        let request = try Self.encode([Self.metrics([MetricFamily(name: "unused", help: "", kind: .gauge)])])
        #expect(request.timeseries.isEmpty && request.metadata.isEmpty)
    }
}

@Suite("Prometheus remote_write: response classifier")
struct RemoteWriteClassifierTests {
    @Test("2xx delivered; 5xx and 429 retried with Retry-After; every other status permanent (408 too, per the spec)")
    func statuses() {
        let classifier = RemoteWriteResponseClassifier()
        for status in [200, 204] {
            #expect(classifier.classify(status: status, retryAfter: nil, body: []) == .delivered)
        }
        for status in [429, 500, 502, 503, 504] {
            guard case .retryable(let reason, let retryAfter) = classifier.classify(status: status, retryAfter: .seconds(3), body: []) else {
                Issue.record("\(status) not retryable")
                continue
            }
            #expect(retryAfter == .seconds(3) && reason.hasPrefix("\(status) "))
        }
        for status in [301, 400, 401, 403, 404, 408, 409, 413, 422] {
            guard case .permanent = classifier.classify(status: status, retryAfter: nil, body: []) else {
                Issue.record("\(status) not permanent")
                continue
            }
        }
        let body = Array("out of order sample\n".utf8)
        #expect(classifier.classify(status: 400, retryAfter: nil, body: body) == .permanent(reason: "400 Bad Request: out of order sample"))
    }
}
