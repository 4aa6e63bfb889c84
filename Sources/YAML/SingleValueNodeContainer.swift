/// Where scalars become Swift values. Every primitive is decoded here, whichever
/// container asked, so the rules and messages for "what counts as a Bool" live in one place.
///
/// Quoted scalars are accepted for numbers and booleans too: `port: "8080"` is a common
/// habit, and refusing it would help nobody. The exceptions are nulls, which must be
/// written plain (`~`, `null` or nothing) to count as missing.
struct SingleValueNodeContainer: SingleValueDecodingContainer {
    private let decoder: NodeDecoder

    init(decoder: NodeDecoder) {
        self.decoder = decoder
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        decoder.node.isNull
    }

    func decode(_ type: String.Type) throws -> String {
        try text(for: type, expected: "a string")
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        let text = try text(for: type, expected: "true or false")
        guard let value = ScalarSyntax.bool(text) else {
            throw mismatch(type, expected: "true or false")
        }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double {
        try floatingPoint(type)
    }

    func decode(_ type: Float.Type) throws -> Float {
        try floatingPoint(type)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: Int128.Type) throws -> Int128 { try integer(type) }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: UInt128.Type) throws -> UInt128 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decode(type)
    }

    /// The expected type already says a scalar was wanted, so a scalar is shown by its
    /// text alone: `expected true or false, got "yes"`.
    private func mismatch(_ type: Any.Type, expected: String) -> DecodingError {
        decoder.mismatch(type, expected: expected, got: decoder.node.valueSummary)
    }

    /// The scalar's text, or an "expected <what>, got a list" error for anything else.
    private func text(for type: Any.Type, expected: String) throws -> String {
        guard !decoder.node.isNull, let text = decoder.node.scalarValue else {
            throw mismatch(type, expected: expected)
        }
        return text
    }

    /// Messages name the target type's range only when it is narrower than 64-bit `Int`
    /// or the value overflowed; for plain `Int` fields "an integer" says enough.
    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let range = "an integer between \(T.min) and \(T.max)"
        let isNarrow = T.min > Int64.min || T.max < Int64.max
        let text = try text(for: type, expected: isNarrow ? range : "an integer")
        switch ScalarSyntax.integer(text, as: type) {
        case .value(let value):
            return value
        case .outOfRange:
            throw mismatch(type, expected: range)
        case .malformed:
            throw mismatch(type, expected: isNarrow ? range : "an integer")
        }
    }

    private func floatingPoint<T: BinaryFloatingPoint>(_ type: T.Type) throws -> T {
        let text = try text(for: type, expected: "a number")
        guard let wide = ScalarSyntax.double(text) else {
            throw mismatch(type, expected: "a number")
        }
        let value = T(wide)
        guard value.isFinite || !wide.isFinite else {
            throw mismatch(type, expected: "a number within the range of \(T.self)")
        }
        return value
    }
}
