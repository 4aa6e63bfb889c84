#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pipeline
import Testing

/// A fresh directory under the system temp dir for one test, plus the raw file surgery the
/// crash tests need (truncating, flipping bytes, copying a directory mid-write).
struct DiskLogScratchDirectory {
    let path: String

    /// Wraps an existing directory (for `copy(to:)`) without owning it.
    init(pathForCopy path: String) {
        self.path = path
    }

    init() throws {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((base + "/outrider-disklog-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw DiskLogError.io(path: base, operation: "mkdtemp", errno: errno) }
        path = String(cString: created)
    }

    func child(_ name: String) -> String { path + "/" + name }

    func remove() { Self.removeTree(path) }

    static func removeTree(_ path: String) {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                removeTree(path + "/" + name)
            }
            closedir(directory)
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Names in the directory (not recursive), sorted.
    static func names(in path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    func names() -> [String] { Self.names(in: path) }

    func segmentNamesIn(_ subdirectory: String) -> [String] {
        Self.names(in: child(subdirectory)).filter { $0.hasSuffix(".wal") }
    }

    static func contents(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DiskLogError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 { throw DiskLogError.io(path: path, operation: "read", errno: errno) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    static func writeFile(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DiskLogError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw DiskLogError.io(path: path, operation: "write", errno: errno) }
    }

    /// Writes `bytes` at `offset` with a raw pwrite, as a crash-interrupted append would have.
    static func writeRaw(_ bytes: [UInt8], to path: String, at offset: Int) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw DiskLogError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        guard written == bytes.count else { throw DiskLogError.io(path: path, operation: "pwrite", errno: errno) }
    }

    static func size(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : -1
    }

    static func truncateFile(_ path: String, to length: Int) throws {
        guard truncate(path, off_t(length)) == 0 else { throw DiskLogError.io(path: path, operation: "truncate", errno: errno) }
    }

    /// XORs one byte in place.
    static func flip(_ path: String, at offset: Int) throws {
        var bytes = try contents(path)
        bytes[offset] ^= 0xFF
        try writeFile(bytes, to: path)
    }

    /// Copies every regular file, one after another, the way a crash would "photograph" a
    /// directory while it is being written: each file as it is at the moment it is read.
    func copy(to destination: String) throws {
        mkdir(destination, 0o755)
        for name in names() where name != "lock" {
            try Self.writeFile(try Self.contents(child(name)), to: destination + "/" + name)
        }
    }

    /// A recognisable payload for a position, so a test can tell a replayed record from garbage.
    static func payload(_ index: Int, size: Int = 10) -> [UInt8] {
        var bytes = Array("r\(index):".utf8)
        while bytes.count < size { bytes.append(UInt8(truncatingIfNeeded: index &* 31 &+ bytes.count)) }
        return Array(bytes.prefix(max(size, 0)))
    }
}

@Suite("DiskLog scratch directory")
struct DiskLogScratchDirectoryTests {
    @Test("is created empty under the temp dir and removed with its contents")
    func createdAndRemoved() throws {
        let scratch = try DiskLogScratchDirectory()
        #expect(scratch.names().isEmpty)
        mkdir(scratch.child("nested"), 0o755)
        try DiskLogScratchDirectory.writeFile([1, 2, 3], to: scratch.child("nested/file"))
        scratch.remove()
        #expect(access(scratch.path, F_OK) != 0)
    }
}
