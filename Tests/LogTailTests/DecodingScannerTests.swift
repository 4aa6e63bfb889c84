import Testing

@testable import LogTail
import Telemetry

@Suite struct DecodingScannerTests {
    func members(_ text: String) -> [(String, JSONToken.Kind, String)]? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            var found: [(String, JSONToken.Kind, String)] = []
            let valid = JSONObjectScanner.scan(raw) { key, value in
                var decoded: [UInt8] = []
                if value.kind == .string {
                    JSONObjectScanner.unescape(raw, value, into: &decoded)
                } else {
                    decoded = Array(raw[value.start..<value.end])
                }
                found.append((String(decoding: raw[key.start..<key.end], as: UTF8.self), value.kind, String(decoding: decoded, as: UTF8.self)))
            }
            return valid ? found : nil
        }
    }

    @Test func visitsTopLevelMembersOnly() throws {
        let found = try #require(members(#" {"a":"x","b":{"a":"y","c":["}",{"d":1}]},"n":-0.5E+2,"t":true,"z":null,"e":[]} "#))
        #expect(found.map(\.0) == ["a", "b", "n", "t", "z", "e"])
        #expect(found.map(\.1) == [.string, .object, .number, .bool, .null, .array])
        #expect(found[1].2 == #"{"a":"y","c":["}",{"d":1}]}"#)
        #expect(found[2].2 == "-0.5E+2")
    }

    @Test(arguments: [
        "", "{", "}", "{}x", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":tru}"#,
        #"{"a":"x"#, #"{"a":[1,2}"#, #"{"a":{"b":1]}"#, "{\"a\":\"tab\there\"}", #"{a:1}"#, "[]", #""s""#,
    ])
    func rejectsMalformed(_ text: String) {
        #expect(members(text) == nil)
    }

    @Test func emptyObjectIsValid() {
        #expect(members(" { } ")?.isEmpty == true)
    }

    @Test func badEscapesAreRefusedByTheScanner() {
        #expect(members(#"{"a":"\u12G4"}"#) == nil)
        #expect(members(#"{"a":"\q"}"#) == nil)
        #expect(members(#"{"a":"\u12"}"#) == nil)
        #expect(members(#"{"a":"ok\\"}"#)?[0].2 == "ok\\")
    }

    @Test func surrogates() {
        #expect(members(#"{"a":"\ud83d\ude00\uDBFF\uDFFF\udc00x\ud83d"}"#)?[0].2 == "😀\u{10FFFF}\u{FFFD}x\u{FFFD}")
    }
}
