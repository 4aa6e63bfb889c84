/// A small DEFLATE decoder (RFC 1951) with gzip (RFC 1952) and zlib (RFC 1950) framing, in
/// plain Swift: the sink must read `Content-Encoding: gzip` bodies, and zlib is not
/// importable without a C target. Written after Mark Adler's `puff.c`: canonical Huffman
/// codes decoded a bit at a time — simple and correct rather than fast (tens of MB/s in
/// release, plenty for a test backend).
///
/// Output is streamed: decoded bytes go to `emit` in pieces of up to `chunk` bytes and only
/// the last 32 KiB (the DEFLATE window) are kept, so memory is the compressed input plus
/// ~100 KiB, whatever the decompressed size. `limit` caps the decompressed size (zip bombs).
struct Inflater {
    enum Failure: Error, Equatable {
        case truncated
        case badHeader
        case badBlock
        case badCode
        case badDistance
        case checksum
        case tooLarge
    }

    private static let window = 32 * 1024
    private static let chunk = 64 * 1024

    private let input: [UInt8]
    private var position = 0
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0

    private var output: [UInt8] = []
    private var total = 0
    private let limit: Int
    private var crc: UInt32 = 0xFFFF_FFFF
    private var trackCRC = false

    private init(input: [UInt8], limit: Int) {
        self.input = input
        self.limit = limit
        output.reserveCapacity(Self.window + Self.chunk + 258)
    }

    /// Decodes all gzip members of `input`; returns the decompressed size.
    static func gunzip(_ input: [UInt8], limit: Int, emit: (UnsafeRawBufferPointer) -> Void) throws(Failure) -> Int {
        var inflater = Inflater(input: input, limit: limit)
        inflater.trackCRC = true
        repeat {
            try inflater.gzipMember(emit: emit)
            // Trailing zero padding after the last member is tolerated, as gzip(1) does.
        } while inflater.position < input.count && input[inflater.position...].contains(where: { $0 != 0 })
        return inflater.total
    }

    /// Decodes a zlib stream (`Content-Encoding: deflate`, which in practice means zlib
    /// framing), or a raw DEFLATE stream if the first two bytes are not a zlib header.
    static func inflate(_ input: [UInt8], limit: Int, emit: (UnsafeRawBufferPointer) -> Void) throws(Failure) -> Int {
        var inflater = Inflater(input: input, limit: limit)
        if input.count >= 2, input[0] & 0x0F == 8, (UInt16(input[0]) << 8 | UInt16(input[1])) % 31 == 0 {
            inflater.position = 2
            if input[1] & 0x20 != 0 { throw .badHeader }  // preset dictionary
        }
        try inflater.deflate(emit: emit)
        return inflater.total
    }

    private mutating func gzipMember(emit: (UnsafeRawBufferPointer) -> Void) throws(Failure) {
        guard input.count - position >= 18 else { throw .truncated }
        guard input[position] == 0x1F, input[position + 1] == 0x8B, input[position + 2] == 8 else { throw .badHeader }
        let flags = input[position + 3]
        position += 10
        if flags & 0x04 != 0 {  // FEXTRA
            guard input.count - position >= 2 else { throw .truncated }
            position += 2 + (Int(input[position]) | Int(input[position + 1]) << 8)
        }
        if flags & 0x08 != 0 { try skipZeroTerminated() }  // FNAME
        if flags & 0x10 != 0 { try skipZeroTerminated() }  // FCOMMENT
        if flags & 0x02 != 0 { position += 2 }  // FHCRC
        guard position <= input.count else { throw .truncated }
        crc = 0xFFFF_FFFF
        let before = total
        try deflate(emit: emit)
        // Trailer: CRC-32 and size mod 2^32, little-endian, byte aligned after the stream.
        bitBuffer = 0
        bitCount = 0
        guard input.count - position >= 8 else { throw .truncated }
        let storedCRC = readLE32(at: position)
        let storedSize = readLE32(at: position + 4)
        position += 8
        guard storedCRC == ~crc, storedSize == UInt32(truncatingIfNeeded: total - before) else { throw .checksum }
    }

    private func readLE32(at index: Int) -> UInt32 {
        UInt32(input[index]) | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2]) << 16 | UInt32(input[index + 3]) << 24
    }

    private mutating func skipZeroTerminated() throws(Failure) {
        while position < input.count, input[position] != 0 { position += 1 }
        guard position < input.count else { throw .truncated }
        position += 1
    }

    // MARK: DEFLATE

    private mutating func deflate(emit: (UnsafeRawBufferPointer) -> Void) throws(Failure) {
        var last = false
        repeat {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(Self.fixed.lengths, Self.fixed.distances, emit: emit)
            case 2:
                let (lengths, distances) = try dynamicTables()
                try codes(lengths, distances, emit: emit)
            default: throw .badBlock
            }
            if output.count >= Self.window + Self.chunk { flush(keep: Self.window, emit: emit) }
        } while !last
        flush(keep: 0, emit: emit)
        // Give back whole bytes read ahead into the bit buffer: the trailer starts there.
        position -= bitCount / 8
        bitBuffer = 0
        bitCount = 0
    }

    /// Emits everything but the last `keep` bytes of output.
    private mutating func flush(keep: Int, emit: (UnsafeRawBufferPointer) -> Void) {
        let count = output.count - keep
        guard count > 0 else { return }
        output.withUnsafeBytes { emit(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        output.removeFirst(count)
    }

    private mutating func bits(_ need: Int) throws(Failure) -> Int {
        while bitCount < need {
            guard position < input.count else { throw .truncated }
            bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
        let value = Int(bitBuffer & ((1 << UInt64(need)) - 1))
        bitBuffer >>= UInt64(need)
        bitCount -= need
        return value
    }

    private mutating func append(_ byte: UInt8) throws(Failure) {
        total += 1
        guard total <= limit else { throw .tooLarge }
        output.append(byte)
        if trackCRC { crc = Self.crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }

    private mutating func stored() throws(Failure) {
        bitBuffer = 0
        bitCount = 0
        guard input.count - position >= 4 else { throw .truncated }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == ~complement & 0xFFFF else { throw .badBlock }
        position += 4
        guard input.count - position >= length else { throw .truncated }
        for index in position..<(position + length) { try append(input[index]) }
        position += length
    }

    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        /// Builds the canonical code; over-subscribed sets are rejected, incomplete ones are
        /// allowed (a single distance code is legal).
        init(lengths: ArraySlice<Int>) throws(Failure) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            var left = 1
            for length in 1..<16 {
                left <<= 1
                left -= counts[length]
                if left < 0 { throw .badCode }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in zip(0..., lengths) where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private mutating func decode(_ code: Huffman) throws(Failure) -> Int {
        var value = 0, first = 0, index = 0
        for length in 1..<16 {
            value |= try bits(1)
            let count = code.counts[length]
            if value - count < first { return code.symbols[index + (value - first)] }
            index += count
            first += count
            first <<= 1
            value <<= 1
        }
        throw .badCode
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                       4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private mutating func codes(_ lengths: Huffman, _ distances: Huffman, emit: (UnsafeRawBufferPointer) -> Void) throws(Failure) {
        while true {
            let symbol = try decode(lengths)
            if symbol < 256 {
                try append(UInt8(symbol))
                if output.count >= Self.window + Self.chunk { flush(keep: Self.window, emit: emit) }
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < 29 else { throw .badCode }
            let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
            let distanceSymbol = try decode(distances)
            guard distanceSymbol < 30 else { throw .badDistance }
            let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw .badDistance }
            total += length
            guard total <= limit else { throw .tooLarge }
            var from = output.count - distance
            for _ in 0..<length {
                let byte = output[from]
                output.append(byte)
                if trackCRC { crc = Self.crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
                from += 1
            }
            // A block may be arbitrarily long: make room as it goes (the window stays).
            if output.count >= Self.window + Self.chunk { flush(keep: Self.window, emit: emit) }
        }
    }

    private static let fixed: (lengths: Huffman, distances: Huffman) = {
        var lengths = [Int](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        // Fixed tables are well formed: `try!` cannot fail here.
        return (try! Huffman(lengths: lengths[...]), try! Huffman(lengths: [Int](repeating: 5, count: 30)[...]))
    }()

    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func dynamicTables() throws(Failure) -> (Huffman, Huffman) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .badBlock }
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeCount { codeLengths[Self.codeLengthOrder[index]] = try bits(3) }
        let lengthCode = try Huffman(lengths: codeLengths[...])
        var lengths = [Int](repeating: 0, count: literalCount + distanceCount)
        var index = 0
        while index < literalCount + distanceCount {
            var symbol = try decode(lengthCode)
            if symbol < 16 {
                lengths[index] = symbol
                index += 1
                continue
            }
            var value = 0
            switch symbol {
            case 16:
                guard index > 0 else { throw .badBlock }
                value = lengths[index - 1]
                symbol = 3 + (try bits(2))
            case 17: symbol = 3 + (try bits(3))
            default: symbol = 11 + (try bits(7))
            }
            guard index + symbol <= literalCount + distanceCount else { throw .badBlock }
            for _ in 0..<symbol {
                lengths[index] = value
                index += 1
            }
        }
        guard lengths[256] != 0 else { throw .badBlock }
        return (try Huffman(lengths: lengths[0..<literalCount]), try Huffman(lengths: lengths[literalCount...]))
    }

    private static let crcTable: [UInt32] = (0..<256).map { index -> UInt32 in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }
}
