import Telemetry
import Testing

/// `Attributes` built from a list, as decoders build them: keys unique, order kept, the
/// last of a repeated key's values kept at its first place, at any length.
@Suite("Telemetry: attributes from a list", .timeLimit(.minutes(1)))
struct AttributesTests {
    @Test("200,000 distinct keys are kept whole and in order")
    func manyKeys() {
        let pairs = (0..<200_000).map { (key: "key.\($0)", value: AttributeValue.int(Int64($0))) }
        let attributes = Attributes(pairs)
        #expect(attributes.count == 200_000)
        #expect(attributes.pairs.map(\.key) == pairs.map(\.key))
        #expect(attributes["key.199999"] == .int(199_999))
    }

    /// What the documented semantics give: setting each pair in turn.
    static func setOneByOne(_ pairs: [(key: String, value: AttributeValue)]) -> Attributes {
        var attributes = Attributes()
        for pair in pairs { attributes[pair.key] = pair.value }
        return attributes
    }

    @Test("a repeated key keeps its first place and its last value, in short and long lists alike", arguments: [3, 16, 17, 100])
    func repeatedKeys(distinct: Int) {
        // Every key twice, then the first again: the second round's values win, then the third.
        var pairs = (0..<distinct).map { (key: "k\($0)", value: AttributeValue.string("first \($0)")) }
        pairs += (0..<distinct).reversed().map { (key: "k\($0)", value: AttributeValue.string("second \($0)")) }
        pairs.append((key: "k0", value: "third"))
        let attributes = Attributes(pairs)
        #expect(attributes == Self.setOneByOne(pairs))
        #expect(attributes.count == distinct)
        #expect(attributes.pairs.map(\.key) == (0..<distinct).map { "k\($0)" })
        #expect(attributes.pairs.first?.value == "third" && attributes.pairs.last?.value == .string("second \(distinct - 1)"))
    }
}
