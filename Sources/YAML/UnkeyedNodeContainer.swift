/// Reads a list item by item. The index only advances after a successful read, as with
/// Foundation's decoders, so a type may retry an item as a different type.
struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    private let decoder: NodeDecoder
    private let items: [Node]
    private(set) var currentIndex = 0

    init(decoder: NodeDecoder, items: [Node]) {
        self.decoder = decoder
        self.items = items
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func decodeNil() throws -> Bool {
        guard try nextDecoder().node.isNull else { return false }
        currentIndex += 1
        return true
    }

    // Also serves the primitive requirements; see `KeyedNodeContainer.decode(_:forKey:)`.
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try nextDecoder().decode(T.self)
        currentIndex += 1
        return value
    }

    // See `KeyedNodeContainer.decode(_: Int128.Type, forKey:)`.
    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func decode(_ type: Int128.Type) throws -> Int128 {
        let value = try nextDecoder().decode(type)
        currentIndex += 1
        return value
    }

    @available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
    mutating func decode(_ type: UInt128.Type) throws -> UInt128 {
        let value = try nextDecoder().decode(type)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try nextDecoder().container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try nextDecoder().unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = try nextDecoder()
        currentIndex += 1
        return decoder
    }

    private func nextDecoder() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Node.self, DecodingError.Context(
                codingPath: codingPath, debugDescription: "expected at least \(currentIndex + 1) items in the list, got \(items.count)"))
        }
        return decoder.child(items[currentIndex], at: .index(currentIndex), key: PathKey(intValue: currentIndex))
    }
}
