import Testing
@testable import YAML

/// Every way a document can be refused, with the exact text an operator would see.
@Suite("Error messages")
struct YAMLErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let expected: String
        let run: @Sendable () throws(YAMLError) -> Void
        var testDescription: String { name }

        static func decoding<T: Decodable & Sendable>(
            _ name: String, _ yaml: String, as type: T.Type, environment: [String: String] = [:], _ expected: String
        ) -> Case {
            Case(name: name, expected: expected) { () throws(YAMLError) in
                _ = try decoder(environment).decode(type, from: Array(yaml.utf8), file: "outrider.yaml")
            }
        }

        static func parsing(_ name: String, _ bytes: [UInt8], _ expected: String) -> Case {
            Case(name: name, expected: expected) { () throws(YAMLError) in
                _ = try YAMLParser.parse(bytes, file: "outrider.yaml")
            }
        }
    }

    static let cases: [Case] = [
        // Syntax and structure, found while parsing.
        .decoding("syntax error", "a: 1\nb: [1, 2\n", as: Node.self,
                  #"outrider.yaml:3:1: did not find expected ',' or ']' (while parsing a flow sequence started at 2:4)"#),
        .decoding("bad indentation", "a:\n  b: 1\n c: 2\n", as: Node.self,
                  "outrider.yaml:3:2: did not find expected key (while parsing a block mapping started at 1:1)"),
        .decoding("tab indentation", "a:\n\tb: 1\n", as: Node.self,
                  "outrider.yaml:2:1: found character that cannot start any token"),
        .decoding("multiple documents", "a: 1\n---\nb: 2\n", as: Node.self,
                  "outrider.yaml:2:1: multiple YAML documents in one file are not supported"),
        .decoding("duplicate key", "exporter:\n  endpoint: a\n  timeout: 1s\n  endpoint: b\n", as: Node.self,
                  #"outrider.yaml:4:3: exporter.endpoint: duplicate key "endpoint" (first at 2:3)"#),
        .decoding("undefined alias", "a: &a 1\nb: [x, *c]\n", as: Node.self,
                  #"outrider.yaml:2:8: b[1]: undefined alias "c""#),
        .decoding("alias bomb", """
            a: &a [x, x, x, x, x, x, x, x, x, x]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
            """, as: Node.self,
                  "outrider.yaml:5:36: e[7]: document expands to too many nodes (alias bomb?)"),
        .decoding("merge of a scalar", "a: {<<: x}\n", as: Node.self,
                  #"outrider.yaml:1:9: a.<<: the merge key "<<" takes a mapping or a list of mappings, got a string "x""#),
        .decoding("merge of a list with a scalar", "a: {<<: [{b: 1}, x]}\n", as: Node.self,
                  #"outrider.yaml:1:18: a.<<[1]: the merge key "<<" takes a mapping or a list of mappings, got a string "x""#),
        .parsing("invalid UTF-8", Array("a: b\nc: d".utf8) + [0xFF, 0x0A], "outrider.yaml:2:5: invalid leading UTF-8 octet"),

        // Unknown and missing keys.
        .decoding("unknown key with a suggestion", "endpoint: x\ntimout: 5s\n", as: Exporter.self,
                  #"outrider.yaml:2:1: timout: unknown key "timout" (did you mean "timeout"?)"#),
        .decoding("unknown key without a close match", "endpoint: x\nfoo: 1\n", as: Exporter.self,
                  #"outrider.yaml:2:1: foo: unknown key "foo" (valid keys: compression, endpoint, headers, timeout)"#),
        .decoding("unknown key in a list item", "sources: [a]\nexporters: [b]\n---x: 1\n".isEmpty ? "" : """
            pipelines:
              logs:
                sources: [a]
                exporters: [b]
                procesors: [c]
            """, as: Pipelines.self,
                  #"outrider.yaml:5:5: pipelines.logs.procesors: unknown key "procesors" (valid keys: exporters, sources)"#),
        .decoding("first unknown key in document order", "b2: 1\nendpoint: x\nheaders: {}\na1: 2\n", as: Exporter.self,
                  #"outrider.yaml:1:1: b2: unknown key "b2" (valid keys: compression, endpoint, headers, timeout)"#),
        .decoding("unknown key in an aliased mapping is reported where written", """
            x-defaults: &defaults {endpoint: a, timout: 1s}
            exporters:
              a: *defaults
            """, as: Sections.self,
                  #"outrider.yaml:1:37: exporters.a.timout: unknown key "timout" (did you mean "timeout"?)"#),
        .decoding("missing required key", "timeout: 5s\n", as: Exporter.self,
                  #"outrider.yaml:1:1: missing required key "endpoint""#),
        .decoding("missing required key, nested", "pipelines:\n  logs:\n    sources: [a]\n", as: Pipelines.self,
                  #"outrider.yaml:3:5: pipelines.logs: missing required key "exporters""#),
        .decoding("missing key that was misspelt", "endpont: x\n", as: Exporter.self,
                  #"outrider.yaml:1:1: missing required key "endpoint" (is "endpont" a typo?)"#),
        .decoding("empty document for a struct", "# nothing\n", as: Exporter.self,
                  "outrider.yaml:1:1: expected a mapping, got null"),

        // Wrong kind of node.
        .decoding("mapping expected, got a list", "exporters: [a]\n", as: Sections.self,
                  "outrider.yaml:1:12: exporters: expected a mapping, got a list"),
        .decoding("list expected, got a string", "pipelines: {logs: {sources: x, exporters: []}}\n", as: Pipelines.self,
                  #"outrider.yaml:1:29: pipelines.logs.sources: expected a list, got a string "x""#),
        .decoding("string expected, got a mapping", "endpoint: {a: b}\n", as: Exporter.self,
                  "outrider.yaml:1:11: endpoint: expected a string, got a mapping"),
        .decoding("string expected, got null", "endpoint: ~\n", as: Exporter.self,
                  "outrider.yaml:1:11: endpoint: expected a string, got null"),
        .decoding("complex mapping key", "? [a]\n: b\n", as: [String: String].self,
                  "outrider.yaml:1:3: expected a string as a mapping key, got a list"),

        // Scalars.
        .decoding("bad bool", "bool: yes\n", as: Numbers.self, #"outrider.yaml:1:7: bool: expected true or false, got "yes""#),
        .decoding("bad int", "int: 12abc\n", as: Numbers.self, #"outrider.yaml:1:6: int: expected an integer, got "12abc""#),
        .decoding("int with underscores", "int: 1_000\n", as: Numbers.self,
                  #"outrider.yaml:1:6: int: expected an integer, got "1_000""#),
        .decoding("int out of range", "uint16: 70000\n", as: Numbers.self,
                  #"outrider.yaml:1:9: uint16: expected an integer between 0 and 65535, got "70000""#),
        .decoding("negative into unsigned", "uint16: -1\n", as: Numbers.self,
                  #"outrider.yaml:1:9: uint16: expected an integer between 0 and 65535, got "-1""#),
        .decoding("int8 underflow", "int8: -129\n", as: Numbers.self,
                  #"outrider.yaml:1:7: int8: expected an integer between -128 and 127, got "-129""#),
        .decoding("Int overflow", "int: 9223372036854775808\n", as: Numbers.self,
                  #"outrider.yaml:1:6: int: expected an integer between -9223372036854775808 and 9223372036854775807, got "9223372036854775808""#),
        .decoding("float where an int is expected", "int: 1.5\n", as: Numbers.self,
                  #"outrider.yaml:1:6: int: expected an integer, got "1.5""#),
        .decoding("bad float", "double: fast\n", as: Numbers.self, #"outrider.yaml:1:9: double: expected a number, got "fast""#),
        .decoding("float overflow", "double: 1e999\n", as: Numbers.self,
                  #"outrider.yaml:1:9: double: expected a number, got "1e999""#),
        .decoding("Float overflow", "float: 1e39\n", as: Numbers.self,
                  #"outrider.yaml:1:8: float: expected a number within the range of Float, got "1e39""#),
        .decoding("list where a number is expected", "int: [1]\n", as: Numbers.self,
                  "outrider.yaml:1:6: int: expected an integer, got a list"),
        // The standard library's own DecodingError, placed at the value like any other.
        .decoding("invalid enum value", "max_size: 1MiB\nwhen_full: drop_new\n", as: Buffer.self,
                  "outrider.yaml:2:12: when_full: Cannot initialize WhenFull from invalid String value drop_new"),

        // Value types.
        .decoding("bad duration", "endpoint: x\ntimeout: fast\n", as: Exporter.self,
                  #"outrider.yaml:2:10: timeout: expected a duration like "5s", got "fast""#),
        .decoding("duration without unit", "endpoint: x\ntimeout: 30\n", as: Exporter.self,
                  #"outrider.yaml:2:10: timeout: expected a duration like "5s", got "30" (add a unit: ns, us, ms, s, m, h or d)"#),
        .decoding("negative duration", "endpoint: x\ntimeout: -5s\n", as: Exporter.self,
                  #"outrider.yaml:2:10: timeout: expected a non-negative duration like "5s", got "-5s""#),
        .decoding("duration given as a list", "endpoint: x\ntimeout: [5s]\n", as: Exporter.self,
                  #"outrider.yaml:2:10: timeout: expected a duration like "5s", got a list"#),
        .decoding("bad byte size", "max_size: lots\n", as: Buffer.self,
                  #"outrider.yaml:1:11: max_size: expected a byte size like "64MiB", got "lots""#),
        .decoding("byte size overflow", "max_size: 9000000TiB\n", as: Buffer.self,
                  #"outrider.yaml:1:11: max_size: expected a byte size below 8EiB, got "9000000TiB""#),
        .decoding("null byte size", "max_size:\n", as: Buffer.self,
                  #"outrider.yaml:1:10: max_size: expected a byte size like "64MiB", got null"#),
        .decoding("bad ratio", "max_size: 1MiB\nsampling: abc\n", as: Buffer.self,
                  #"outrider.yaml:2:11: sampling: expected a ratio like "10%" or 0.1, got "abc""#),
        .decoding("ratio out of range", "max_size: 1MiB\nsampling: 150%\n", as: Buffer.self,
                  #"outrider.yaml:2:11: sampling: expected a ratio between 0% and 100%, got "150%""#),
        .decoding("bad host:port", "listen: 8686x\nshutdown_timeout: 1s\n", as: Listener.self,
                  #"outrider.yaml:1:9: listen: expected host:port like "0.0.0.0:8686", got "8686x""#),
        .decoding("port out of range", "listen: 0.0.0.0:70000\nshutdown_timeout: 1s\n", as: Listener.self,
                  #"outrider.yaml:1:9: listen: expected a port between 0 and 65535, got "0.0.0.0:70000""#),

        // Environment substitution.
        .decoding("unset variable", "endpoint: http://${COLLECTOR_HOST}:4318\n", as: Exporter.self,
                  #"outrider.yaml:1:11: endpoint: environment variable "COLLECTOR_HOST" is not set (write ${COLLECTOR_HOST:-default} to give a default)"#),
        .decoding("unterminated reference", "endpoint: ${HOST\n", as: Exporter.self,
                  #"outrider.yaml:1:11: endpoint: unterminated "${" (write $${ for a literal "${")"#),
        .decoding("bad variable name", "endpoint: \"${1HOST}\"\n", as: Exporter.self,
                  #"outrider.yaml:1:11: endpoint: invalid environment variable name in "${1HOST}" (names are letters, digits and underscores, not starting with a digit)"#),
        .decoding("bad reference syntax", "endpoint: ${HOST:default}\n", as: Exporter.self,
                  #"outrider.yaml:1:11: endpoint: invalid environment variable reference "${HOST:default}" (write ${HOST} or ${HOST:-default})"#),
        .decoding("unset variable in a nested list item", """
            pipelines:
              logs:
                sources: [a]
                exporters:
                  - collector
                  - ${EXTRA_EXPORTER}
            """, as: Pipelines.self,
                  #"outrider.yaml:6:9: pipelines.logs.exporters[1]: environment variable "EXTRA_EXPORTER" is not set (write ${EXTRA_EXPORTER:-default} to give a default)"#),
        .decoding("substituted value that does not decode", "uint16: ${PORT}\n", as: Numbers.self, environment: ["PORT": "http"],
                  #"outrider.yaml:1:9: uint16: expected an integer between 0 and 65535, got "http""#),

        // Errors raised by the types being decoded.
        .decoding("custom validation error", "retry:\n  initial: 10s\n  max: 1s\n", as: [String: Backoff].self,
                  "outrider.yaml:2:3: retry: initial must not exceed max"),
        .decoding("dataCorruptedError(forKey:)", "level: verbose\n", as: Level.self,
                  #"outrider.yaml:1:8: level: expected one of debug, info, warn, error, got "verbose""#),
        .decoding("a bad aliased scalar is reported where it is used", """
            x-defaults: &slow fast
            exporters:
              a: {endpoint: x, timeout: *slow}
            """, as: Sections.self,
                  #"outrider.yaml:3:29: exporters.a.timeout: expected a duration like "5s", got "fast""#),
    ]

    @Test(arguments: cases)
    func reportsError(_ testCase: Case) {
        let error = #expect(throws: YAMLError.self, performing: testCase.run)
        #expect(error?.description == testCase.expected)
    }

    @Test(arguments: [
        (YAMLError(file: "a.yaml", mark: Mark(line: 12, column: 5), path: "x.y", message: "bad"), "a.yaml:12:5: x.y: bad"),
        (YAMLError(file: "a.yaml", mark: Mark(line: 1, column: 1), path: "", message: "bad"), "a.yaml:1:1: bad"),
        (YAMLError(file: "a.yaml", mark: nil, path: "x[0]", message: "bad"), "a.yaml: x[0]: bad"),
        (YAMLError(file: "a.yaml", mark: nil, path: "", message: "bad"), "a.yaml: bad"),
        (YAMLError(file: "", mark: Mark(line: 2, column: 3), path: "", message: "bad"), "2:3: bad"),
        (YAMLError(file: "", mark: nil, path: "", message: "bad"), "bad"),
    ])
    func descriptionOmitsWhatIsUnknown(_ error: YAMLError, _ description: String) {
        #expect(error.description == description)
    }

    @Test func marksOrderByLineThenColumn() {
        #expect(Mark(line: 1, column: 9) < Mark(line: 2, column: 1))
        #expect(Mark(line: 2, column: 1) < Mark(line: 2, column: 2))
        #expect(Mark(line: 12, column: 5).description == "12:5")
    }

    @Test func shortListIsReportedAtTheList() {
        struct Pair: Decodable, Sendable {
            var first: String
            var second: String
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                first = try container.decode(String.self)
                second = try container.decode(String.self)
            }
        }
        let error = #expect(throws: YAMLError.self) {
            try decoder().decode([String: Pair].self, from: Array("pair: [a]\n".utf8), file: "t.yaml")
        }
        #expect(error?.description == "t.yaml:1:7: pair: expected at least 2 items in the list, got 1")
    }
}
