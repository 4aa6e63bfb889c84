/// `/proc/[pid]/cgroup`: which cgroup a process is in, per hierarchy. Collectors join the
/// path for a controller onto the cgroup mount (`/sys/fs/cgroup/memory` + `/kubepods/…`
/// on v1, `/sys/fs/cgroup` + `/kubepods.slice/…` on v2) to find the container's files.
///
/// Inside a container with its own cgroup namespace the path is usually `/`, meaning the
/// container's cgroup is mounted at the root; outside one it is the full path.
public struct CgroupMembership: Sendable, Hashable {
    /// One line: `hierarchy-ID:controller-list:path`.
    public struct Entry: Sendable, Hashable {
        /// 0 for the v2 unified hierarchy.
        public var hierarchyID: UInt32
        /// Controllers bound to this hierarchy (`cpu`, `cpuacct`, `name=systemd`); empty for v2.
        public var controllers: [String]
        /// The cgroup's path relative to the hierarchy's mount point.
        public var path: String

        public init(hierarchyID: UInt32, controllers: [String], path: String) {
            self.hierarchyID = hierarchyID
            self.controllers = controllers
            self.path = path
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The path in the v1 hierarchy that has `controller` (`memory`, `cpu`, `blkio`,
    /// `name=systemd`), or nil if no v1 hierarchy has it.
    public func path(forController controller: String) -> String? {
        entries.first { $0.hierarchyID != 0 && $0.controllers.contains(controller) }?.path
    }

    /// The path in the v2 unified hierarchy (the `0::/path` line), present on pure v2 and
    /// on hybrid hosts (whose unified hierarchy may carry no controllers at all).
    public var unifiedPath: String? {
        entries.first { $0.hierarchyID == 0 && $0.controllers.isEmpty }?.path
    }

    static let file = "/proc/[pid]/cgroup"

    /// Splits each line at its first two colons only: the path is the rest of the line and
    /// may itself contain colons (cgroup names are free-form). Every process belongs to at
    /// least one hierarchy, so an empty file is an error.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> CgroupMembership {
        var entries: [Entry] = []
        try ByteScanner.forEachNumberedLine(bytes) { line, number throws(ParseError) in
            guard let first = line.firstIndex(of: UInt8(ascii: ":")),
                  let second = line[(first + 1)...].firstIndex(of: UInt8(ascii: ":"))
            else { throw ParseError(file: file, line: number, "expected `hierarchy-ID:controller-list:path`") }
            guard let id = line[line.startIndex..<first].uint64, let id32 = UInt32(exactly: id) else {
                throw ParseError(file: file, line: number, "hierarchy ID is not an unsigned integer")
            }
            let path = line[(second + 1)..<line.endIndex]
            guard path.first == UInt8(ascii: "/") else {
                throw ParseError(file: file, line: number, "cgroup path does not start with `/`")
            }
            let controllers = line[(first + 1)..<second]
                .split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true)
                .map(\.string)
            entries.append(Entry(hierarchyID: id32, controllers: controllers, path: path.string))
        }
        guard !entries.isEmpty else { throw ParseError(file: file, "empty file") }
        return CgroupMembership(entries: entries)
    }
}
