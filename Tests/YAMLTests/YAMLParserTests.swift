import Testing
@testable import YAML

@Suite("YAMLParser")
struct YAMLParserTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let sketch: String
        var testDescription: String { name }
    }

    static let documents: [Case] = [
        Case(name: "block mapping", yaml: """
            server:
              listen: 0.0.0.0:8686
              timeout: 25s
            """, sketch: "{server: {listen: 0.0.0.0:8686, timeout: 25s}}"),
        Case(name: "block list", yaml: "- a\n- b\n-   c\n", sketch: "[a, b, c]"),
        Case(name: "list of mappings", yaml: """
            - name: a
              port: 1
            - name: b
            """, sketch: "[{name: a, port: 1}, {name: b}]"),
        Case(name: "flow styles", yaml: "{a: [1, 2, {b: c}], d: {}, e: []}",
             sketch: "{a: [1, 2, {b: c}], d: {}, e: []}"),
        Case(name: "comments", yaml: """
            # leading
            a: 1 # trailing
            # between
            b: "# not a comment"
            """, sketch: "{a: 1, b: \"# not a comment\"}"),
        Case(name: "single quoted", yaml: "a: 'it''s \\n raw'", sketch: "{a: \"it's \\\\n raw\"}"),
        Case(name: "double quoted escapes", yaml: #"a: "tab\there\nnew \"q\" \u00e9""#,
             sketch: #"{a: "tab\there\nnew \"q\" é"}"#),
        Case(name: "literal block keeps newlines", yaml: "a: |\n  one\n  two\nb: x\n", sketch: #"{a: "one\ntwo\n", b: x}"#),
        Case(name: "literal block strip", yaml: "a: |-\n  one\n  two\n", sketch: #"{a: "one\ntwo"}"#),
        Case(name: "folded block", yaml: "a: >\n  one\n  two\n\n  three\n", sketch: #"{a: "one two\nthree\n"}"#),
        Case(name: "multi-line plain scalar folds", yaml: "a: one\n  two\n", sketch: "{a: one two}"),
        Case(name: "null spellings", yaml: "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: ''\ng: nil\n",
             sketch: "{a: ~, b: ~, c: ~, d: ~, e: ~, f: \"\", g: nil}"),
        Case(name: "empty document", yaml: "", sketch: "~"),
        Case(name: "comments only", yaml: "# nothing here\n\n", sketch: "~"),
        Case(name: "explicit document markers", yaml: "---\na: 1\n...\n", sketch: "{a: 1}"),
        Case(name: "bare scalar document", yaml: "hello", sketch: "hello"),
        Case(name: "anchor and alias", yaml: """
            base: &base [a, b]
            copy: *base
            """, sketch: "{base: [a, b], copy: [a, b]}"),
        Case(name: "alias to scalar", yaml: "a: &x 5s\nb: *x\n", sketch: "{a: 5s, b: 5s}"),
        Case(name: "merge key", yaml: """
            defaults: &defaults {timeout: 5s, retries: 3}
            otlp:
              <<: *defaults
              endpoint: http://x
            """, sketch: "{defaults: {timeout: 5s, retries: 3}, otlp: {timeout: 5s, retries: 3, endpoint: http://x}}"),
        Case(name: "explicit keys win over merged ones", yaml: """
            defaults: &defaults {timeout: 5s, retries: 3}
            otlp:
              timeout: 1s
              <<: *defaults
            """, sketch: "{defaults: {timeout: 5s, retries: 3}, otlp: {timeout: 1s, retries: 3}}"),
        Case(name: "merge list: earlier mappings win", yaml: """
            a: &a {x: 1, y: 1}
            b: &b {y: 2, z: 2}
            c:
              <<: [*a, *b]
            """, sketch: "{a: {x: 1, y: 1}, b: {y: 2, z: 2}, c: {x: 1, y: 1, z: 2}}"),
        Case(name: "merge of an inline mapping", yaml: "c: {<<: {x: 1}, y: 2}", sketch: "{c: {x: 1, y: 2}}"),
        Case(name: "quoted << is an ordinary key", yaml: "c: {'<<': {x: 1}}", sketch: "{c: {\"<<\": {x: 1}}}"),
        Case(name: "nested aliases", yaml: """
            a: &a {k: v}
            b: &b [*a, *a]
            c: [*b]
            """, sketch: "{a: {k: v}, b: [{k: v}, {k: v}], c: [[{k: v}, {k: v}]]}"),
        Case(name: "unicode", yaml: "name: café ☕\n", sketch: "{name: café ☕}"),
    ]

    @Test(arguments: documents)
    func parsesDocument(_ testCase: Case) throws {
        #expect(sketch(try parse(testCase.yaml)) == testCase.sketch)
    }

    @Test func marksAreOneBased() throws {
        let node = try parse("""
            server:
              listen: 0.0.0.0:8686
            list:
              - a
              - {b: c}
            """)
        #expect(node.mark == Mark(line: 1, column: 1))
        let server = try #require(node["server"])
        #expect(server.mark == Mark(line: 2, column: 3))
        #expect(server["listen"]?.mark == Mark(line: 2, column: 11))
        let list = try #require(node["list"]?.sequenceValue)
        #expect(list[0].mark == Mark(line: 4, column: 5))
        #expect(list[1].mark == Mark(line: 5, column: 5))
        #expect(list[1]["b"]?.mark == Mark(line: 5, column: 9))
        let keys = try #require(node.mappingValue).map(\.key.mark)
        #expect(keys == [Mark(line: 1, column: 1), Mark(line: 3, column: 1)])
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let node = try parse("é: [ü, x]")
        #expect(node["é"]?.sequenceValue?[1].mark == Mark(line: 1, column: 8))
    }

    @Test func aliasIsReportedWhereItIsUsedAndItsContentsWhereWritten() throws {
        let node = try parse("""
            a: &anchor
              k: v
            b: *anchor
            """)
        let copy = try #require(node["b"])
        #expect(copy.mark == Mark(line: 3, column: 4))
        #expect(copy.mappingValue?.first?.key.mark == Mark(line: 2, column: 3))
    }

    @Test(arguments: [
        ("a: plain", Node.ScalarStyle.plain),
        ("a: 'single'", .singleQuoted),
        ("a: \"double\"", .doubleQuoted),
        ("a: |\n  literal\n", .literal),
        ("a: >\n  folded\n", .folded),
    ])
    func recordsScalarStyle(_ yaml: String, _ style: Node.ScalarStyle) throws {
        guard case .scalar(_, let parsed)? = try parse(yaml)["a"]?.kind else {
            Issue.record("not a scalar")
            return
        }
        #expect(parsed == style)
    }

    @Test(arguments: [
        ("a:", true), ("a: ~", true), ("a: null", true), ("a: NULL", true), ("a: !!null x", true),
        ("a: ''", false), ("a: \"null\"", false), ("a: !!str", false), ("a: !!str ~", false),
        ("a: nULL", false), ("a: []", false), ("a: 0", false),
    ])
    func recognisesNull(_ yaml: String, _ isNull: Bool) throws {
        #expect(try parse(yaml)["a"]?.isNull == isNull)
    }

    @Test func keepsExplicitTags() throws {
        let node = try parse("a: !!str 123\nb: !custom x\nc: 1")
        #expect(node["a"]?.tag == "tag:yaml.org,2002:str")
        #expect(node["b"]?.tag == "!custom")
        #expect(node["c"]?.tag == nil)
    }

    @Test func accessors() throws {
        let node = try parse("m: {k: v}\ns: [1]\nv: x")
        #expect(node["v"]?.scalarValue == "x")
        #expect(node["s"]?.sequenceValue?.count == 1)
        #expect(node["m"]?.mappingValue?.count == 1)
        #expect(node["m"]?.scalarValue == nil)
        #expect(node["v"]?.sequenceValue == nil)
        #expect(node["s"]?.mappingValue == nil)
        #expect(node["missing"] == nil)
        #expect(node["v"]?["k"] == nil)
    }

    @Test func aliasBudgetCountsExpandedNodes() throws {
        let yaml = Array("a: &a [1, 2, 3]\nb: [*a, *a]\n".utf8)
        // Each alias costs the four nodes it copies.
        #expect(throws: Never.self) { try YAMLParser.parse(yaml, file: "t.yaml", aliasBudget: 8) }
        #expect(throws: YAMLError.self) { try YAMLParser.parse(yaml, file: "t.yaml", aliasBudget: 7) }
    }

    @Test func billionLaughsFailsFast() {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let error = #expect(throws: YAMLError.self) {
                try YAMLParser.parse(try fixture("billion-laughs.yaml"), file: "billion-laughs.yaml")
            }
            #expect(error?.message == "document expands to too many nodes (alias bomb?)")
        }
        #expect(elapsed < .seconds(5))
    }
}
