#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Pipeline
import Telemetry

/// ENOSPC from a real filesystem (a 1 MiB tmpfs under a 64 MiB cap): the disk log rolls the
/// append back and says `.full`, and the buffer turns that into its when_full policy.
@Suite("DiskBuffer: a real full disk")
struct DiskBufferFullDiskTests {
    typealias Fixture = DiskBufferTests

    @Test("ENOSPC is back-pressure under block and drops the oldest under drop_oldest")
    func realFullDisk() async throws {
        let scratch = try DiskLogScratchDirectory()
        defer { scratch.remove() }
        let mountPoint = scratch.child("tmpfs")
        mkdir(mountPoint, 0o755)
        if let failure = DiskLogFullDiskTests.mountTmpfs(at: mountPoint) {
            let message = "real full-disk test not run: \(failure) (needs root and CAP_SYS_ADMIN to mount a 1 MiB tmpfs)"
            if getenv("CI").map({ String(cString: $0) }) == "true" {
                Issue.record(Comment(rawValue: message))
            } else {
                print("note: \(message)")
            }
            return
        }
        defer { umount2(mountPoint, Int32(MNT_DETACH)) }
        let directory = mountPoint + "/buffer"
        try await blockUntilSpaceIsFreed(directory)
        try await dropOldest(directory)
    }

    static func open(_ directory: String, _ whenFull: WhenFull) throws -> DiskBuffer {
        try DiskBuffer(directory: directory, maxBytes: 64 << 20, whenFull: whenFull, sync: .always, segmentBytes: 64 << 10)
    }

    private func blockUntilSpaceIsFreed(_ directory: String) async throws {
        let buffer = try Self.open(directory, .block)
        var appended = 0
        while try await buffer.append(BufferItem(Fixture.logs("e\(appended)", 1, bodyBytes: 8000)), ifBlocked: .refuse) == .accepted {
            appended += 1
            try #require(appended < 1000, "the 1 MiB tmpfs should have filled")
        }
        #expect(appended > 10 && buffer.stats.bytes < 1 << 20)
        #expect(try !buffer.hasRoom(events: 1, bytes: 100))
        #expect(buffer.stats.dropped.total == 0)

        let sender = Task { try await buffer.append(BufferItem(Fixture.logs("late", 1, bodyBytes: 8000)), ifBlocked: .wait) }
        var delivered: [String] = []
        while delivered.count < appended {
            let batch = try #require(await buffer.nextBatch(BatchLimits(maxEvents: 8, maxWait: .zero)))
            delivered += Fixture.bodies(batch.batches)
            buffer.complete(batch, delivered: true)
        }
        #expect(try await sender.value == .accepted)
        delivered += Fixture.bodies(await Fixture.drain(buffer).flatMap(\.batches))
        #expect(delivered == (0..<appended).map { "e\($0)-0" } + ["late-0"])
        await buffer.closeLog()
    }

    private func dropOldest(_ directory: String) async throws {
        let buffer = try Self.open(directory, .dropOldest)
        // Whatever the first part left unacknowledged (nothing, now that acknowledging works
        // on a full disk too), plus three disks' worth.
        let left = buffer.recovery.replayableRecords
        let total = 300
        for index in 0..<total {
            #expect(try await buffer.append(BufferItem(Fixture.logs("o\(index)", 1, bodyBytes: 8000)), ifBlocked: .refuse) == .accepted)
        }
        let dropped = Int(buffer.stats.dropped[BufferStats.droppedFull])
        #expect(dropped > total / 2)
        let rest = Fixture.bodies(await Fixture.drain(buffer).flatMap(\.batches))
        #expect(rest.count == total + left - dropped)
        #expect(rest == Array(((0..<total).map { "o\($0)-0" }).suffix(rest.count)))
        await buffer.closeLog()
    }
}
