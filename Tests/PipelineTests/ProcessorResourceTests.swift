import Testing
import Telemetry
@testable import Pipeline

@Suite("ResourceProcessor")
struct ProcessorResourceTests {
    static let now = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)

    static let downwardAPI = [
        "POD_NAME": "checkout-7d9f-abcde", "POD_NAMESPACE": "shop", "POD_UID": "0b1c2d3e-aaaa-bbbb-cccc-1234567890ab",
        "NODE_NAME": "node-3", "POD_IP": "10.1.2.3", "CONTAINER_NAME": "checkout", "K8S_DEPLOYMENT_NAME": "checkout",
        "HOME": "/root", "PATH": "/usr/bin",
    ]

    static func logs(_ resource: Resource = Resource()) -> TelemetryBatch {
        .logs([LogRecord(observedTimestamp: now, body: Array("x".utf8))], resource: resource)
    }

    @Test("Downward API variables become semantic-convention attributes; other variables are ignored")
    func downwardAPIAttributes() {
        let processor = ResourceProcessor(name: "k8s", environment: Self.downwardAPI)
        var batch = Self.logs()
        processor.process(&batch)
        #expect(batch.resource.attributes == [
            "k8s.namespace.name": "shop", "k8s.pod.name": "checkout-7d9f-abcde",
            "k8s.pod.uid": "0b1c2d3e-aaaa-bbbb-cccc-1234567890ab", "k8s.pod.ip": "10.1.2.3", "k8s.node.name": "node-3",
            "k8s.container.name": "checkout", "k8s.deployment.name": "checkout",
        ])
    }

    @Test("empty variables are skipped; K8S_-prefixed spellings are read when the plain one is missing or empty")
    func alternativeSpellings() {
        let processor = ResourceProcessor(
            name: "k8s", environment: ["POD_NAME": "", "K8S_POD_NAME": "from-prefixed", "POD_IP": "", "K8S_NODE_NAME": "n1"])
        #expect(processor.attributes == ["k8s.pod.name": "from-prefixed", "k8s.node.name": "n1"])
        #expect(ResourceProcessor(name: "k8s").attributes.isEmpty)
    }

    @Test("configured attributes are added in key order and beat the environment")
    func configured() {
        let processor = ResourceProcessor(
            name: "k8s", attributes: ["team": "payments", "k8s.pod.name": "pinned", "deployment.environment": "prod"],
            environment: ["POD_NAME": "from-env", "NODE_NAME": "node-1"])
        #expect(processor.attributes.pairs.map(\.key) == ["k8s.pod.name", "k8s.node.name", "deployment.environment", "team"])
        #expect(processor.attributes["k8s.pod.name"] == "pinned")
    }

    @Test("keys the data already has are kept unless override is set")
    func noOverride() {
        let sdk = Resource(attributes: ["service.name": "checkout", "k8s.pod.name": "set-by-sdk"])
        let keep = ResourceProcessor(name: "k8s", attributes: ["service.name": "other"], environment: ["POD_NAME": "env-pod", "NODE_NAME": "n"])
        var batch = Self.logs(sdk)
        keep.process(&batch)
        #expect(batch.resource.attributes == ["service.name": "checkout", "k8s.pod.name": "set-by-sdk", "k8s.node.name": "n"])

        let replace = ResourceProcessor(name: "k8s", attributes: ["service.name": "other"], environment: ["POD_NAME": "env-pod"], override: true)
        var replaced = Self.logs(sdk)
        replace.process(&replaced)
        #expect(replaced.resource.attributes == ["service.name": "other", "k8s.pod.name": "env-pod"])
    }

    @Test("every signal gets the attributes; events are not touched")
    func allSignals() {
        let processor = ResourceProcessor(name: "k8s", environment: ["POD_NAMESPACE": "shop"])
        let span = Span(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), name: "s", start: Self.now, end: Self.now)
        var family = MetricFamily(name: "up", help: "", kind: .gauge)
        family.add(1)
        for var batch in [Self.logs(), .spans([span]), .metrics(MetricBatch(families: [family], timestamp: Self.now))] {
            let payload = batch.payload
            processor.process(&batch)
            #expect(batch.resource.attributes["k8s.namespace.name"] == "shop", "\(batch.signal)")
            #expect(batch.payload == payload)
        }
        #expect(processor.counters.isEmpty)
    }
}
