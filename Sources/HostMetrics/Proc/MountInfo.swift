/// The mount table from `/proc/<pid>/mountinfo` (proc(5)): which filesystems exist and where,
/// for `node_filesystem_*` (with `FilesystemFilter` and `FilesystemStats`).
///
/// `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`
///
/// mountinfo rather than `/proc/mounts` because it splits per-mount options from superblock
/// options, names the device numbers (which join with /proc/diskstats) and marks the end of
/// the variable-length optional fields with ` - `. The kernel escapes space, tab, newline and
/// backslash in paths as octal (`\040`, `\011`, `\012`, `\134`); names are unescaped here.
public struct MountInfo: Sendable, Hashable {
    public static let fileName = "/proc/self/mountinfo"

    public struct Mount: Sendable, Hashable {
        /// Unique id of this mount (may be reused after unmount).
        public var mountID: UInt64
        /// Id of the parent mount; equal to `mountID` at the top of the tree.
        public var parentID: UInt64
        /// `st_dev` of files on this filesystem.
        public var major: UInt32
        public var minor: UInt32
        /// The directory within the filesystem that is mounted here (not `/` for bind mounts).
        public var root: String
        /// Where it is mounted, relative to the reader's root.
        public var mountPoint: String
        /// Per-mount options, e.g. `rw,nosuid,relatime`.
        public var mountOptions: String
        /// Tagged optional fields such as `shared:1`, `master:2`, `propagate_from:3`, `unbindable`.
        public var optionalFields: [String]
        /// e.g. `ext4`, `tmpfs`, `fuse.sshfs`.
        public var fsType: String
        /// The device or source (`/dev/vda`, `tmpfs`, `none`): node_exporter's `device` label.
        public var source: String
        /// Superblock options, e.g. `rw,errors=remount-ro`.
        public var superOptions: String

        public init(
            mountID: UInt64, parentID: UInt64, major: UInt32, minor: UInt32, root: String, mountPoint: String,
            mountOptions: String, optionalFields: [String], fsType: String, source: String, superOptions: String
        ) {
            self.mountID = mountID
            self.parentID = parentID
            self.major = major
            self.minor = minor
            self.root = root
            self.mountPoint = mountPoint
            self.mountOptions = mountOptions
            self.optionalFields = optionalFields
            self.fsType = fsType
            self.source = source
            self.superOptions = superOptions
        }

        /// Read-only either at the mount (a read-only bind mount) or at the superblock.
        /// This is the `ro` that node_exporter finds in /proc/mounts' combined options.
        public var isReadOnly: Bool {
            Self.hasOption("ro", in: mountOptions) || Self.hasOption("ro", in: superOptions)
        }

        static func hasOption(_ option: String, in options: String) -> Bool {
            options.utf8.split(separator: UInt8(ascii: ",")).contains { $0.elementsEqual(option.utf8) }
        }
    }

    /// Mounts in file order (parents before children, later mounts over earlier ones).
    public var mounts: [Mount]

    public init(mounts: [Mount]) {
        self.mounts = mounts
    }

    /// Parses the whole file. Every line must have the six leading fields, a `-` separator
    /// and exactly three fields after it. An empty file is an error: a process always has at
    /// least its root mount.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> MountInfo {
        let file = fileName
        try ByteScanner.requireContent(bytes, file: file)
        var mounts: [Mount] = []

        try ByteScanner.forEachLine(bytes) { (number, line) throws(ParseError) in
            if ProcLines.isBlank(line) { return }
            var fields = FieldCursor(line)
            func required(_ what: String) throws(ParseError) -> ArraySlice<UInt8> {
                guard let field = fields.next() else {
                    throw ParseError(file: file, line: number, "missing \(what)")
                }
                return field
            }
            let mountID = try ProcLines.uint64(try required("mount id"), file: file, line: number, "mount id")
            let parentID = try ProcLines.uint64(try required("parent id"), file: file, line: number, "parent id")
            let device = try required("major:minor")
            guard let colon = device.firstIndex(of: UInt8(ascii: ":")),
                  let major = device[..<colon].uint64.flatMap({ UInt32(exactly: $0) }),
                  let minor = device[(colon + 1)...].uint64.flatMap({ UInt32(exactly: $0) }) else {
                throw ParseError(file: file, line: number, "expected major:minor, found \"\(ProcLines.printable(device))\"")
            }
            let root = unescape(try required("root"))
            let mountPoint = unescape(try required("mount point"))
            let mountOptions = try required("mount options").string
            var optional: [String] = []
            while true {
                let field = try required("the \"-\" separator")
                if field.equals("-") { break }
                optional.append(field.string)
            }
            let fsType = unescape(try required("filesystem type"))
            let source = unescape(try required("mount source"))
            let superOptions = unescape(try required("super options"))
            guard fields.next() == nil else {
                throw ParseError(file: file, line: number, "unexpected fields after the super options")
            }
            mounts.append(Mount(
                mountID: mountID, parentID: parentID, major: major, minor: minor, root: root,
                mountPoint: mountPoint, mountOptions: mountOptions, optionalFields: optional,
                fsType: fsType, source: source, superOptions: superOptions
            ))
        }
        return MountInfo(mounts: mounts)
    }

    /// Undoes the kernel's `\ooo` octal escapes. A backslash not followed by three octal
    /// digits is kept as is. Bytes that are not UTF-8 become U+FFFD, as in any String.
    static func unescape(_ field: ArraySlice<UInt8>) -> String {
        guard field.contains(UInt8(ascii: "\\")) else { return field.string }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var index = field.startIndex
        func isOctal(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") }
        while index < field.endIndex {
            let byte = field[index]
            if byte == UInt8(ascii: "\\"), field.endIndex - index >= 4,
               isOctal(field[index + 1]), isOctal(field[index + 2]), isOctal(field[index + 3]) {
                let value = (UInt16(field[index + 1] - 48) << 6) | (UInt16(field[index + 2] - 48) << 3) | UInt16(field[index + 3] - 48)
                if value <= 0xFF {
                    out.append(UInt8(value))
                    index += 4
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
