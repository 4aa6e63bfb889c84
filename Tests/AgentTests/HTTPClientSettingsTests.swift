import Agent
import Testing
import YAML

/// The HTTP keys every HTTP exporter shares, as a user writes them: TLS (CA, mutual TLS,
/// server name, skip-verify), headers from files, and the mistakes validation catches.
@Suite("Config: HTTP exporter keys (tls, headers_from_files, auth)")
struct HTTPClientSettingsTests {
    let loader = ConfigLoader(catalog: .standard, environment: EnvironmentSubstitution([:]))

    func errors(_ exporter: String) -> [String] {
        let document = """
            sources:
              demo: {type: demo_logs}
            exporters:
              out:
            \(exporter.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            pipelines:
              logs: {sources: [demo], exporters: [out]}
            """
        return configErrors { () throws(ConfigLoadError) in try loader.load(bytes: Array(document.utf8), file: "outrider.yaml") }
    }

    @Test func everyTLSKeyAndHeaderFilesAreAccepted() {
        #expect(errors("""
            type: http
            endpoint: https://10.0.0.7:9999/ingest
            headers: {X-Tenant: platform}
            headers_from_files: {X-Api-Key: /var/run/secrets/api-key}
            auth: {bearer_token_file: /var/run/secrets/token}
            tls:
              ca_file: /etc/outrider/ca.crt
              cert_file: /etc/outrider/client.crt
              key_file: /etc/outrider/client.key
              server_name: collector.observability.svc
              insecure_skip_verify: false
            """) == [])
    }

    @Test func mistakesAreNamedWithTheirKey() {
        let found = errors("""
            type: http
            endpoint: http://127.0.0.1:9999/ingest
            headers: {X-Api-Key: inline}
            headers_from_files: {X-Api-Key: relative/path, Content-Type: /etc/ct, Authorization: /etc/auth}
            auth: {bearer_token_file: /var/run/secrets/token}
            tls: {cert_file: /etc/client.crt, ca_file: ca.crt, server_name: "host:443"}
            """)
        let expected = [
            "headers_from_files.Content-Type: \"Content-Type\" is set by the exporter itself",
            "headers_from_files.X-Api-Key: \"X-Api-Key\" is also set in headers: set it in one place",
            "headers_from_files.X-Api-Key: must be an absolute path, got \"relative/path\"",
            "headers_from_files: Authorization comes from auth.bearer_token_file already",
            "tls.ca_file: must be an absolute path, got \"ca.crt\"",
            "tls.key_file: cert_file and key_file go together (mutual TLS): set both or neither",
            "tls.server_name: expected a host name, got \"host:443\"",
            "tls: tls settings need an https:// endpoint, got \"http://127.0.0.1:9999/ingest\"",
        ]
        for message in expected {
            #expect(found.contains { $0.hasSuffix(message) }, "missing: \(message) in \(found)")
        }
        #expect(found.count == expected.count, "\(found)")
    }
}

extension HTTPClientSettingsTests {
    /// A failed reload's errors are shown on /status: no credential may be in them.
    @Test func credentialsNeverAppearInConfigErrors() {
        let found = errors("""
            type: otlp_http
            endpoint: https://svc:hunter2@collector:4318
            traces_endpoint: https://TOKEN123@tempo:4318/v1/traces
            headers: {Authorization: "Bearer abc.def\\nX: y"}
            """)
        let text = found.joined(separator: "\n")
        #expect(!text.contains("hunter2") && !text.contains("TOKEN123") && !text.contains("abc.def"), "\(text)")
        #expect(found.contains { $0.hasSuffix(
            "endpoint: credentials in the URL (\"https://***@collector:4318\") are not sent; put them in auth.bearer_token_file or headers_from_files (e.g. Authorization: Basic …)") })
        #expect(found.contains { $0.contains("traces_endpoint: credentials in the URL (\"https://***@tempo:4318/v1/traces\")") })
        #expect(found.contains { $0.hasSuffix("headers.Authorization: header values must not contain line breaks") })
        #expect(found.count == 3, "\(found)")
    }
}
