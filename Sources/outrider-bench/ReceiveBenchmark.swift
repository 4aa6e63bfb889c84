import AsyncHTTPClient
import Exporters
import Glibc
import NIOCore
import Telemetry

/// `outrider-bench otlp-load PORT SECONDS CONCURRENCY [RATE]`: an OpenTelemetry SDK's worth of
/// load on the agent's OTLP receiver. Sends `POST /v1/traces` with protobuf bodies of 512
/// server spans (as an SDK's BatchSpanProcessor does) to 127.0.0.1:PORT for SECONDS.
///
/// Without RATE it is closed-loop: CONCURRENCY connections each send the next request as soon
/// as the previous one is answered — the receiver's maximum. With RATE (requests per second)
/// it is open-loop: requests start on a fixed schedule whatever the answers, and each latency
/// is measured from its scheduled start, so a stalled receiver shows in the tail instead of
/// slowing the load down (no coordinated omission). Prints one JSON line: requests answered
/// 200, 503/429 (back-pressure), other failures, spans accepted, wall seconds, latencies.
func otlpLoadBenchmark(port: Int, seconds: Double, concurrency: Int, rate: Double?) async {
    var configuration = HTTPClientDefaults.configuration()
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(concurrency, 1)
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    let bodies = (0..<16).map { SpanLoad.body(seed: UInt64($0)) }
    let url = "http://127.0.0.1:\(port)/v1/traces"

    let start = monotonicSeconds()
    let deadline = start + seconds
    let results: [LoadResult]
    if let rate, rate > 0 {
        results = await withTaskGroup(of: LoadResult.self) { group in
            var index = 0
            while true {
                let scheduled = start + Double(index) / rate
                if scheduled >= deadline { break }
                let wait = scheduled - monotonicSeconds()
                if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
                let body = bodies[index % bodies.count]
                group.addTask { await SpanLoad.send(client, url: url, body: body, since: scheduled) }
                index += 1
            }
            var all: [LoadResult] = []
            for await result in group { all.append(result) }
            return all
        }
    } else {
        results = await withTaskGroup(of: [LoadResult].self) { group in
            for worker in 0..<max(concurrency, 1) {
                group.addTask {
                    var mine: [LoadResult] = []
                    var index = worker
                    while monotonicSeconds() < deadline {
                        mine.append(await SpanLoad.send(client, url: url, body: bodies[index % bodies.count], since: monotonicSeconds()))
                        index += concurrency
                    }
                    return mine
                }
            }
            var all: [LoadResult] = []
            for await part in group { all.append(contentsOf: part) }
            return all
        }
    }
    let wall = monotonicSeconds() - start
    try? await client.shutdown()

    let accepted = results.filter { $0.status == 200 }
    let refused = results.filter { $0.status == 503 || $0.status == 429 }.count
    let failed = results.count - accepted.count - refused
    let latencies = accepted.map(\.seconds).sorted()
    let fields = [
        "\"requests_ok\":\(accepted.count)", "\"requests_refused\":\(refused)", "\"requests_failed\":\(failed)",
        "\"spans_accepted\":\(accepted.count * SpanLoad.spansPerRequest)", "\"wall_s\":\(wall)",
        "\"p50_ms\":\(milliseconds(percentile(latencies, 50)))", "\"p90_ms\":\(milliseconds(percentile(latencies, 90)))",
        "\"p99_ms\":\(milliseconds(percentile(latencies, 99)))", "\"max_ms\":\(milliseconds(latencies.last ?? 0))",
    ]
    print("{" + fields.joined(separator: ",") + "}")
}

struct LoadResult: Sendable {
    /// The HTTP status, 0 when the request failed without one.
    let status: Int
    let seconds: Double
}

enum SpanLoad {
    static let spansPerRequest = 512

    static func send(_ client: HTTPClient, url: String, body: ByteBuffer, since: Double) async -> LoadResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            return LoadResult(status: Int(response.status.code), seconds: monotonicSeconds() - since)
        } catch {
            return LoadResult(status: 0, seconds: monotonicSeconds() - since)
        }
    }

    /// One ExportTraceServiceRequest of 512 server spans with distinct random trace ids (so a
    /// `sample` processor in the pipeline sees a realistic spread), six attributes each.
    static func body(seed: UInt64) -> ByteBuffer {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let now = BenchData.now
        let spans = (0..<spansPerRequest).map { index in
            Span(
                traceID: TraceID(high: next(), low: next()), spanID: SpanID(next() | 1),
                parentSpanID: SpanID(next() | 1), name: "GET /api/v1/orders/{id}", kind: .server,
                start: now, end: Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch + 12_500_000),
                attributes: [
                    "http.request.method": "GET", "http.route": "/api/v1/orders/{id}", "http.response.status_code": 200,
                    "url.path": .string("/api/v1/orders/\(index)"), "server.address": "checkout", "user_agent.original": "curl/8.5",
                ],
                status: Span.Status(code: .ok), scope: InstrumentationScope(name: "io.opentelemetry.http", version: "1.0"))
        }
        let bytes = (try? OTLPProtobufEncoder(signal: .traces).encode([.spans(spans, resource: BenchData.resource)])) ?? []
        return ByteBuffer(bytes: bytes)
    }
}
