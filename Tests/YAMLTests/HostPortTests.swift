import Testing
import YAML

@Suite("HostPort")
struct HostPortTests {
    @Test(arguments: [
        ("0.0.0.0:8686", "0.0.0.0", 8686, "0.0.0.0:8686"),
        ("localhost:4318", "localhost", 4318, "localhost:4318"),
        ("otel-collector.observability:4318", "otel-collector.observability", 4318, "otel-collector.observability:4318"),
        ("[::1]:8080", "::1", 8080, "[::1]:8080"),
        ("[::]:0", "::", 0, "[::]:0"),
        ("[fe80::1%eth0]:9", "fe80::1%eth0", 9, "[fe80::1%eth0]:9"),
        (":8686", "0.0.0.0", 8686, "0.0.0.0:8686"),
        ("127.0.0.1:0", "127.0.0.1", 0, "127.0.0.1:0"),
        ("host:65535", "host", 65535, "host:65535"),
    ])
    func parses(_ text: String, _ host: String, _ port: Int, _ canonical: String) throws {
        let address = try HostPort(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.description == canonical)
        #expect(try HostPort(parsing: canonical) == address)
    }

    @Test(arguments: [
        ("8686x", #"expected host:port like "0.0.0.0:8686", got "8686x""#),
        ("8686", #"expected host:port like "0.0.0.0:8686", got "8686""#),
        ("", #"expected host:port like "0.0.0.0:8686", got """#),
        ("host:", #"expected host:port like "0.0.0.0:8686", got "host:""#),
        ("host:http", #"expected host:port like "0.0.0.0:8686", got "host:http""#),
        ("host:-1", #"expected host:port like "0.0.0.0:8686", got "host:-1""#),
        ("http://host:80", #"expected host:port like "0.0.0.0:8686", got "http://host:80" (write IPv6 addresses in brackets, like "[::1]:8080")"#),
        ("::1:8080", #"expected host:port like "0.0.0.0:8686", got "::1:8080" (write IPv6 addresses in brackets, like "[::1]:8080")"#),
        ("[]:80", #"expected host:port like "0.0.0.0:8686", got "[]:80""#),
        ("my host:80", #"expected host:port like "0.0.0.0:8686", got "my host:80""#),
        ("host:70000", #"expected a port between 0 and 65535, got "host:70000""#),
        ("host:99999999999999999999", #"expected a port between 0 and 65535, got "host:99999999999999999999""#),
    ])
    func rejects(_ text: String, _ message: String) {
        let error = #expect(throws: ValueParseError.self) { try HostPort(parsing: text) }
        #expect(error?.message == message)
        #expect(HostPort(text) == nil)
    }
}
