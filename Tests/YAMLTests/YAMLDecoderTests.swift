import Testing
@testable import YAML

@Suite("YAMLDecoder")
struct YAMLDecoderTests {
    /// One valid document and the value it must decode to, whatever the type.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let check: @Sendable () throws -> Void
        var testDescription: String { name }

        static func decoding<T: Decodable & Equatable & Sendable>(
            _ name: String, _ yaml: String, as type: T.Type, environment: [String: String] = [:], expect expected: T
        ) -> Case {
            Case(name: name) {
                let decoded = try decoder(environment).decode(type, from: Array(yaml.utf8), file: "test.yaml")
                #expect(decoded == expected)
            }
        }
    }

    static let documents: [Case] = [
        .decoding("nested block struct", """
            endpoint: http://collector:4318
            timeout: 10s
            headers:
              X-Tenant: platform
            """, as: Exporter.self,
            expect: Exporter(endpoint: "http://collector:4318", timeout: ConfigDuration(.seconds(10)),
                             headers: ["X-Tenant": "platform"])),
        .decoding("flow struct", "{endpoint: x, headers: {a: b, c: d}}", as: Exporter.self,
                  expect: Exporter(endpoint: "x", headers: ["a": "b", "c": "d"])),
        .decoding("absent and null optionals are nil", "endpoint: x\ntimeout:\nheaders: ~\n", as: Exporter.self,
                  expect: Exporter(endpoint: "x")),
        .decoding("snake_case keys and value types", """
            listen: "[::1]:8080"
            shutdown_timeout: 1m30s
            """, as: Listener.self,
            expect: Listener(listen: HostPort(host: "::1", port: 8080), shutdownTimeout: ConfigDuration(.seconds(90)))),
        .decoding("byte size, ratio and enum", "max_size: 256MiB\nsampling: 10%\nwhen_full: drop_oldest\n",
                  as: Buffer.self,
                  expect: Buffer(maxSize: ByteSize(bytes: 256 << 20), sampling: Ratio(0.1), whenFull: .dropOldest)),
        .decoding("dictionary of structs with lists", """
            pipelines:
              logs:
                sources: [app_logs, app_otlp]
                exporters:
                  - collector
              traces: {sources: [app_otlp], exporters: []}
            """, as: Pipelines.self,
            expect: Pipelines(pipelines: [
                "logs": Pipeline(sources: ["app_logs", "app_otlp"], exporters: ["collector"]),
                "traces": Pipeline(sources: ["app_otlp"], exporters: []),
            ])),
        .decoding("anchors and merge keys", """
            x-defaults: &defaults
              timeout: 5s
              compression: gzip
            exporters:
              a: {<<: *defaults, endpoint: http://a}
              b:
                <<: *defaults
                endpoint: http://b
                timeout: 1s
            """, as: Sections.self,
            expect: Sections(exporters: [
                "a": Exporter(endpoint: "http://a", timeout: ConfigDuration(.seconds(5)), compression: "gzip"),
                "b": Exporter(endpoint: "http://b", timeout: ConfigDuration(.seconds(1)), compression: "gzip"),
            ])),
        .decoding("integers", "int: -42\nint8: -128\nuint16: 65535\nuint64: 18446744073709551615\n",
                  as: Numbers.self, expect: Numbers(int: -42, int8: -128, uint16: 65535, uint64: .max)),
        .decoding("hex, octal and explicit sign", "int: 0x1F\nint8: -0o17\nuint16: +8080\n",
                  as: Numbers.self, expect: Numbers(int: 31, int8: -15, uint16: 8080)),
        .decoding("128-bit integers", "int128: -170141183460469231731687303715884105728\n",
                  as: Numbers.self, expect: Numbers(int128: .min)),
        .decoding("floats", "double: -1.5e3\nfloat: .5\n", as: Numbers.self, expect: Numbers(double: -1500, float: 0.5)),
        .decoding("infinity", "double: -.inf\nfloat: .Inf\n", as: Numbers.self,
                  expect: Numbers(double: -.infinity, float: .infinity)),
        .decoding("integers decode as floats", "double: 0x10\n", as: Numbers.self, expect: Numbers(double: 16)),
        .decoding("booleans ignore case", "bool: TRUE\n", as: Numbers.self, expect: Numbers(bool: true)),
        .decoding("quoted numbers are accepted", "uint16: \"8080\"\nbool: 'false'\n", as: Numbers.self,
                  expect: Numbers(uint16: 8080, bool: false)),
        .decoding("plain numbers are strings when asked", "string: 8080\n", as: Numbers.self,
                  expect: Numbers(string: "8080")),
        .decoding("quoted empty string is a string", "string: ''\n", as: Numbers.self, expect: Numbers(string: "")),
        .decoding("literal and folded strings", "name: |\n  line one\n  line two\ntags:\n  - >\n    folded\n    text\n",
                  as: Service.self, expect: Service(name: "line one\nline two\n", tags: ["folded text\n"])),
        .decoding("top-level list", "- 1\n- 2\n", as: [Int].self, expect: [1, 2]),
        .decoding("optional list items", "[1, ~, 3]", as: [Int?].self, expect: [1, nil, 3]),
        .decoding("nested lists", "[[a], [], [b, c]]", as: [[String]].self, expect: [["a"], [], ["b", "c"]]),
        .decoding("dictionary with integer keys", "{1: a, 20: b}", as: [Int: String].self, expect: [1: "a", 20: "b"]),
        .decoding("substituted plain scalar stays a number", "uint16: ${PORT}\nstring: ${HOST:-localhost}\n",
                  as: Numbers.self, environment: ["PORT": "8080"], expect: Numbers(uint16: 8080, string: "localhost")),
        .decoding("default applies to an empty variable", "name: ${NAME:-checkout}\n", as: Service.self,
                  environment: ["NAME": ""], expect: Service(name: "checkout")),
        .decoding("escaped reference is literal", "name: price $5 and $${NOT_A_VAR}\n", as: Service.self,
                  expect: Service(name: "price $5 and ${NOT_A_VAR}")),
        .decoding("substitution in nested list items", "name: a\ntags: [x, \"${POD}-1\", '${NODE:-n}']\n",
                  as: Service.self, environment: ["POD": "pod-7"], expect: Service(name: "a", tags: ["x", "pod-7-1", "n"])),
        .decoding("keys are never substituted", "name: x\nattributes: {\"${KEY}\": v}\n", as: Service.self,
                  expect: Service(name: "x", attributes: ["${KEY}": "v"])),
    ]

    @Test(arguments: documents)
    func decodesDocument(_ testCase: Case) throws {
        try testCase.check()
    }

    @Test func decodesNaN() throws {
        let numbers = try decoder().decode(Numbers.self, from: Array("double: .nan\n".utf8), file: "t.yaml")
        #expect(numbers.double?.isNaN == true)
    }

    @Test func substitutionCannotChangeStructure() throws {
        let environment = ["EVIL": "x\nendpoint: hijacked", "LIST": "[a, b]"]
        let exporter = try decoder(environment).decode(
            Exporter.self, from: Array("endpoint: ${EVIL}\ncompression: ${LIST}\n".utf8), file: "t.yaml")
        #expect(exporter.endpoint == "x\nendpoint: hijacked")
        #expect(exporter.compression == "[a, b]")
    }

    @Test func sectionsDecodeSeparatelyWithTheirPaths() throws {
        let yaml = """
            exporters:
              good: {endpoint: http://a}
              bad: {endpoint: http://b, timeout: soon}
              typo: {endpont: http://c}
              extra: {endpoint: http://d, compresion: gzip}
            """
        let sections = try decoder().decode([String: Node].self, from: Array(yaml.utf8), file: "agent.yaml")
        let exporters = try decoder().decode([String: Node].self, from: try #require(sections["exporters"]),
                                             file: "agent.yaml", path: ["exporters"])
        var errors: [String] = []
        for name in exporters.keys.sorted() {
            do {
                _ = try decoder().decode(Exporter.self, from: exporters[name]!, file: "agent.yaml", path: ["exporters", name])
            } catch {
                errors.append(error.description)
            }
        }
        #expect(errors == [
            #"agent.yaml:3:38: exporters.bad.timeout: expected a duration like "5s", got "soon""#,
            #"agent.yaml:5:31: exporters.extra.compresion: unknown key "compresion" (did you mean "compression"?)"#,
            #"agent.yaml:4:9: exporters.typo: missing required key "endpoint" (is "endpont" a typo?)"#,
        ])
    }

    @Test func nodeSectionsKeepSubstitutedValues() throws {
        let sections = try decoder(["E": "http://env"]).decode(
            [String: Node].self, from: Array("exporter: {endpoint: '${E}'}".utf8), file: "t.yaml")
        #expect(sections["exporter"]?["endpoint"]?.scalarValue == "http://env")
        // Decoding the section again must not substitute a second time.
        let escaped = try decoder().decode([String: Node].self, from: Array("a: {endpoint: \"$${E}\"}".utf8), file: "t.yaml")
        let exporter = try decoder(["E": "wrong"]).decode(Exporter.self, from: escaped["a"]!, file: "t.yaml", path: ["a"])
        #expect(exporter.endpoint == "${E}")
    }

    @Test func locatedRecordsMarkAndPath() throws {
        let yaml = "pipelines:\n  logs:\n    sources: [a, b]\n"
        struct Sources: Decodable { var sources: [Located<String>] }
        let decoded = try decoder().decode([String: [String: Sources]].self, from: Array(yaml.utf8), file: "t.yaml")
        let second = try #require(decoded["pipelines"]?["logs"]?.sources[1])
        #expect(second.value == "b")
        #expect(second.mark == Mark(line: 3, column: 18))
        #expect(second.path == "pipelines.logs.sources[1]")
        #expect(second.error(file: "t.yaml", "no source named \"b\"").description
                == #"t.yaml:3:18: pipelines.logs.sources[1]: no source named "b""#)
    }

    @Test func userInfoReachesTypes() throws {
        struct ReadsUserInfo: Decodable {
            var flag: Bool
            init(from decoder: any Decoder) throws {
                flag = decoder.userInfo[Self.key] as? Bool ?? false
            }
            static let key = CodingUserInfoKey(rawValue: "flag")!
        }
        let decoder = YAMLDecoder(environment: EnvironmentSubstitution([:]), userInfo: [ReadsUserInfo.key: true])
        #expect(try decoder.decode(ReadsUserInfo.self, from: Array("~".utf8), file: "t.yaml").flag)
    }

    @Test func codingPathUsesConventionalKeys() throws {
        struct RecordsPath: Decodable {
            var path: [String]
            init(from decoder: any Decoder) throws {
                path = decoder.codingPath.map(\.stringValue)
            }
        }
        let decoded = try decoder().decode([String: [RecordsPath]].self, from: Array("a: [x, y]".utf8),
                                           file: "t.yaml")
        #expect(decoded["a"]?.map(\.path) == [["a", "Index 0"], ["a", "Index 1"]])
    }

    @Test func typesMayRetryAListItemAsAnotherType() throws {
        struct IntOrString: Decodable, Equatable {
            var values: [String]
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                values = []
                while !container.isAtEnd {
                    if let number = try? container.decode(Int.self) {
                        values.append("int \(number)")
                    } else {
                        values.append("string \(try container.decode(String.self))")
                    }
                }
            }
        }
        let decoded = try decoder().decode(IntOrString.self, from: Array("[1, x]".utf8), file: "t.yaml")
        #expect(decoded.values == ["int 1", "string x"])
    }
}

struct Sections: Decodable, Equatable, Sendable {
    var exporters: [String: Exporter]

    enum CodingKeys: String, CodingKey {
        case exporters
        case defaults = "x-defaults"
    }

    init(exporters: [String: Exporter]) {
        self.exporters = exporters
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        exporters = try container.decode([String: Exporter].self, forKey: .exporters)
        // Anchor-only sections are accepted by asking for them without decoding them.
        _ = container.contains(.defaults)
    }
}
