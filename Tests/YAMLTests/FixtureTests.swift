import Testing
import YAML

@Suite("Fixtures")
struct FixtureTests {
    struct KitchenSink: Decodable, Equatable {
        var exporters: [String: Exporter]
        var listener: Listener
        var buffer: Buffer
        var service: Service

        enum CodingKeys: String, CodingKey {
            case exporters, listener, buffer, service
            case defaults = "x-defaults"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            exporters = try container.decode([String: Exporter].self, forKey: .exporters)
            listener = try container.decode(Listener.self, forKey: .listener)
            buffer = try container.decode(Buffer.self, forKey: .buffer)
            service = try container.decode(Service.self, forKey: .service)
            _ = container.contains(.defaults)
        }
    }

    @Test func kitchenSink() throws {
        let decoded = try decoder(["REGION": "us"]).decode(
            KitchenSink.self, from: try fixture("kitchen-sink.yaml"), file: "kitchen-sink.yaml")
        #expect(decoded.exporters == [
            "primary": Exporter(endpoint: "http://otel-collector:4318", timeout: ConfigDuration(.seconds(10)),
                                headers: ["X-Tenant": "platform", "X-Escaped": "${not_a_var}"], compression: "gzip"),
            "secondary": Exporter(endpoint: "http://backup:4318", timeout: ConfigDuration(.seconds(90)),
                                  compression: "gzip"),
        ])
        #expect(decoded.listener == Listener(listen: HostPort(host: "0.0.0.0", port: 8686),
                                             shutdownTimeout: ConfigDuration(.seconds(25))))
        #expect(decoded.buffer == Buffer(maxSize: ByteSize(bytes: 256 << 20), sampling: Ratio(0.1), whenFull: .block))
        #expect(decoded.service == Service(name: "checkout service", attributes: ["note": "line one\nline two\n"],
                                           tags: ["web", "us"]))
    }

    @Test func configContractExample() throws {
        let bytes = try fixture("config-example.yaml")
        let sections = try decoder().decode([String: Node].self, from: bytes, file: "config-example.yaml")
        #expect(sections.keys.sorted() == ["exporters", "log", "pipelines", "processors", "server", "service", "sources"])
        #expect(sections["service"]?["name"]?.scalarValue == "checkout")
        #expect(sections["sources"]?["app_logs"]?["multiline"]?["start_pattern"]?.scalarValue == #"^\d{4}-\d{2}-\d{2}"#)

        let named = try decoder(["SERVICE_NAME": "cart"]).decode([String: Node].self, from: bytes, file: "config-example.yaml")
        let service = try #require(named["service"]?["name"])
        #expect(service.scalarValue == "cart")
        #expect(service.mark == Mark(line: 4, column: 9))

        let listener = try decoder().decode(Listener.self, from: try #require(sections["server"]),
                                            file: "config-example.yaml", path: ["server"])
        #expect(listener == Listener(listen: HostPort(host: "0.0.0.0", port: 8686),
                                     shutdownTimeout: ConfigDuration(.seconds(25))))
    }
}
