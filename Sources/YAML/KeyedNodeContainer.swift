/// Reads a mapping by key, recording every key a type asks about for the unknown-key check.
struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    private let decoder: NodeDecoder
    private let pairs: [Node.Pair]
    /// Position of each key in `pairs`, so lookups stay cheap for large dictionaries.
    private let positions: [String: Int]

    init(decoder: NodeDecoder, pairs: [Node.Pair]) {
        self.decoder = decoder
        self.pairs = pairs
        var positions: [String: Int] = [:]
        for (position, pair) in pairs.enumerated() {
            if let key = pair.key.scalarValue, positions[key] == nil {
                positions[key] = position
            }
        }
        self.positions = positions
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    /// A type that enumerates the keys (a dictionary) takes them all, so reading this
    /// counts every key as used.
    var allKeys: [Key] {
        decoder.session.acceptedAllKeys(at: decoder.path)
        return pairs.compactMap { $0.key.scalarValue.flatMap(Key.init(stringValue:)) }
    }

    func contains(_ key: Key) -> Bool {
        value(for: key) != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        value(for: key)?.isNull ?? true
    }

    // This generic method also serves the `decode(Bool.self, forKey:)`-style primitive
    // requirements: each primitive's `init(from:)` lands in `SingleValueNodeContainer`,
    // which is where scalars are actually interpreted.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try childDecoder(for: key).decode(T.self)
    }

    // The 128-bit requirements have default implementations that refuse to decode, and
    // those win over the generic method above, so these must be spelled out.
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 {
        try childDecoder(for: key).decode(type)
    }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 {
        try childDecoder(for: key).decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try childDecoder(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try childDecoder(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        try childDecoder(for: PathKey(stringValue: "super"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try childDecoder(for: key)
    }

    private func value(for key: some CodingKey) -> Node? {
        decoder.session.requested(key.stringValue, at: decoder.path)
        return positions[key.stringValue].map { pairs[$0].value }
    }

    /// Decoding stops at the first missing key, before unknown keys are looked at, so a
    /// misspelt required key would otherwise be reported only as missing. Pointing at the
    /// near miss saves a round trip.
    private func missingKeyMessage(_ key: String) -> String {
        let message = "missing required key \(quoted(key))"
        // Keys the type has already asked for are not typos of this one.
        let requested = decoder.session.keyUsage[decoder.path]?.requested ?? []
        guard let nearMiss = key.closestMatch(among: positions.keys.filter { !requested.contains($0) }) else {
            return message
        }
        return message + " (is \(quoted(nearMiss)) a typo?)"
    }

    private func childDecoder(for key: some CodingKey) throws -> NodeDecoder {
        guard let value = value(for: key) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: codingPath, debugDescription: missingKeyMessage(key.stringValue)))
        }
        return decoder.child(value, at: .key(key.stringValue), key: key)
    }
}
