import Foundation
import Testing
import TestSupport

/// Checks encoder output with a real, strict JSON parser (Python's `json`): every byte must
/// be UTF-8, every line (or the one array) must parse, and bare `NaN`/`Infinity`, which
/// Python would otherwise accept, are refused.
enum JSONValidator {
    enum Framing: String { case lines, array }

    /// The events as Python re-serialises them (sorted keys, ASCII escapes), one per
    /// element; nil (with an issue recorded) when the input is not valid, or when python3 is
    /// missing (a note locally, a failure in CI).
    static func events(_ bytes: [UInt8], framing: Framing) throws -> [String]? {
        switch try parse(bytes, framing: framing) {
        case .success(let events)?: return events
        case .failure(let problem)?:
            Issue.record("not valid JSON (\(framing)): \(problem.message)")
            return nil
        case nil: return nil
        }
    }

    struct Problem: Error { var message: String }

    /// Python's verdict; nil when python3 is missing.
    static func parse(_ bytes: [UInt8], framing: Framing) throws -> Result<[String], Problem>? {
        guard let python = Prerequisite.executable("python3", installHint: "apt-get install python3") else { return nil }
        let script = """
            import json, sys
            def refuse(name): raise ValueError("bare " + name)
            text = sys.stdin.buffer.read().decode("utf-8", errors="strict")
            if sys.argv[1] == "array":
                events = json.loads(text, parse_constant=refuse)
                assert isinstance(events, list), "not an array"
            else:
                assert text == "" or text.endswith("\\n"), "last line not terminated"
                events = [json.loads(line, parse_constant=refuse) for line in text.split("\\n")[:-1]]
            for event in events:
                assert isinstance(event, dict), "not an object: %r" % (event,)
                print(json.dumps(event, sort_keys=True, ensure_ascii=True))
            """
        let result = try Command.run(python, ["-c", script, framing.rawValue], input: bytes)
        guard result.status == 0 else { return .failure(Problem(message: result.output)) }
        return .success(result.output.split(separator: "\n").map(String.init))
    }
}

@Suite("JSON: the validator itself")
struct JSONValidationTests {
    @Test("accepts JSON lines and arrays, refuses bare NaN, invalid UTF-8 and an unterminated last line")
    func strictness() throws {
        guard let valid = try JSONValidator.events(Array("{\"a\":1}\n{\"b\":\"NaN\"}\n".utf8), framing: .lines) else { return }
        #expect(valid.count == 2)
        #expect(try JSONValidator.events(Array("[{\"a\":1},{\"b\":2}]".utf8), framing: .array)?.count == 2)
        let invalid: [[UInt8]] = [
            Array("{\"a\":NaN}\n".utf8),
            Array("{\"a\":\"".utf8) + [0xFF] + Array("\"}\n".utf8),
            Array("{\"a\":1}".utf8),
            Array("[1]\n".utf8),
        ]
        for bytes in invalid {
            let verdict = try JSONValidator.parse(bytes, framing: .lines)
            guard case .failure = verdict else {
                Issue.record("accepted \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                continue
            }
        }
    }
}
