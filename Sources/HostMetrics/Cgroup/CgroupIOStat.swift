/// cgroup v2 `io.stat`: the container's block I/O per device, behind
/// `container_fs_reads_bytes_total`, `container_fs_writes_bytes_total`,
/// `container_fs_reads_total` and `container_fs_writes_total`.
public struct CgroupIOStat: Sendable, Hashable {
    /// One device's counters since the cgroup was created. Bytes and I/O counts.
    public struct Device: Sendable, Hashable {
        public var major: UInt32
        public var minor: UInt32
        public var readBytes: UInt64
        public var writeBytes: UInt64
        public var readIOs: UInt64
        public var writeIOs: UInt64
        /// Discards (`dbytes`, `dios`) were added in Linux 5.0; nil on older kernels.
        public var discardBytes: UInt64?
        public var discardIOs: UInt64?

        public init(
            major: UInt32, minor: UInt32, readBytes: UInt64, writeBytes: UInt64,
            readIOs: UInt64, writeIOs: UInt64, discardBytes: UInt64? = nil, discardIOs: UInt64? = nil
        ) {
            self.major = major
            self.minor = minor
            self.readBytes = readBytes
            self.writeBytes = writeBytes
            self.readIOs = readIOs
            self.writeIOs = writeIOs
            self.discardBytes = discardBytes
            self.discardIOs = discardIOs
        }
    }

    /// In file order.
    public var devices: [Device]

    public init(devices: [Device]) {
        self.devices = devices
    }

    static let file = "io.stat"

    /// Each line is `MAJ:MIN key=value …` ("nested keyed" in cgroup-v2.rst). Unknown keys
    /// are skipped whatever their value (io.cost and debug builds add `cost.vrate=135.29`,
    /// `rwait=…`); a known key with a bad value, a bad device number, or a token without
    /// `=` throws with its line. An EMPTY FILE IS VALID: the kernel prints only devices
    /// this cgroup has done I/O on, so a fresh or I/O-free container has none.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupIOStat {
        var devices: [Device] = []
        try ByteScanner.forEachNumberedLine(bytes) { line, number throws(ParseError) in
            let fields = ByteScanner.fields(line)
            guard let device = fields[0].deviceNumber() else {
                throw ParseError(file: file, line: number, "expected `MAJ:MIN` at the start of the line")
            }
            var rbytes: UInt64?, wbytes: UInt64?, rios: UInt64?, wios: UInt64?, dbytes: UInt64?, dios: UInt64?
            for field in fields.dropFirst() {
                guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else {
                    throw ParseError(file: file, line: number, "expected `key=value`, found `\(field.prefix(40).string)`")
                }
                let key = field[field.startIndex..<equals]
                let value = field[(equals + 1)..<field.endIndex]
                if key.equals("rbytes") {
                    rbytes = try value.requireUInt64(file: file, line: number, key: "rbytes")
                } else if key.equals("wbytes") {
                    wbytes = try value.requireUInt64(file: file, line: number, key: "wbytes")
                } else if key.equals("rios") {
                    rios = try value.requireUInt64(file: file, line: number, key: "rios")
                } else if key.equals("wios") {
                    wios = try value.requireUInt64(file: file, line: number, key: "wios")
                } else if key.equals("dbytes") {
                    dbytes = try value.requireUInt64(file: file, line: number, key: "dbytes")
                } else if key.equals("dios") {
                    dios = try value.requireUInt64(file: file, line: number, key: "dios")
                }
            }
            guard let rbytes, let wbytes, let rios, let wios else {
                throw ParseError(file: file, line: number, "missing one of rbytes, wbytes, rios, wios")
            }
            devices.append(Device(
                major: device.major, minor: device.minor,
                readBytes: rbytes, writeBytes: wbytes, readIOs: rios, writeIOs: wios,
                discardBytes: dbytes, discardIOs: dios
            ))
        }
        return CgroupIOStat(devices: devices)
    }
}
