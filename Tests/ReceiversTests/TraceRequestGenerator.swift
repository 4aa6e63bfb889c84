import TestSupport

/// Random `ExportTraceServiceRequest` bodies from the .proto's schema (written out here on
/// its own, not borrowed from the reader under test), seeded: mostly well-formed, with what
/// a mutation of a real body rarely makes — a singular message or scalar sent twice, oneof
/// members one after another, known fields with the wrong wire type, unknown fields and
/// groups, non-minimal varints, ids of the wrong length, out-of-range enums, invalid UTF-8,
/// nesting around the depth limit.
struct TraceRequestGenerator {
    enum Message: CaseIterable {
        case request, resourceSpans, resource, entityRef, scopeSpans, scope, span, event, link, status
        case keyValue, anyValue, arrayValue, keyValueList
    }

    enum Kind {
        case varint, fixed32, fixed64, string, id, bytes
        case message(Message)

        var wireType: UInt8 {
            switch self {
            case .varint: 0
            case .fixed64: 1
            case .fixed32: 5
            case .string, .id, .bytes, .message: 2
            }
        }
    }

    /// opentelemetry-proto's fields, by number.
    static func fields(_ message: Message) -> [(number: Int, kind: Kind)] {
        switch message {
        case .request: [(1, .message(.resourceSpans))]
        case .resourceSpans: [(1, .message(.resource)), (2, .message(.scopeSpans)), (2, .message(.scopeSpans)), (3, .string)]
        case .resource: [(1, .message(.keyValue)), (1, .message(.keyValue)), (2, .varint), (3, .message(.entityRef))]
        case .entityRef: [(1, .string), (2, .string), (3, .string), (4, .string)]
        case .scopeSpans: [(1, .message(.scope)), (2, .message(.span)), (2, .message(.span)), (2, .message(.span)), (3, .string)]
        case .scope: [(1, .string), (2, .string), (3, .message(.keyValue)), (4, .varint)]
        case .span:
            [
                (1, .id), (2, .id), (3, .string), (4, .id), (5, .string), (6, .varint), (7, .fixed64), (8, .fixed64),
                (9, .message(.keyValue)), (9, .message(.keyValue)), (10, .varint), (11, .message(.event)), (12, .varint),
                (13, .message(.link)), (14, .varint), (15, .message(.status)), (16, .fixed32),
            ]
        case .event: [(1, .fixed64), (2, .string), (3, .message(.keyValue)), (4, .varint)]
        case .link: [(1, .id), (2, .id), (3, .string), (4, .message(.keyValue)), (5, .varint), (6, .fixed32)]
        case .status: [(2, .string), (3, .varint)]
        case .keyValue: [(1, .string), (2, .message(.anyValue)), (2, .message(.anyValue)), (3, .varint)]
        case .anyValue:
            [
                (1, .string), (2, .varint), (3, .varint), (4, .fixed64), (5, .message(.arrayValue)),
                (6, .message(.keyValueList)), (7, .bytes), (8, .varint),
            ]
        case .arrayValue: [(1, .message(.anyValue))]
        case .keyValueList: [(1, .message(.keyValue))]
        }
    }

    /// How many fields a message gets, at most.
    static func width(_ message: Message) -> Int {
        switch message {
        case .request, .resourceSpans, .status, .entityRef: 3
        case .scopeSpans, .keyValue, .anyValue, .arrayValue, .keyValueList, .resource, .scope, .link, .event: 4
        case .span: 12
        }
    }

    static let texts = ["", "op", "k1", "k2", "k1", "service.name", "héllo wörld", "🚀", "\u{0}", String(repeating: "x", count: 140)]
    static let invalidUTF8: [[UInt8]] = [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xE0, 0x80, 0x80], [0xFF]]
    static let varints: [UInt64] = [0, 1, 2, 3, 5, 6, 127, 128, 255, 256, 1 << 31, 1 << 32 | 2, UInt64(UInt32.max), UInt64.max, UInt64.max - 1]

    var rng: SplitMix64

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
    }

    mutating func request() -> [UInt8] {
        if rng.next(50) == 0 { return deepRequest() }
        return message(.request, depth: 1)
    }

    mutating func message(_ message: Message, depth: Int) -> [UInt8] {
        // Nesting thins out: attribute values may nest, but not without end.
        let count = depth > 9 ? rng.next(2) : rng.next(Self.width(message) + 1)
        // Most spans start with ids of the right length, so that most are converted.
        var out: [UInt8] = message == .span && rng.next(5) != 0 ? Wire.bytes(1, Wire.traceID) + Wire.bytes(2, Wire.spanID) : []
        for _ in 0..<count { out += field(of: message, depth: depth) }
        return out
    }

    mutating func field(of message: Message, depth: Int) -> [UInt8] {
        let fields = Self.fields(message)
        let roll = rng.next(100)
        if roll < 3 { return unknownField(depth: depth) }
        let field = fields[rng.next(fields.count)]
        if roll < 6 {
            // A known field with a wire type not its own: skipped as unknown.
            let wrong = ([0, 1, 2, 5] as [UInt8]).filter { $0 != field.kind.wireType }[rng.next(3)]
            return Wire.tag(field.number, wrong) + payload(wireType: wrong)
        }
        return tag(field.number, field.kind.wireType) + value(field.kind, depth: depth)
    }

    /// A tag, now and then padded to a longer varint (still at most 5 bytes, as a message's
    /// tag must be, or the body is malformed).
    mutating func tag(_ number: Int, _ wireType: UInt8) -> [UInt8] {
        guard rng.next(40) == 0 else { return Wire.tag(number, wireType) }
        var bytes = Wire.tag(number, wireType)
        bytes[bytes.count - 1] |= 0x80
        bytes.append(0)
        return bytes
    }

    mutating func value(_ kind: Kind, depth: Int) -> [UInt8] {
        switch kind {
        case .varint: return varint(Self.varints[rng.next(Self.varints.count)] &+ (rng.next(4) == 0 ? rng.next() : 0))
        case .fixed32: return withUnsafeBytes(of: UInt32(truncatingIfNeeded: rng.next()).littleEndian, Array.init)
        case .fixed64:
            let special: [Double] = [0, -0.0, .nan, -.nan, .infinity, 1.5, -2.25e300]
            let bits = rng.next(2) == 0 ? special[rng.next(special.count)].bitPattern : rng.next()
            return withUnsafeBytes(of: bits.littleEndian, Array.init)
        case .string:
            let text = rng.next(60) == 0 ? Self.invalidUTF8[rng.next(Self.invalidUTF8.count)] : Array(Self.texts[rng.next(Self.texts.count)].utf8)
            return Wire.varint(UInt64(text.count)) + text
        case .id:
            let lengths = [16, 8, 16, 8, 0, 7, 15, 17]
            let length = lengths[rng.next(lengths.count)]
            let zero = rng.next(10) == 0
            let id = (0..<length).map { _ in zero ? 0 : UInt8(truncatingIfNeeded: rng.next()) }
            return Wire.varint(UInt64(id.count)) + id
        case .bytes:
            let body = (0..<rng.next(6)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            return Wire.varint(UInt64(body.count)) + body
        case .message(let inner):
            let body = message(inner, depth: depth + 1)
            return Wire.varint(UInt64(body.count)) + body
        }
    }

    /// A varint, now and then non-minimal (padded with continuation bytes, up to 10).
    mutating func varint(_ value: UInt64) -> [UInt8] {
        var bytes = Wire.varint(value)
        if rng.next(20) == 0, bytes.count < 10 {
            bytes[bytes.count - 1] |= 0x80
            bytes += [UInt8](repeating: 0x80, count: rng.next(10 - bytes.count)) + [0]
        }
        return bytes
    }

    mutating func payload(wireType: UInt8) -> [UInt8] {
        switch wireType {
        case 0: varint(Self.varints[rng.next(Self.varints.count)])
        case 1: (0..<8).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        case 5: (0..<4).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        default: value(.bytes, depth: 0)
        }
    }

    /// A field no message here declares, groups (nested now and then) included.
    mutating func unknownField(depth: Int) -> [UInt8] {
        let number = [17, 18, 99, 1000, 536_870_911][rng.next(5)]
        let wireType = ([0, 1, 2, 3, 5] as [UInt8])[rng.next(5)]
        guard wireType == 3 else { return Wire.tag(number, wireType) + payload(wireType: wireType) }
        var body: [UInt8] = []
        for _ in 0..<rng.next(3) {
            if rng.next(4) == 0, depth < 12 {
                body += unknownField(depth: depth + 1)
            } else {
                let inner = ([0, 1, 2, 5] as [UInt8])[rng.next(4)]
                body += Wire.tag(1 + rng.next(20), inner) + payload(wireType: inner)
            }
        }
        return Wire.group(number, body)
    }

    /// A span whose one attribute nests arrays to about the depth limit (100): the request
    /// is level 1, its span level 4, the attribute's value level 6, each array 2 more.
    mutating func deepRequest() -> [UInt8] {
        let levels = 44 + rng.next(6)
        var any = Wire.string(1, "leaf")
        for _ in 0..<levels { any = Wire.bytes(5, Wire.bytes(1, any)) }
        var span = Wire.span("deep", Wire.bytes(9, Wire.keyValue("k", any)))
        if rng.next(2) == 0 {
            // Or groups in an unknown field, nested as deep.
            var group: [UInt8] = []
            for _ in 0..<(92 + rng.next(8)) { group = Wire.group(20, group) }
            span = Wire.span("groups", group)
        }
        return Wire.request(spans: [span])
    }
}
