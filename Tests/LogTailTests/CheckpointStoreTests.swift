import Foundation
import Testing

@testable import LogTail
import Telemetry
import TestSupport

@Suite struct CheckpointStoreTests {
    static let t0 = Timestamp(nanosecondsSinceEpoch: 1_764_000_000_000_000_000)

    static func fp(_ inode: UInt64, _ checksum: UInt32 = 0xABCD, length: UInt32 = 256) -> Fingerprint {
        Fingerprint(device: 2049, inode: inode, checksum: checksum, length: length, target: 256)
    }

    static func sample(_ dir: String) -> CheckpointStore {
        var store = CheckpointStore(directory: dir)
        store.update(fp(1), path: "/var/log/app.log", offset: 12_345, now: t0)
        store.update(fp(2, 0xFFFF_FFFF), path: "/var/log/ünïcode.log", offset: 0, now: t0)
        store.update(fp(3, 7, length: 12), path: "/var/log/short.log", offset: 12, now: t0)
        return store
    }

    private func readFile(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func roundTrip() throws {
        let dir = try TemporaryDirectory("outrider-ckpt")
        let store = Self.sample(dir.path)
        try store.save(now: Self.t0)
        #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/\(CheckpointStore.temporaryFileName)"))

        var loaded = CheckpointStore(directory: dir.path)
        #expect(loaded.load() == .loaded(entries: 3))
        #expect(loaded.entries == store.entries)
        #expect(loaded.savedAt == Self.t0)
        #expect(loaded[Self.fp(1)]?.offset == 12_345)
        #expect(loaded[Self.fp(3, 7, length: 12)]?.path == "/var/log/short.log")
    }

    @Test func encodingIsDeterministicAndCompact() throws {
        let a = Self.sample("/x").encoded(savedAt: Self.t0)
        let b = Self.sample("/x").encoded(savedAt: Self.t0)
        #expect(a == b)
        #expect(Array(a.prefix(4)) == Array("ORCP".utf8))
        let paths = ["/var/log/app.log", "/var/log/ünïcode.log", "/var/log/short.log"].map { $0.utf8.count }.reduce(0, +)
        #expect(a.count == 20 + 3 * 44 + paths + 4)
    }

    @Test func emptyStoreRoundTrips() throws {
        let dir = try TemporaryDirectory("outrider-ckpt")
        try CheckpointStore(directory: dir.path).save(now: Self.t0)
        var loaded = CheckpointStore(directory: dir.path)
        #expect(loaded.load() == .loaded(entries: 0))
    }

    @Test func missingFileIsAFirstStart() throws {
        let dir = try TemporaryDirectory("outrider-ckpt")
        var store = CheckpointStore(directory: dir.path)
        #expect(store.load() == .missing)
        #expect(store.entries.isEmpty)
    }

    @Test func leftoverTemporaryFileIsIgnored() throws {
        let dir = try TemporaryDirectory("outrider-ckpt")
        try Self.sample(dir.path).save(now: Self.t0)
        // A crash between writing the temp file and the rename: the temp holds garbage or a
        // newer half-written state. load() reads only the committed file.
        try writeFile("\(dir.path)/\(CheckpointStore.temporaryFileName)", Array("torn write".utf8))
        var loaded = CheckpointStore(directory: dir.path)
        #expect(loaded.load() == .loaded(entries: 3))
        // The next save overwrites the leftover and leaves none.
        loaded.update(Self.fp(9), path: "/var/log/new.log", offset: 1, now: Self.t0)
        try loaded.save(now: Self.t0)
        #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/\(CheckpointStore.temporaryFileName)"))
        var again = CheckpointStore(directory: dir.path)
        #expect(again.load() == .loaded(entries: 4))
    }

    @Test func leftoverTemporaryFileWithoutCommittedFile() throws {
        let dir = try TemporaryDirectory("outrider-ckpt")
        try writeFile("\(dir.path)/\(CheckpointStore.temporaryFileName)", Self.sample(dir.path).encoded(savedAt: Self.t0))
        var loaded = CheckpointStore(directory: dir.path)
        #expect(loaded.load() == .missing)
    }

    @Test(arguments: ["flip", "truncate", "magic", "version", "empty", "extend"])
    func corruptFileIsReportedAndIgnored(_ damage: String) throws {
        let dir = try TemporaryDirectory("outrider-ckpt")
        try Self.sample(dir.path).save(now: Self.t0)
        let path = "\(dir.path)/\(CheckpointStore.fileName)"
        var bytes = try readFile(path)
        let expected: String
        switch damage {
        case "flip": bytes[30] ^= 0x40; expected = "checksum mismatch"
        case "truncate": bytes.removeLast(7); expected = "checksum mismatch"
        case "magic": bytes[0] = UInt8(ascii: "X"); expected = "bad magic"
        case "empty": bytes = []; expected = "truncated"
        case "extend": bytes += [0, 0, 0, 0]; expected = "checksum mismatch"
        default:  // a future version with a valid checksum
            bytes[4] = 2
            bytes.removeLast(4)
            let crc = CRC32C.checksum(bytes)
            withUnsafeBytes(of: crc.littleEndian) { bytes += $0 }
            expected = "unsupported version 2"
        }
        try writeFile(path, bytes)
        var store = CheckpointStore(directory: dir.path)
        store.update(Self.fp(5), path: "/stale", offset: 1, now: Self.t0)
        let outcome = store.load()
        guard case .corrupt(let reason) = outcome else {
            Issue.record("expected .corrupt, got \(outcome)")
            return
        }
        #expect(reason.contains(expected))
        #expect(reason.contains(path))
        #expect(store.entries.isEmpty)
        // Not fatal: the store works and the next save replaces the bad file.
        store.update(Self.fp(6), path: "/var/log/app.log", offset: 10, now: Self.t0)
        try store.save(now: Self.t0)
        var again = CheckpointStore(directory: dir.path)
        #expect(again.load() == .loaded(entries: 1))
    }

    @Test func corruptCountIsRefusedWithoutAllocating() throws {
        var bytes = Self.sample("/x").encoded(savedAt: Self.t0)
        bytes[16] = 0xFF; bytes[17] = 0xFF; bytes[18] = 0xFF; bytes[19] = 0x7F
        bytes.removeLast(4)
        withUnsafeBytes(of: CRC32C.checksum(bytes).littleEndian) { bytes += $0 }
        guard case .failure(let e) = CheckpointStore.decode(bytes) else {
            Issue.record("decoded a corrupt count")
            return
        }
        #expect(e.reason.contains("runs past the end"))
    }

    @Test func prune() throws {
        var store = CheckpointStore(directory: "/unused")
        let day: Int64 = 86_400 * 1_000_000_000
        let now = Timestamp(nanosecondsSinceEpoch: Self.t0.nanosecondsSinceEpoch + 10 * day)
        store.update(Self.fp(1), path: "/a", offset: 1, now: Self.t0)  // 10 days old
        store.update(Self.fp(2), path: "/b", offset: 2, now: Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch - 6 * day))
        store.update(Self.fp(3), path: "/c", offset: 3, now: now)
        let removed = store.prune(olderThan: .seconds(7 * 86_400), now: now)
        #expect(Set(removed.keys) == [Self.fp(1)])
        #expect(Set(store.entries.keys) == [Self.fp(2), Self.fp(3)])
        // touch keeps an entry alive.
        store.touch(Self.fp(2), path: "/b.1", now: now)
        #expect(store.prune(olderThan: .seconds(86_400), now: now).isEmpty)
        #expect(store[Self.fp(2)]?.path == "/b.1")
        #expect(store.prune(olderThan: .seconds(1), now: Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch + 2_000_000_000)).count == 2)
        // An absurd retention never overflows into pruning everything.
        store.update(Self.fp(4), path: "/d", offset: 4, now: Self.t0)
        #expect(store.prune(olderThan: .seconds(Int64.max), now: now).isEmpty)
    }

    @Test func rekeyMovesAProvisionalEntry() {
        var store = CheckpointStore(directory: "/unused")
        let short = Self.fp(1, 5, length: 10)
        store.update(short, path: "/a", offset: 10, now: Self.t0)
        store.rekey(from: short, to: Self.fp(1, 6))
        #expect(store[short] == nil)
        #expect(store[Self.fp(1, 6)]?.offset == 10)
    }

    @Test func saveIntoMissingDirectoryThrows() {
        let store = CheckpointStore(directory: "/nonexistent/outrider-ckpt")
        #expect(throws: CheckpointSaveError.self) { try store.save(now: Self.t0) }
    }
}
