import Telemetry

/// One `drop_if` entry of the `filter` processor: an event is dropped when its attribute
/// `attribute` satisfies `condition`. Log records and spans are matched on their own
/// attributes, metric samples on their labels; the resource is not consulted (it is the
/// same for the whole batch, which pipelines route instead).
///
/// Values are written as text in the config, so they compare with typed values by meaning:
/// `equals: "200"` matches the int 200 and the string "200", `"true"` the bool true.
public struct FilterRule: Sendable, Hashable {
    public enum Condition: Sendable, Hashable {
        /// `equals: value`
        case equals(String)
        /// `in: [values]`: equals any of them.
        case oneOf([String])
        /// `exists: true`: the key is present, whatever its value.
        case exists
    }

    public let attribute: String
    public let condition: Condition

    // The condition in the forms each value type compares against, parsed once.
    private let texts: Set<String>
    private let integers: Set<Int64>
    private let doubles: Set<Double>
    private let booleans: Set<Bool>

    public init(attribute: String, _ condition: Condition) {
        self.attribute = attribute
        self.condition = condition
        let values: [String]
        switch condition {
        case .equals(let value): values = [value]
        case .oneOf(let list): values = list
        case .exists: values = []
        }
        texts = Set(values)
        integers = Set(values.compactMap { Int64($0) })
        doubles = Set(values.compactMap { Double($0) })
        booleans = Set(values.compactMap { Bool($0) })
    }

    public static func attribute(_ key: String, equals value: String) -> FilterRule {
        FilterRule(attribute: key, .equals(value))
    }

    public static func attribute(_ key: String, in values: [String]) -> FilterRule {
        FilterRule(attribute: key, .oneOf(values))
    }

    public static func attribute(exists key: String) -> FilterRule {
        FilterRule(attribute: key, .exists)
    }

    func matches(_ attributes: Attributes) -> Bool {
        guard let value = attributes[attribute] else { return false }
        return matches(value)
    }

    func matches(_ labels: Labels) -> Bool {
        guard let value = labels[attribute] else { return false }
        return condition == .exists || texts.contains(value)
    }

    private func matches(_ value: AttributeValue) -> Bool {
        if condition == .exists { return true }
        switch value {
        case .string(let text): return texts.contains(text)
        case .int(let number): return integers.contains(number)
        case .double(let number): return doubles.contains(number)
        case .bool(let flag): return booleans.contains(flag)
        case .bytes, .array, .map: return false
        }
    }

    public static func == (lhs: FilterRule, rhs: FilterRule) -> Bool {
        lhs.attribute == rhs.attribute && lhs.condition == rhs.condition
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(attribute)
        hasher.combine(condition)
    }
}
