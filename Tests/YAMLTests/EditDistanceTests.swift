import Testing
@testable import YAML

@Suite("Key suggestions")
struct EditDistanceTests {
    @Test(arguments: [
        ("", "", 0), ("abc", "", 3), ("", "abc", 3), ("endpoint", "endpoint", 0), ("endpont", "endpoint", 1),
        ("timout", "timeout", 1), ("kitten", "sitting", 3), ("héllo", "hello", 1),
    ])
    func editDistance(_ a: String, _ b: String, _ distance: Int) {
        #expect(a.editDistance(to: b) == distance)
        #expect(b.editDistance(to: a) == distance)
    }

    @Test(arguments: [
        ("endpont", ["endpoint", "headers"], "endpoint"),
        ("Endpoint", ["endpoint"], "endpoint"),
        ("drop_new", ["drop_newest", "drop_oldest", "block"], "drop_newest"),
        ("max_eventz", ["max_events", "max_bytes"], "max_events"),
        ("foo", ["endpoint", "headers", "timeout"], nil),
        ("ab", ["cd"], "cd"),
        ("abc", ["xyz"], nil),
        ("tag", ["tab", "tan"], "tab"),
    ] as [(String, [String], String?)])
    func suggestsCloseKeys(_ key: String, _ candidates: [String], _ expected: String?) {
        #expect(key.closestMatch(among: candidates) == expected)
    }

    @Test func messageForMappingThatTakesNoKeys() {
        #expect(UnknownKeyCheck.message(forUnknown: "x", valid: []) == #"unknown key "x" (no keys are expected here)"#)
    }
}
