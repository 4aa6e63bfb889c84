/// Per-interface traffic counters from `/proc/net/dev`: the source of
/// `node_network_{receive,transmit}_*_total`.
///
/// The file is two header lines, then one line per interface:
/// `  eth0: 31952923 737 0 0 0 0 0 0 31162 397 0 0 0 0 0 0`. With an 8-character name or a
/// large counter the colon touches the first number (`eth0:31952923`), so the line is split
/// at its last colon rather than at whitespace. Current kernels refuse `:` in interface
/// names (it is ifconfig's alias syntax, `eth0:1`), but numbers never contain one, so a name
/// with a colon from an older or patched kernel still parses whole.
public struct NetDev: Sendable, Hashable {
    public static let fileName = "/proc/net/dev"

    public struct Receive: Sendable, Hashable {
        public var bytes: UInt64
        public var packets: UInt64
        public var errors: UInt64
        public var dropped: UInt64
        public var fifo: UInt64
        public var frame: UInt64
        public var compressed: UInt64
        public var multicast: UInt64

        public init(bytes: UInt64, packets: UInt64, errors: UInt64, dropped: UInt64, fifo: UInt64, frame: UInt64, compressed: UInt64, multicast: UInt64) {
            self.bytes = bytes
            self.packets = packets
            self.errors = errors
            self.dropped = dropped
            self.fifo = fifo
            self.frame = frame
            self.compressed = compressed
            self.multicast = multicast
        }
    }

    public struct Transmit: Sendable, Hashable {
        public var bytes: UInt64
        public var packets: UInt64
        public var errors: UInt64
        public var dropped: UInt64
        public var fifo: UInt64
        public var collisions: UInt64
        public var carrier: UInt64
        public var compressed: UInt64

        public init(bytes: UInt64, packets: UInt64, errors: UInt64, dropped: UInt64, fifo: UInt64, collisions: UInt64, carrier: UInt64, compressed: UInt64) {
            self.bytes = bytes
            self.packets = packets
            self.errors = errors
            self.dropped = dropped
            self.fifo = fifo
            self.collisions = collisions
            self.carrier = carrier
            self.compressed = compressed
        }
    }

    public struct Interface: Sendable, Hashable {
        public var name: String
        public var receive: Receive
        public var transmit: Transmit

        public init(name: String, receive: Receive, transmit: Transmit) {
            self.name = name
            self.receive = receive
            self.transmit = transmit
        }
    }

    /// Interfaces in file order.
    public var interfaces: [Interface]

    public init(interfaces: [Interface]) {
        self.interfaces = interfaces
    }

    /// Parses the whole file. The two header lines (recognised by their `|`) are required;
    /// a file with headers and no interface is valid (an empty network namespace). Every
    /// other line must be `name: 16 counters`.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> NetDev {
        let file = fileName
        try ByteScanner.requireContent(bytes, file: file)
        var headers = 0
        var interfaces: [Interface] = []
        // One buffer for the whole file rather than one array per line.
        var values = [UInt64](repeating: 0, count: 16)

        try ByteScanner.forEachLine(bytes) { (number, line) throws(ParseError) in
            if ProcLines.isBlank(line) { return }
            if headers < 2 {
                guard line.contains(UInt8(ascii: "|")) else {
                    throw ParseError(file: file, line: number, "expected the header line, found \"\(ProcLines.printable(line))\"")
                }
                headers += 1
                return
            }
            guard let colon = line.lastIndex(of: UInt8(ascii: ":")) else {
                throw ParseError(file: file, line: number, "expected \"name: counters\", found \"\(ProcLines.printable(line))\"")
            }
            var nameCursor = FieldCursor(line[line.startIndex..<colon])
            guard let name = nameCursor.next(), nameCursor.next() == nil else {
                throw ParseError(file: file, line: number, "malformed interface name \"\(ProcLines.printable(line[line.startIndex..<colon]))\"")
            }
            var fields = FieldCursor(line[(colon + 1)...])
            var count = 0
            while let field = fields.next() {
                guard count < 16 else {
                    throw ParseError(file: file, line: number, "\(name.string): expected 16 counters, found more")
                }
                values[count] = try ProcLines.uint64(field, file: file, line: number, "\(name.string) counter \(count + 1)")
                count += 1
            }
            guard count == 16 else {
                throw ParseError(file: file, line: number, "\(name.string): expected 16 counters, found \(count)")
            }
            interfaces.append(Interface(
                name: name.string,
                receive: Receive(
                    bytes: values[0], packets: values[1], errors: values[2], dropped: values[3],
                    fifo: values[4], frame: values[5], compressed: values[6], multicast: values[7]
                ),
                transmit: Transmit(
                    bytes: values[8], packets: values[9], errors: values[10], dropped: values[11],
                    fifo: values[12], collisions: values[13], carrier: values[14], compressed: values[15]
                )
            ))
        }
        guard headers == 2 else { throw ParseError(file: file, "missing header lines") }
        return NetDev(interfaces: interfaces)
    }
}
