/// Decoding a `Node` hands back the raw subtree, so a caller can split a document into
/// sections (`[String: Node]`) and decode each one separately, collecting every section's
/// errors instead of stopping at the first.
///
/// The subtree's keys all count as used: whoever asked for the `Node` checks them when
/// decoding it further (`YAMLDecoder.decode(_:from:file:path:)` does).
extension Node: Decodable {
    public init(from decoder: any Decoder) throws {
        guard let decoder = decoder as? NodeDecoder else {
            throw DecodingError.typeMismatch(Node.self, DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "a YAML Node can only be decoded by YAMLDecoder"))
        }
        decoder.session.consumedSubtree(at: decoder.path)
        self = decoder.node
    }
}
