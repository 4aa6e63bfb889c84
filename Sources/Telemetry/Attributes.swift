/// A typed attribute value, as OpenTelemetry's `AnyValue`: what log records, spans and
/// resources carry as attributes.
public enum AttributeValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([AttributeValue])
    case map(Attributes)
}

/// Key/value attributes in insertion order. Keys are unique: setting a key that exists
/// replaces its value in place. A handful of keys per record is the norm, so a linear
/// scan beats hashing and keeps the order exporters write.
public struct Attributes: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public private(set) var pairs: [(key: String, value: AttributeValue)]

    public init() {
        pairs = []
    }

    /// The pairs in order; a repeated key keeps its first place and its last value.
    public init(_ pairs: [(key: String, value: AttributeValue)]) {
        self.pairs = []
        self.pairs.reserveCapacity(pairs.count)
        guard pairs.count > Self.linearScanLimit else {
            for pair in pairs { self[pair.key] = pair.value }
            return
        }
        // A decoded list may hold hundreds of thousands of keys (an OTLP request is the
        // sender's choice): a scan per key would be quadratic, so positions are hashed.
        var positions: [String: Int] = [:]
        positions.reserveCapacity(pairs.count)
        for pair in pairs {
            if let position = positions[pair.key] {
                self.pairs[position].value = pair.value
            } else {
                positions[pair.key] = self.pairs.count
                self.pairs.append(pair)
            }
        }
    }

    /// Up to this many pairs, a scan per key is cheaper than hashing them.
    static let linearScanLimit = 16

    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }

    public var isEmpty: Bool { pairs.isEmpty }
    public var count: Int { pairs.count }

    /// Equal for values that share one storage (records copied from one template, as a file
    /// source makes them): per-record work on attributes — size estimates, JSON encoding —
    /// is done once and reused while it stays equal. Nil when empty.
    public var storageIdentity: UnsafeRawPointer? {
        pairs.isEmpty ? nil : pairs.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    public subscript(key: String) -> AttributeValue? {
        get { pairs.first { $0.key == key }?.value }
        set {
            let index = pairs.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): pairs[index].value = value
            case (let index?, nil): pairs.remove(at: index)
            case (nil, let value?): pairs.append((key, value))
            case (nil, nil): break
            }
        }
    }

    /// Sets `key` only when it is absent: what "add without overriding" means for resource
    /// attributes an SDK already set.
    public mutating func setIfAbsent(_ key: String, _ value: AttributeValue) {
        if self[key] == nil { pairs.append((key, value)) }
    }

    public mutating func removeAll(where shouldRemove: (String, AttributeValue) -> Bool) {
        pairs.removeAll { shouldRemove($0.key, $0.value) }
    }

    /// Rewrites values in place; keys and order stay.
    public mutating func updateValues(_ update: (String, inout AttributeValue) -> Void) {
        for index in pairs.indices { update(pairs[index].key, &pairs[index].value) }
    }

    public static func == (lhs: Attributes, rhs: Attributes) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pairs.count)
        for pair in pairs {
            hasher.combine(pair.key)
            hasher.combine(pair.value)
        }
    }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }

    /// The value when it is a string, for processors that match on text.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A scalar as a label value (Prometheus, Loki); nil for bytes, arrays and maps, which
    /// are not label material.
    public var labelText: String? {
        switch self {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): number.description
        case .bool(let flag): flag ? "true" : "false"
        case .bytes, .array, .map: nil
        }
    }
}

/// What produced the telemetry: `service.name`, `k8s.pod.name`, … (OpenTelemetry semantic
/// conventions). One resource covers a whole batch.
public struct Resource: Sendable, Hashable {
    public var attributes: Attributes
    /// The semantic-conventions schema the attributes follow (OTLP's `Resource*.schema_url`);
    /// empty when the producer named none.
    public var schemaURL: String

    public init(attributes: Attributes = Attributes(), schemaURL: String = "") {
        self.attributes = attributes
        self.schemaURL = schemaURL
    }
}

/// The instrumentation library that produced a record or span (OTLP's scope), with the
/// schema URL of its `Scope{Logs,Spans,Metrics}`: items that differ in either belong to
/// different scope groups on the wire.
public struct InstrumentationScope: Sendable, Hashable {
    public var name: String
    public var version: String
    public var attributes: Attributes
    /// The semantic-conventions schema the scope's items follow; empty when none was named.
    public var schemaURL: String

    public init(name: String = "", version: String = "", attributes: Attributes = Attributes(), schemaURL: String = "") {
        self.name = name
        self.version = version
        self.attributes = attributes
        self.schemaURL = schemaURL
    }
}
