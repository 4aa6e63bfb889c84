#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import Telemetry
import TestSupport
@testable import Exporters

@Suite("Local: file sender")
struct LocalFileSenderTests {
    static func batch(_ first: Int, count: Int = 3, bodyBytes: Int = 20) -> TelemetryBatch {
        .logs((first..<(first + count)).map { index in
            let body = Array("line \(index) ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: bodyBytes)
            return LogRecord(observedTimestamp: Timestamp(nanosecondsSinceEpoch: Int64(index)), body: body)
        })
    }

    static func encoded(_ batches: TelemetryBatch...) throws -> [UInt8] {
        try JSONLinesEncoder().encode(batches)
    }

    static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    @Test("appends each batch to what is there, creating the file 0644")
    func appends() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("out.jsonl", "existing\n")
        let sender = FileSender(path: path, encoder: JSONLinesEncoder())
        #expect(await sender.send([Self.batch(0)]) == .delivered)
        #expect(await sender.send([Self.batch(3), Self.batch(6)]) == .delivered)
        #expect(Self.contents(path) == Array("existing\n".utf8) + (try Self.encoded(Self.batch(0), Self.batch(3), Self.batch(6))))
        await sender.shutdown()

        let created = directory.path + "/new.jsonl"
        let umaskValue = umask(0o022)
        defer { umask(umaskValue) }
        let fresh = FileSender(path: created, fsync: true)
        #expect(await fresh.send([Self.batch(0)]) == .delivered)
        var status = stat()
        #expect(stat(created, &status) == 0 && status.st_mode & 0o777 == 0o644)
        await fresh.shutdown()
    }

    @Test("an empty batch writes nothing and does not create the file")
    func emptyBatch() async throws {
        let directory = try TemporaryDirectory()
        let sender = FileSender(path: directory.path + "/never.jsonl")
        #expect(await sender.send([.logs([])]) == .delivered)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/never.jsonl"))
    }

    @Test("logrotate: a renamed or deleted file is reopened at the path; copytruncate needs nothing")
    func rotation() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/app.jsonl"
        let sender = FileSender(path: path)
        #expect(await sender.send([Self.batch(0)]) == .delivered)

        // rename (logrotate's default): the old file keeps what was written before.
        #expect(rename(path, path + ".1") == 0)
        #expect(await sender.send([Self.batch(10)]) == .delivered)
        #expect(Self.contents(path + ".1") == (try Self.encoded(Self.batch(0))))
        #expect(Self.contents(path) == (try Self.encoded(Self.batch(10))))

        // delete
        #expect(unlink(path) == 0)
        #expect(await sender.send([Self.batch(20)]) == .delivered)
        #expect(Self.contents(path) == (try Self.encoded(Self.batch(20))))

        // copytruncate: same file, cut to zero; O_APPEND writes at the new end, no hole.
        #expect(truncate(path, 0) == 0)
        #expect(await sender.send([Self.batch(30)]) == .delivered)
        #expect(Self.contents(path) == (try Self.encoded(Self.batch(30))))
        await sender.shutdown()
    }

    @Test("missing directories are created; a path that cannot be created is retryable with errno's text")
    func missingDirectory() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/later/deeper/out.jsonl"
        let sender = FileSender(path: path)
        #expect(await sender.send([Self.batch(0)]) == .delivered)
        #expect(Self.contents(path) == (try Self.encoded(Self.batch(0))))
        await sender.shutdown()

        // A regular file where a directory should be: nothing to create, the error says so.
        let blocked = try directory.write("blocker", "x")
        let refused = FileSender(path: blocked + "/out.jsonl")
        guard case .retryable(let reason, _) = await refused.send([Self.batch(0)]) else {
            Issue.record("expected retryable")
            return
        }
        #expect(reason.contains(blocked) && reason.contains("ENOTDIR"))
        await refused.shutdown()
    }

    @Test("concurrent sends land whole and unmixed; shutdown closes and a later send reopens")
    func concurrentSends() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/out.jsonl"
        let sender = FileSender(path: path)
        await withTaskGroup(of: SendOutcome.self) { group in
            for task in 0..<8 {
                group.addTask { await sender.send([Self.batch(task * 100, count: 50, bodyBytes: 2000)]) }
            }
            for await outcome in group { #expect(outcome == .delivered) }
        }
        await sender.shutdown()
        #expect(await sender.send([Self.batch(9999, count: 1)]) == .delivered)
        await sender.shutdown()

        let written = try #require(Self.contents(path))
        let lines = written.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 8 * 50 + 1)
        // Each batch's 50 lines are contiguous: batches never interleave.
        let indexes = lines.map { line -> Int in
            let text = String(decoding: line, as: UTF8.self)
            let number = text.split(separator: "\"body\":\"line ")[1].prefix { $0.isNumber }
            return Int(number)!
        }
        for start in stride(from: 0, to: 400, by: 50) {
            let base = indexes[start]
            #expect(indexes[start..<(start + 50)].elementsEqual(base..<(base + 50)))
        }
        #expect(try JSONValidator.events(written, framing: .lines)?.count ?? 401 == 401)
    }

    @Test("a full disk (ENOSPC on a 1 MiB tmpfs) is retryable, leaves no torn line, and clears when space returns")
    func fullDisk() async throws {
        let directory = try TemporaryDirectory()
        let mountPoint = directory.path + "/tmpfs"
        mkdir(mountPoint, 0o755)
        if let failure = Self.mountTmpfs(at: mountPoint) {
            let message = "full-disk test not run: \(failure) (needs root and CAP_SYS_ADMIN to mount a 1 MiB tmpfs)"
            if Prerequisite.isCI { Issue.record(Comment(rawValue: message)) } else { print("note: \(message)") }
            return
        }
        defer { umount2(mountPoint, Int32(MNT_DETACH)) }
        let path = mountPoint + "/out.jsonl"
        let sender = FileSender(path: path)
        // ~300 KB per batch: the fourth cannot fit in 1 MiB and fails part-way through.
        let batch = Self.batch(0, count: 100, bodyBytes: 3000)
        let size = try Self.encoded(batch).count
        var delivered = 0
        var refusal: String?
        while refusal == nil && delivered < 10 {
            switch await sender.send([batch]) {
            case .delivered: delivered += 1
            case .retryable(let reason, _): refusal = reason
            case .permanent(let reason): Issue.record("permanent: \(reason)"); return
            case .partiallyDelivered(_, let reason): Issue.record("partially delivered: \(reason)"); return
            }
        }
        let reason = try #require(refusal)
        #expect(reason.contains("ENOSPC") && reason.contains(path), "\(reason)")
        #expect(delivered >= 1 && delivered < 4)
        // The failed batch was cut back out: only whole delivered batches remain.
        #expect(Self.contents(path)?.count == delivered * size)
        #expect(await sender.send([batch]) != .delivered, "still full")

        #expect(truncate(path, 0) == 0, "the operator frees space")
        #expect(await sender.send([batch]) == .delivered)
        #expect(Self.contents(path) == (try Self.encoded(batch)))
        await sender.shutdown()
    }

    /// nil when mounted, else why not.
    static func mountTmpfs(at path: String) -> String? {
        if getuid() != 0 { return "not running as root" }
        if mount("tmpfs", path, "tmpfs", 0, "size=1m") != 0 {
            return "mount(2) failed: \(String(cString: strerror(errno)))"
        }
        return nil
    }
}
