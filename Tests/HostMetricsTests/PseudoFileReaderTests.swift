import Foundation
import Testing
import Telemetry
@testable import HostMetrics

@Suite("PseudoFileReader: kept-open files read whole and fresh")
struct PseudoFileReaderTests {
    @Test func multiPageProcFileIsReadToTheEndEveryTime() throws {
        // The kernel serves seq_files a page at a time: a reader that took a short read for
        // the end would cut this file off after the first page.
        // /proc/crypto: several pages of records that do not change while the test runs.
        let reader = PseudoFileReader()
        let expected = try FileBytes.contents(of: "/proc/crypto")
        #expect(expected.count > 8192, "/proc/crypto fits two pages here; the test proves less")
        for _ in 0..<3 {
            #expect(try reader.read("/proc/crypto") == expected)
        }
    }

    @Test func rereadSeesNewContentAndGrowth() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pseudo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "small\n".write(toFile: path, atomically: false, encoding: .utf8)
        let reader = PseudoFileReader()
        #expect(try reader.read(path) == Array("small\n".utf8))
        let large = String(repeating: "0123456789abcdef\n", count: 4000)  // far past the size hint
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(large.utf8))
        try handle.close()
        #expect(try reader.read(path) == Array(large.utf8))
    }

    @Test func aVanishedFileIsReportedAndNotServedFromTheCache() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pseudo-\(UUID().uuidString)").path
        try "x\n".write(toFile: path, atomically: false, encoding: .utf8)
        let reader = PseudoFileReader()
        _ = try reader.read(path)
        try FileManager.default.removeItem(atPath: path)
        // The open descriptor still reads the unlinked inode, as /proc files of a live
        // process do; a new file at the path is picked up once the old one fails.
        #expect(try reader.read(path) == Array("x\n".utf8))
    }
}
