import AsyncHTTPClient
import Exporters
import Glibc
import Logging
import Telemetry

/// `outrider-bench export PORT ITEMS`: each exporter's encoder and the shared `HTTPSender`
/// (the code the agent runs) sending ITEMS log records, metric points or spans, in batches of
/// 1 000, four requests in flight, to `outrider-sink` on 127.0.0.1:PORT. Reports items/s,
/// request bytes, and this process's CPU seconds per million items — once for encoding
/// alone and once for encoding plus sending. The sink's own CPU is the script's to report.
func exportBenchmark(port: Int, items: Int) async {
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClientDefaults.configuration())
    let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    let base = "http://127.0.0.1:\(port)"
    let cases: [(name: String, path: String, compression: HTTPCompression, encoder: any BatchEncoder, data: TelemetryBatch)] = [
        ("otlp_http logs protobuf", "/v1/logs", .none, OTLPProtobufEncoder(signal: .logs), BenchData.logs),
        ("otlp_http logs protobuf+gzip", "/v1/logs", .gzip, OTLPProtobufEncoder(signal: .logs), BenchData.logs),
        ("otlp_http logs json", "/v1/logs", .none, OTLPJSONEncoder(signal: .logs), BenchData.logs),
        ("otlp_http metrics protobuf", "/v1/metrics", .none, OTLPProtobufEncoder(signal: .metrics), BenchData.metrics),
        ("otlp_http traces protobuf", "/v1/traces", .none, OTLPProtobufEncoder(signal: .traces), BenchData.spans),
        ("prometheus_remote_write", "/api/v1/write", .none, PrometheusRemoteWriteEncoder(), BenchData.metrics),
        ("loki", "/loki/api/v1/push", .none, LokiPushEncoder(), BenchData.logs),
        ("loki gzip", "/loki/api/v1/push", .gzip, LokiPushEncoder(), BenchData.logs),
        ("http json_lines logs", "/ingest", .none, JSONLinesEncoder(), BenchData.logs),
    ]
    print("| exporter | items/s (encode+send) | MB/s on the wire | CPU-s / M items encode | CPU-s / M items encode+send |")
    print("|---|---|---|---|---|")
    let requests = max(1, items / BenchData.batchSize)
    for benchCase in cases {
        let batches = [benchCase.data]
        // Encoding alone.
        let encodeStart = ownCPUSeconds()
        var encodedBytes = 0
        for _ in 0..<requests { encodedBytes &+= (try? benchCase.encoder.encode(batches).count) ?? 0 }
        let encodeCPU = ownCPUSeconds() - encodeStart
        _ = encodedBytes
        // Encoding and sending, as the delivery loop does (four in flight).
        let sender: HTTPSender
        do {
            sender = try HTTPSender(
                client: client,
                configuration: HTTPSenderConfiguration(endpoint: base + benchCase.path, compression: benchCase.compression),
                encoder: benchCase.encoder, logger: logger)
        } catch {
            print("| \(benchCase.name) | cannot start: \(error) |")
            continue
        }
        let cpuStart = ownCPUSeconds()
        let wallStart = monotonicSeconds()
        let (failures, wire) = await withTaskGroup(of: SendAttempt.self) { group -> (Int, Int) in
            var failures = 0
            var wire = 0
            var started = 0
            func record(_ attempt: SendAttempt) {
                if attempt.outcome != .delivered { failures += 1 }
                wire += attempt.bytes ?? 0
            }
            while started < requests {
                if started >= 4, let attempt = await group.next() { record(attempt) }
                group.addTask { await sender.attempt(batches) }
                started += 1
            }
            for await attempt in group { record(attempt) }
            return (failures, wire)
        }
        let wall = monotonicSeconds() - wallStart
        let cpu = ownCPUSeconds() - cpuStart
        let sent = Double(requests * BenchData.batchSize)
        let perMillion = { (seconds: Double) in format(seconds / sent * 1_000_000) }
        print("| \(benchCase.name) | \(Int(sent / wall)) | \(format(Double(wire) / wall / 1e6)) | \(perMillion(encodeCPU)) | \(perMillion(cpu))\(failures > 0 ? " (\(failures) failed requests)" : "") |")
    }
    try? await client.shutdown()
}

private func format(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

/// One batch per signal, shaped like what the agent carries: log lines of ~190 bytes with
/// a file path attribute and trace context; node_exporter-like CPU counters; server spans
/// with a handful of attributes. The same batch is sent again and again.
enum BenchData {
    static let batchSize = 1000
    static let now = Timestamp(nanosecondsSinceEpoch: 1_795_000_000_000_000_000)
    static let resource = Resource(attributes: [
        "service.name": "checkout", "k8s.namespace.name": "shop", "k8s.pod.name": "checkout-7d9f8c6b5-x2x9z",
        "k8s.container.name": "checkout",
    ])

    static let logs: TelemetryBatch = {
        let attributes: Attributes = ["log.file.path": "/var/log/app/checkout.log"]
        let records = (0..<batchSize).map { index -> LogRecord in
            let trace = TraceID(high: 0x4bf9_2f35_77b3_4da6, low: UInt64(index))
            let body = #"{"ts":"2026-11-24T18:00:00.\#(100 + index % 900)Z","level":"info","msg":"request served","#
                + #""route":"/api/v1/orders/\#(index)","status":200,"duration_ms":12.5,"user":"u-\#(index % 97)"}"#
            return LogRecord(
                timestamp: Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch + Int64(index)), observedTimestamp: now,
                severity: .info, body: Array(body.utf8), attributes: attributes, traceID: trace, spanID: SpanID(UInt64(index + 1)),
                flags: 1)
        }
        return .logs(records, resource: resource)
    }()

    static let metrics: TelemetryBatch = {
        let modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"]
        var family = MetricFamily(name: "node_cpu_seconds_total", help: "Seconds the CPUs spent in each mode.", kind: .counter, unit: "s")
        for index in 0..<batchSize {
            family.add(Double(index) * 13.25, ["cpu": String(index / modes.count), "mode": modes[index % modes.count]])
        }
        return .metrics(MetricBatch(families: [family], timestamp: now), resource: resource)
    }()

    static let spans: TelemetryBatch = {
        let spans = (0..<batchSize).map { index in
            Span(
                traceID: TraceID(high: 0x4bf9_2f35_77b3_4da6, low: UInt64(index)), spanID: SpanID(UInt64(index + 1)),
                parentSpanID: SpanID(UInt64(index + 100_000)), name: "GET /api/v1/orders/{id}", kind: .server,
                start: now, end: Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch + 12_500_000),
                attributes: [
                    "http.request.method": "GET", "http.route": "/api/v1/orders/{id}", "http.response.status_code": 200,
                    "url.path": .string("/api/v1/orders/\(index)"), "server.address": "checkout", "user_agent.original": "curl/8.5",
                ],
                status: Span.Status(code: .ok), scope: InstrumentationScope(name: "io.opentelemetry.http", version: "1.0"))
        }
        return .spans(spans, resource: resource)
    }()
}
