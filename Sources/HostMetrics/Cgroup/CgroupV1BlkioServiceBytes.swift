/// cgroup v1 `blkio.throttle.io_service_bytes` (and, same format, `blkio.throttle.io_serviced`
/// for operation counts): the container's block I/O per device, for
/// `container_fs_reads_bytes_total` / `container_fs_writes_bytes_total`.
///
/// The throttle files are used, not `blkio.io_service_bytes`, because those count only I/O
/// through the CFQ/BFQ scheduler and read zero with the `none`/`mq-deadline` schedulers
/// most servers use; the throttle layer sees all I/O. Values are bytes (or operations).
public struct CgroupV1BlkioServiceBytes: Sendable, Hashable {
    public struct Device: Sendable, Hashable {
        public var major: UInt32
        public var minor: UInt32
        public var read: UInt64
        public var write: UInt64
        public var sync: UInt64
        public var async: UInt64
        /// `Discard`, Linux 4.19+.
        public var discard: UInt64?
        public var total: UInt64

        public init(
            major: UInt32, minor: UInt32, read: UInt64 = 0, write: UInt64 = 0,
            sync: UInt64 = 0, async: UInt64 = 0, discard: UInt64? = nil, total: UInt64 = 0
        ) {
            self.major = major
            self.minor = minor
            self.read = read
            self.write = write
            self.sync = sync
            self.async = async
            self.discard = discard
            self.total = total
        }
    }

    /// In file order.
    public var devices: [Device]
    /// The last line, `Total N`: all devices together. 0 when the line is absent.
    public var total: UInt64

    public init(devices: [Device], total: UInt64) {
        self.devices = devices
        self.total = total
    }

    static let file = "blkio.throttle.io_service_bytes"

    /// Lines are `MAJ:MIN Op value` (Op: Read, Write, Sync, Async, Discard, Total) and a
    /// final `Total value`. An unknown Op is skipped; a bad device number, a bad value or a
    /// wrong field count throws with its line.
    ///
    /// An EMPTY FILE IS VALID (no devices, total 0): current kernels always write `Total 0`,
    /// but older ones wrote nothing for a cgroup without I/O.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupV1BlkioServiceBytes {
        var devices: [Device] = []
        var total: UInt64 = 0
        try ByteScanner.forEachNumberedLine(bytes) { line, number throws(ParseError) in
            let fields = ByteScanner.fields(line)
            if fields.count == 2, fields[0].equals("Total") {
                total = try fields[1].requireUInt64(file: file, line: number, key: "Total")
                return
            }
            guard fields.count == 3 else {
                throw ParseError(file: file, line: number, "expected `MAJ:MIN Op value` or `Total value`")
            }
            guard let device = fields[0].deviceNumber() else {
                throw ParseError(file: file, line: number, "expected `MAJ:MIN` at the start of the line")
            }
            let value = try fields[2].requireUInt64(file: file, line: number, key: "value")
            // Lines for one device are consecutive; start a new entry when the device changes.
            if devices.last.map({ $0.major != device.major || $0.minor != device.minor }) ?? true {
                devices.append(Device(major: device.major, minor: device.minor))
            }
            let op = fields[1]
            if op.equals("Read") {
                devices[devices.count - 1].read = value
            } else if op.equals("Write") {
                devices[devices.count - 1].write = value
            } else if op.equals("Sync") {
                devices[devices.count - 1].sync = value
            } else if op.equals("Async") {
                devices[devices.count - 1].async = value
            } else if op.equals("Discard") {
                devices[devices.count - 1].discard = value
            } else if op.equals("Total") {
                devices[devices.count - 1].total = value
            }
        }
        return CgroupV1BlkioServiceBytes(devices: devices, total: total)
    }
}
