import Testing
@testable import HostMetrics

@Suite struct ProcLoadAvgTests {
    /// Decimals are parsed from the bytes, not through `Double(String)`; the result must be
    /// the same double, to the last bit, for every length of integer and fraction part.
    @Test func decimalsAreTheDoublesStrtodGives() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func digit() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(ascii: "0") + UInt8((state >> 33) % 10)
        }
        for integerDigits in 1...12 {
            for fractionDigits in 0...8 {
                for _ in 0..<50 {
                    var text = (0..<integerDigits).map { _ in digit() }
                    if fractionDigits > 0 { text += [UInt8(ascii: ".")] + (0..<fractionDigits).map { _ in digit() } }
                    let parsed = try ProcLines.decimal(text[...], file: "test", line: 1, "value")
                    let expected = try #require(Double(String(decoding: text, as: UTF8.self)))
                    #expect(parsed.bitPattern == expected.bitPattern, "\(String(decoding: text, as: UTF8.self))")
                }
            }
        }
    }

    @Test func idleMachine() throws {
        let load = try LoadAvg.parse(try ProcFixture.bytes("handmade/loadavg-idle"))
        #expect(load == LoadAvg(load1: 0, load5: 0.01, load15: 0.05, runnable: 1, threads: 123, lastPID: 4567))
    }

    @Test func largeValuesWithoutTrailingNewline() throws {
        let load = try LoadAvg.parse(try ProcFixture.bytes("handmade/loadavg-max-no-newline"))
        #expect(load == LoadAvg(load1: 128.52, load5: 64, load15: 1024.99, runnable: .max, threads: .max, lastPID: .max))
    }

    @Test(arguments: [
        ("handmade/loadavg-trailing-garbage", 2, "unexpected content after the load line: \"garbage\""),
        ("handmade/loadavg-missing-field", 1, "expected 5 fields \"load1 load5 load15 runnable/threads lastpid\""),
    ])
    func malformedFixtures(path: String, line: Int, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try LoadAvg.parse(try! ProcFixture.bytes(path)) }
        #expect(error == ParseError(file: "/proc/loadavg", line: line, message))
    }

    @Test(arguments: [
        ("", nil, "empty file"),
        ("\n\n", nil, "empty file"),
        ("0.1 0.2 0.3 1-2 5\n", 1, "expected runnable/threads, found \"1-2\""),
        ("0.1 nan 0.3 1/2 5\n", 1, "load5: expected a decimal number, found \"nan\""),
        ("0.1 0.2 0.3 1/2 18446744073709551616\n", 1, "last pid: 18446744073709551616 is out of range for a 64-bit counter"),
        ("0.1 0.2 0.3 1/2 5 6\n", 1, "expected 5 fields \"load1 load5 load15 runnable/threads lastpid\""),
    ] as [(String, Int?, String)])
    func malformedInput(text: String, line: Int?, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try LoadAvg.parse(Array(text.utf8)) }
        #expect(error == ParseError(file: "/proc/loadavg", line: line, message))
    }

    @Test func capturedFileFromThisMachine() throws {
        let load = try LoadAvg.parse(try ProcFixture.bytes("live/loadavg"))
        #expect(load == LoadAvg(load1: 0.76, load5: 1.24, load15: 0.78, runnable: 1, threads: 94, lastPID: 22899))
    }
}
