import Testing
import YAML

@Suite("EnvironmentSubstitution")
struct EnvironmentSubstitutionTests {
    static let environment = EnvironmentSubstitution([
        "HOST": "collector", "PORT": "4318", "EMPTY": "", "DOLLAR": "$${X}", "NESTED": "${HOST}",
    ])

    @Test(arguments: [
        ("plain text", "plain text"),
        ("${HOST}", "collector"),
        ("http://${HOST}:${PORT}/v1", "http://collector:4318/v1"),
        ("${MISSING:-fallback}", "fallback"),
        ("${MISSING:-}", ""),
        ("${MISSING:-a b:c}", "a b:c"),
        ("${EMPTY:-fallback}", "fallback"),
        ("${EMPTY}", ""),
        ("${HOST:-unused}", "collector"),
        ("$${HOST}", "${HOST}"),
        // Read left to right: a lone `$`, then the `$${` escape.
        ("$$${HOST}", "$${HOST}"),
        ("price: $5", "price: $5"),
        ("ends with $", "ends with $"),
        ("$$", "$$"),
        ("^\\d+$", "^\\d+$"),
        // Substituted text is not substituted again.
        ("${DOLLAR}", "$${X}"),
        ("${NESTED}", "${HOST}"),
        ("${_UNDER_SCORE9:-ok}", "ok"),
    ])
    func substitutes(_ text: String, _ expected: String) throws {
        #expect(try Self.environment.apply(to: text) == expected)
    }

    @Test(arguments: [
        ("${POD_NAME}", #"environment variable "POD_NAME" is not set (write ${POD_NAME:-default} to give a default)"#),
        ("x ${HOST", #"unterminated "${" (write $${ for a literal "${")"#),
        ("${", #"unterminated "${" (write $${ for a literal "${")"#),
        ("${}", #"invalid environment variable name in "${}" (names are letters, digits and underscores, not starting with a digit)"#),
        ("${9A}", #"invalid environment variable name in "${9A}" (names are letters, digits and underscores, not starting with a digit)"#),
        ("${A-B}", #"invalid environment variable reference "${A-B}" (write ${A} or ${A:-default})"#),
        ("${A:=b}", #"invalid environment variable reference "${A:=b}" (write ${A} or ${A:-default})"#),
    ])
    func rejects(_ text: String, _ message: String) {
        let error = #expect(throws: SubstitutionError.self) { try Self.environment.apply(to: text) }
        #expect(error?.message == message)
    }

    @Test func processEnvironmentSeesThisProcess() throws {
        // PATH is set for any test runner; its exact value is not the point.
        let substituted = try EnvironmentSubstitution.processEnvironment().apply(to: "${PATH:-unset}")
        #expect(substituted != "unset")
        #expect(!substituted.isEmpty)
    }

    @Test func nodesKeepStyleMarkAndKeys() throws {
        let node = try YAMLParser.parse(Array("${HOST}: ${PORT}\nlist: ['${HOST}']\n".utf8), file: "t.yaml")
        let substituted = try Self.environment.apply(to: node, file: "t.yaml")
        let pair = try #require(substituted.mappingValue?.first)
        #expect(pair.key.scalarValue == "${HOST}")
        #expect(pair.value.kind == .scalar("4318", .plain))
        #expect(pair.value.mark == Mark(line: 1, column: 10))
        #expect(substituted["list"]?.sequenceValue?.first?.kind == .scalar("collector", .singleQuoted))
    }

    @Test func nodeErrorsCarryMarkAndPath() throws {
        let node = try YAMLParser.parse(Array("a:\n  - x\n  - ${NOPE}\n".utf8), file: "t.yaml")
        let error = #expect(throws: YAMLError.self) {
            try Self.environment.apply(to: node, file: "t.yaml", path: ["root"])
        }
        #expect(error?.description
                == #"t.yaml:3:5: root.a[1]: environment variable "NOPE" is not set (write ${NOPE:-default} to give a default)"#)
    }
}
