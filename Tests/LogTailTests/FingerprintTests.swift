import Telemetry
import Foundation
import Testing

@testable import LogTail
import TestSupport

/// Appends with write(2) so the inode is kept (TemporaryDirectory.write replaces the file).
private func fpAppend(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno)!) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    #expect(write(fd, bytes, bytes.count) == bytes.count)
}

private func fpLine(_ n: Int) -> String {
    "2026-11-24T14:00:00Z line \(n) " + String(repeating: "x", count: 40) + "\n"
}

@Suite struct FingerprintTests {
    let fingerprinter = Fingerprinter(checksumBytes: 256)

    @Test func crc32cCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func fingerprintCoversTheFirstBytesOnly() throws {
        let dir = try TemporaryDirectory("outrider-fp")
        let path = "\(dir.path)/a.log"
        try fpAppend(path, String(repeating: fpLine(0), count: 10))
        let first = try fingerprinter.fingerprint(path: path)
        #expect(first.fingerprint.isStable)
        #expect(first.fingerprint.length == 256)
        try fpAppend(path, fpLine(99))
        let second = try fingerprinter.fingerprint(path: path)
        #expect(second.fingerprint == first.fingerprint)
        #expect(second.size > first.size)

        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(first.fingerprint.inode == UInt64(st.st_ino))
        #expect(first.fingerprint.device == UInt64(st.st_dev))
        let bytes = Array(String(repeating: fpLine(0), count: 10).utf8.prefix(256))
        #expect(first.fingerprint.checksum == CRC32C.checksum(bytes))
    }

    @Test func fdVariantUsesPreadAndKeepsTheOffset() throws {
        let dir = try TemporaryDirectory("outrider-fp")
        let path = "\(dir.path)/a.log"
        try fpAppend(path, String(repeating: fpLine(1), count: 10))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        #expect(lseek(fd, 100, SEEK_SET) == 100)
        let viaFD = try fingerprinter.fingerprint(fd: fd, path: path)
        #expect(lseek(fd, 0, SEEK_CUR) == 100)
        #expect(viaFD.fingerprint == (try fingerprinter.fingerprint(path: path)).fingerprint)
    }

    @Test func shortFileHasAProvisionalFingerprintThatGrowsStable() throws {
        let dir = try TemporaryDirectory("outrider-fp")
        let path = "\(dir.path)/a.log"
        try fpAppend(path, "short\n")
        let short = try fingerprinter.fingerprint(path: path)
        #expect(!short.fingerprint.isStable)
        #expect(short.fingerprint.length == 6)
        try fpAppend(path, String(repeating: fpLine(2), count: 10))
        let full = try fingerprinter.fingerprint(path: path)
        #expect(full.fingerprint.isStable)
        let tracked = [TrackedFile(path: path, fingerprint: short.fingerprint, offset: 6)]
        #expect(FileIdentity.classify(tracked: tracked, observed: [full]).change(at: path) == .unchanged(grown: true))
    }

    @Test func provisionalFingerprintIsRecheckedWhenTheFileGrew() throws {
        let dir = try TemporaryDirectory("outrider-fp")
        let path = "\(dir.path)/a.log"
        try fpAppend(path, "short\n")
        let short = try fingerprinter.fingerprint(path: path).fingerprint
        let tracked = [TrackedFile(path: path, fingerprint: short, offset: 6)]
        try fpAppend(path, String(repeating: fpLine(3), count: 10))
        let grown = try fingerprinter.fingerprint(path: path, prefixOf: short)
        #expect(grown.prefix?.length == 6)
        #expect(FileIdentity.classify(tracked: tracked, observed: [grown]).change(at: path) == .unchanged(grown: true))
        // Rewritten in place (same inode, same size or larger, different first bytes).
        let fd = open(path, O_WRONLY)
        #expect(pwrite(fd, "SHORT\n", 6, 0) == 6)
        close(fd)
        let rewritten = try fingerprinter.fingerprint(path: path, prefixOf: short)
        #expect(FileIdentity.classify(tracked: tracked, observed: [rewritten]).change(at: path) == .inodeReused(previous: tracked[0]))
    }

    @Test func missingFileThrows() {
        #expect(throws: FingerprintError.self) { try fingerprinter.fingerprint(path: "/nonexistent/x.log") }
    }

    // MARK: Rotation schemes, on real files

    /// Tracks `path` at its current size, as the tailer would after reading it to the end.
    private func track(_ path: String) throws -> TrackedFile {
        let o = try fingerprinter.fingerprint(path: path)
        return TrackedFile(path: path, fingerprint: o.fingerprint, offset: o.size)
    }

    private func observe(_ paths: String...) throws -> [FileObservation] {
        try paths.map { try fingerprinter.fingerprint(path: $0) }
    }

    @Test func growth() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = "\(dir.path)/app.log"
        try fpAppend(path, String(repeating: fpLine(0), count: 10))
        let tracked = try track(path)
        #expect(FileIdentity.classify(tracked: [tracked], observed: try observe(path)).change(at: path) == .unchanged(grown: false))
        try fpAppend(path, fpLine(11))
        let r = FileIdentity.classify(tracked: [tracked], observed: try observe(path))
        #expect(r.change(at: path) == .unchanged(grown: true))
        #expect(r.gone.isEmpty)
    }

    @Test func renameAndCreate() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = "\(dir.path)/app.log", rotated = "\(dir.path)/app.log.1"
        try fpAppend(path, String(repeating: fpLine(0), count: 10))
        let tracked = try track(path)
        #expect(rename(path, rotated) == 0)
        try fpAppend(path, String(repeating: fpLine(1), count: 10))
        let r = FileIdentity.classify(tracked: [tracked], observed: try observe(path, rotated))
        #expect(r.change(at: rotated) == .rotated(previous: tracked))
        #expect(r.change(at: path) == .replaced(previous: tracked))
        #expect(r.gone.isEmpty)
    }

    @Test func renameOutOfTheGlobs() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = "\(dir.path)/app.log"
        try fpAppend(path, String(repeating: fpLine(0), count: 10))
        let tracked = try track(path)
        #expect(rename(path, "\(dir.path)/app.log.1") == 0)
        try fpAppend(path, fpLine(1))
        let r = FileIdentity.classify(tracked: [tracked], observed: try observe(path))
        #expect(r.change(at: path) == .replaced(previous: tracked))
        #expect(r.gone == [tracked])
    }

    @Test func copyTruncate() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = "\(dir.path)/app.log", copy = "\(dir.path)/app.log.1"
        try fpAppend(path, String(repeating: fpLine(0), count: 10))
        let tracked = try track(path)
        // Lines written after the last read, before logrotate copies: must not be lost.
        try fpAppend(path, fpLine(10))
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        #expect(truncate(path, 0) == 0)
        try fpAppend(path, fpLine(20))
        let r = FileIdentity.classify(tracked: [tracked], observed: try observe(path, copy))
        #expect(r.change(at: path) == .truncated(previous: tracked))
        #expect(r.change(at: copy) == .copied(previous: tracked))
        #expect(r.gone.isEmpty)
    }

    @Test func truncateInPlace() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = "\(dir.path)/app.log"
        try fpAppend(path, String(repeating: fpLine(0), count: 10))
        let tracked = try track(path)
        // Same first bytes, shorter file.
        #expect(truncate(path, 300) == 0)
        let r = FileIdentity.classify(tracked: [tracked], observed: try observe(path))
        #expect(r.change(at: path) == .truncated(previous: tracked))
        // Truncated to nothing.
        #expect(truncate(path, 0) == 0)
        #expect(FileIdentity.classify(tracked: [tracked], observed: try observe(path)).change(at: path) == .truncated(previous: tracked))
    }

    @Test func deleteAndRecreate() throws {
        let dir = try TemporaryDirectory("outrider-rot")
        let path = "\(dir.path)/app.log"
        try fpAppend(path, String(repeating: fpLine(0), count: 10))
        let tracked = try track(path)
        // Holding the old file open keeps its inode allocated, so the new file gets another one
        // (the reused-inode variant is `inodeReuse` below).
        let holder = open(path, O_RDONLY)
        defer { close(holder) }
        #expect(unlink(path) == 0)
        try fpAppend(path, String(repeating: fpLine(1), count: 20))
        let r = FileIdentity.classify(tracked: [tracked], observed: try observe(path))
        #expect(r.change(at: path) == .replaced(previous: tracked))
        #expect(r.gone == [tracked])
    }

    @Test func inodeReuse() throws {
        // Simulated: the file system decides when an inode is reused, so build the observation.
        let old = Fingerprint(device: 7, inode: 42, checksum: 0xAAAA, length: 256, target: 256)
        let tracked = TrackedFile(path: "/l/app.log", fingerprint: old, offset: 1000)
        var reused = old
        reused.checksum = 0xBBBB
        for path in ["/l/app.log", "/l/other.log"] {
            let r = FileIdentity.classify(
                tracked: [tracked], observed: [FileObservation(path: path, fingerprint: reused, size: 5000)])
            #expect(r.change(at: path) == .inodeReused(previous: tracked))
        }
        // A reused inode smaller than the old offset is indistinguishable from copytruncate:
        // both read from 0.
        let r = FileIdentity.classify(
            tracked: [tracked], observed: [FileObservation(path: "/l/app.log", fingerprint: reused, size: 300)])
        #expect(r.change(at: "/l/app.log") == .truncated(previous: tracked))
    }

    @Test func sameFirstBytesButUnrelatedFileIsNew() {
        // Two files with identical headers: not `copied` unless the original was truncated.
        let a = Fingerprint(device: 1, inode: 10, checksum: 0x1234, length: 256, target: 256)
        var b = a
        b.inode = 11
        let tracked = TrackedFile(path: "/l/a.log", fingerprint: a, offset: 500)
        let r = FileIdentity.classify(
            tracked: [tracked],
            observed: [
                FileObservation(path: "/l/a.log", fingerprint: a, size: 600),
                FileObservation(path: "/l/b.log", fingerprint: b, size: 600),
            ])
        #expect(r.change(at: "/l/a.log") == .unchanged(grown: true))
        #expect(r.change(at: "/l/b.log") == .new)
    }

    @Test func provisionalFingerprintRules() {
        let short = Fingerprint(device: 1, inode: 2, checksum: 5, length: 10, target: 256)
        var same = short
        same.checksum = 5
        #expect(FileIdentity.sameContent(stored: short, current: same))
        var rewritten = short
        rewritten.checksum = 6
        #expect(!FileIdentity.sameContent(stored: short, current: rewritten))
        var grown = short
        grown.length = 256
        grown.checksum = 99
        #expect(FileIdentity.sameContent(stored: short, current: grown))
        var shrunk = short
        shrunk.length = 4
        #expect(!FileIdentity.sameContent(stored: short, current: shrunk))
        #expect(!FileIdentity.sameContent(stored: grown, current: short))
    }
}
