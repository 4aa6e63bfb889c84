import Foundation
import Testing
import TestSupport
@testable import Exporters

@Suite("HTTP: gzip")
struct HTTPGzipTests {
    /// Decompresses with the gzip program: an implementation other than ours.
    static func gunzip(_ compressed: [UInt8]) throws -> [UInt8] {
        let directory = try TemporaryDirectory("outrider-gzip")
        let path = "\(directory.path)/body.gz"
        try Data(compressed).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Array(data)
    }

    /// Named, so a test run lists the name and not a million bytes.
    enum Sample: String, CaseIterable {
        case empty, oneLine, ndjson, noise

        var bytes: [UInt8] {
            switch self {
            case .empty: []
            case .oneLine: Array("{\"seq\":1}\n".utf8)
            case .ndjson: Array((0..<20_000).map { "{\"seq\":\($0),\"msg\":\"hello\"}\n" }.joined().utf8)
            case .noise: (0..<300_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
            }
        }
    }

    @Test("round-trips through gzip -d", arguments: Sample.allCases)
    func roundTrip(sample: Sample) throws {
        let input = sample.bytes
        let compressed = try Gzip.compress(input)
        #expect(compressed.prefix(2) == [0x1F, 0x8B], "a gzip member")
        #expect(try Self.gunzip(compressed) == input)
    }

    @Test("every level works; repetitive text shrinks")
    func levels() throws {
        let text = Sample.ndjson.bytes
        for level in 0...9 {
            let compressed = try Gzip.compress(text, level: level)
            #expect(try Self.gunzip(compressed) == text)
            if level > 0 { #expect(compressed.count < text.count / 4) }
        }
        #expect(throws: Gzip.Failure.self) { try Gzip.compress(text, level: 10) }
    }
}
