#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Pipeline

/// ENOSPC from a real filesystem, not the configured cap: a 1 MiB tmpfs fills long before
/// the log's 64 MiB cap, so every `.full` here comes from the kernel refusing a write.
@Suite("DiskLog: a real full disk")
struct DiskLogFullDiskTests {
    typealias Scratch = DiskLogScratchDirectory

    @Test("ENOSPC becomes .full with no partial frame on disk, and acknowledging frees space even with the disk full")
    func realFullDisk() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let mountPoint = scratch.child("tmpfs")
        mkdir(mountPoint, 0o755)
        guard let failure = Self.mountTmpfs(at: mountPoint) else {
            defer { umount2(mountPoint, Int32(MNT_DETACH)) }
            try exercise(directory: mountPoint + "/log", fillerPath: mountPoint + "/filler")
            return
        }
        let message = "real full-disk test not run: \(failure) (needs root and CAP_SYS_ADMIN to mount a 1 MiB tmpfs)"
        if getenv("CI").map({ String(cString: $0) }) == "true" {
            Issue.record(Comment(rawValue: message))
        } else {
            print("note: \(message)")
        }
    }

    /// nil when mounted, else why not.
    static func mountTmpfs(at path: String) -> String? {
        if getuid() != 0 { return "not running as root" }
        if mount("tmpfs", path, "tmpfs", 0, "size=1m") != 0 {
            return "mount(2) failed: \(String(cString: strerror(errno)))"
        }
        return nil
    }

    private func exercise(directory: String, fillerPath: String) throws {
        let configuration = DiskLogConfiguration(
            directory: directory, maxTotalBytes: 64 << 20, segmentBytes: 64 << 10, sync: .always)
        var written = 0
        do {
            let (log, recovery) = try DiskLog.open(configuration)
            #expect(recovery.isClean)
            var refusal: DiskLogError?
            // 50 × 708-byte frames per batch: batches straddle pages and segments.
            while refusal == nil && written < 10_000 {
                let batch = (written..<(written + 50)).map { Scratch.payload($0, size: 700) }
                do {
                    try log.append(batch)
                    written += 50
                } catch {
                    refusal = error
                }
            }
            guard case let .full(needed, available) = refusal else {
                Issue.record("expected .full from ENOSPC, got \(String(describing: refusal))")
                return
            }
            #expect(needed >= 50 * 708 && available < needed)
            #expect(written > 0 && written < 2000)
            #expect(log.state.nextPosition == UInt64(written) + 1)
            // The same batch is refused again (the rollback freed exactly what it took), and
            // the failed attempts left nothing visible.
            let retry = (written..<(written + 50)).map { Scratch.payload($0, size: 700) }
            #expect(throws: DiskLogError.self) { try log.append(retry) }
            #expect(try log.read(from: UInt64(written) + 1, maxRecords: 10, maxBytes: 1 << 20).isEmpty)
            try log.close()
        }

        // Reopen on the still-full disk: every record, no torn or partial frame to cut.
        let (log, recovery) = try DiskLog.open(configuration)
        #expect(recovery.isClean && recovery.truncatedBytes == 0, "\(recovery)")
        #expect(recovery.replayableRecords == written)
        let records = try DiskLogTests.readAll(log, from: 1)
        #expect(records.count == written)
        #expect(records.allSatisfy { $0.bytes == Scratch.payload(Int($0.position) - 1, size: 700) })

        // Take the last free pages too, so even the acknowledgement file cannot be written
        // until acknowledged segments are deleted: the deadlock acknowledge() must avoid.
        Self.fill(fillerPath)
        #expect(Self.writeErrno(fillerPath + ".probe") == ENOSPC, "the filesystem should be full now")
        try log.acknowledge(through: UInt64(written))
        #expect(log.state.acknowledged == UInt64(written) && log.state.pendingRecords == 0)
        #expect(try log.append([Scratch.payload(written, size: 700)]) == UInt64(written + 1)..<UInt64(written + 2))
        try log.close()

        let (reopened, again) = try DiskLog.open(configuration)
        #expect(again.acknowledged == UInt64(written) && again.replayableRecords == 1)
        try reopened.close()
    }

    /// The errno of writing one byte to a new file, 0 if it worked.
    static func writeErrno(_ path: String) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return errno }
        defer { close(fd); unlink(path) }
        return write(fd, [1], 1) == 1 ? 0 : errno
    }

    /// Writes a file until the filesystem refuses.
    static func fill(_ path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let page = [UInt8](repeating: 0x55, count: 4096)
        while page.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
