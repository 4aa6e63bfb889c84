import Foundation
import Testing
@testable import HostMetrics

/// Reads the /proc parser fixtures next to this file (via `#filePath`, so tests run from any
/// working directory and without the resource bundle).
enum ProcFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/proc")

    /// Bytes of `Fixtures/proc/<path>`, e.g. `handmade/stat-old-kernel` or `live/meminfo`.
    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
    }

    /// Bytes of a file on this machine, or nil when it does not exist here.
    static func live(_ path: String) -> [UInt8]? {
        // /proc files report size 0, so read until EOF rather than trusting stat.
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.readToEnd() ?? Data())
        } catch {
            return nil
        }
    }

    /// The error a parse throws, for asserting on its line and message.
    static func error<T>(_ body: () throws(ParseError) -> T) -> ParseError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }
}

@Suite struct ProcFixtureTests {
    @Test func fixtureTreeExists() throws {
        for path in ["live/stat", "live/meminfo", "live/loadavg", "live/pressure/cpu", "live/pressure/memory",
                     "live/pressure/io", "live/net/dev", "live/diskstats", "live/mountinfo", "handmade/empty"] {
            #expect(FileManager.default.fileExists(atPath: ProcFixture.root.appendingPathComponent(path).path), "\(path)")
        }
    }

    @Test func lineNumbersCountEmptyLines() {
        var seen: [(Int, String)] = []
        ByteScanner.forEachLine(Array("a\n\nb\nc".utf8)) { number, line in seen.append((number, line.string)) }
        #expect(seen.map(\.0) == [1, 2, 3, 4])
        #expect(seen.map(\.1) == ["a", "", "b", "c"])
    }

    @Test func decimalRejectsWhatDoubleWouldAccept() {
        for text in ["inf", "nan", "0x1p3", "1e5", ".5", "5.", "1.2.3", "", "-1.0"] {
            #expect(ProcFixture.error { () throws(ParseError) in
                try ProcLines.decimal(ArraySlice(text.utf8), file: "f", line: 1, "x")
            } != nil, "\(text)")
        }
        #expect((try? ProcLines.decimal(ArraySlice("14.34".utf8), file: "f", line: 1, "x")) == 14.34)
    }
}
