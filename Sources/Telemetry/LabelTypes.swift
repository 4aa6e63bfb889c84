/// The OTLP types of a metric point's attributes that were not strings (`core: 0` an int,
/// `throttled: true` a bool), so that they leave for an OTLP backend as they came.
///
/// A sample's label text stays the truth: Prometheus text, remote_write, the processors and
/// the flat JSON encoders only ever see strings. This only remembers, by label name, which
/// labels an SDK sent as an int, a double or a bool; an OTLP encoder reads the label's
/// current text back as that type (`MetricSample.forEachAttribute`) and sends a string when
/// it no longer reads as one (a processor rewrote it), so a stale type never makes an
/// invalid value. Bytes, arrays and maps are not recorded: they stay their text form
/// (base64, JSON) and leave as strings.
///
/// Empty for host metrics and for points whose attributes are all strings (nearly all
/// points): an empty array, which allocates nothing.
public struct LabelTypes: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        case int = 0, double, bool

        /// `text` as a value of this type, nil when it does not read as one. Reads what the
        /// OTLP decoder writes (`String(Int64)`, the shortest digits that read back as the
        /// same double, `NaN`/`+Inf`/`-Inf`, `true`/`false`) back to the same value, bit for bit
        /// but for a NaN's payload.
        public func value(_ text: String) -> AttributeValue? {
            switch self {
            case .int: Int64(text).map(AttributeValue.int)
            case .double: Double(text).map(AttributeValue.double)
            case .bool: text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
            }
        }
    }

    public struct Entry: Sendable, Hashable {
        public var name: String
        public var kind: Kind

        public init(name: String, kind: Kind) {
            self.name = name
            self.kind = kind
        }
    }

    /// In the order the labels came; where a name repeats, its first entry counts.
    public var entries: [Entry]

    public init() {
        entries = []
    }

    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    public mutating func append(_ name: String, _ kind: Kind) {
        entries.append(Entry(name: name, kind: kind))
    }

    /// Up to this many entries, finding a label's type scans them (a point has a handful of
    /// typed attributes); beyond it a dictionary keeps encoding a point linear in its labels.
    static let scanLimit = 8

    /// Types by name for one pass over a sample's labels.
    struct Lookup {
        let entries: [Entry]
        let byName: [String: Kind]?

        init(_ types: LabelTypes) {
            entries = types.entries
            byName = types.entries.count > LabelTypes.scanLimit
                ? Dictionary(types.entries.lazy.map { ($0.name, $0.kind) }, uniquingKeysWith: { first, _ in first }) : nil
        }

        func kind(of name: String) -> Kind? {
            if let byName { return byName[name] }
            for entry in entries where entry.name == name { return entry.kind }
            return nil
        }
    }
}

extension MetricSample {
    /// Each label, in order, as the OTLP attribute value it leaves as: a label with a
    /// recorded type whose text still reads as that type is a value of that type, any other
    /// a string.
    public func forEachAttribute(_ body: (_ name: String, _ value: AttributeValue) -> Void) {
        guard !labelTypes.isEmpty else {
            for pair in labels.pairs { body(pair.name, .string(pair.value)) }
            return
        }
        let lookup = LabelTypes.Lookup(labelTypes)
        for pair in labels.pairs {
            body(pair.name, lookup.kind(of: pair.name).flatMap { $0.value(pair.value) } ?? .string(pair.value))
        }
    }
}
