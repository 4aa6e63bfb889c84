import Testing
@testable import HostMetrics

@Suite struct ProcPressureTests {
    @Test func cpuWithOnlySomeLine() throws {
        let pressure = try Pressure.parse(try ProcFixture.bytes("handmade/pressure-cpu-some-only"), resource: .cpu)
        #expect(pressure == Pressure(some: .init(avg10: 1.5, avg60: 0.25, avg300: 0, totalMicroseconds: 123456789)))
        #expect(pressure.full == nil)
        #expect(pressure.some.totalSeconds == 123.456789)
    }

    @Test func memoryWithSomeAndFullAndA64BitTotal() throws {
        let pressure = try Pressure.parse(try ProcFixture.bytes("handmade/pressure-memory"), resource: .memory)
        #expect(pressure.some == .init(avg10: 12.34, avg60: 5.67, avg300: 0.89, totalMicroseconds: UInt64.max))
        #expect(pressure.full == .init(avg10: 1, avg60: 0.5, avg300: 0.1, totalMicroseconds: 9876543))
    }

    @Test func keysInAnyOrderAndUnknownKeysIgnored() throws {
        let text = "some total=5 future=1.0 avg300=0.30 avg60=0.60 avg10=0.10"
        let pressure = try Pressure.parse(Array(text.utf8), resource: .io)
        #expect(pressure.some == .init(avg10: 0.1, avg60: 0.6, avg300: 0.3, totalMicroseconds: 5))
    }

    @Test(arguments: [
        ("handmade/pressure-trailing-garbage", 3, "expected a some or full line, found \"trailing garbage\""),
        ("handmade/pressure-overflow", 1, "total: 18446744073709551616 is out of range for a 64-bit counter"),
        ("handmade/pressure-full-only", nil, "no some line"),
        ("handmade/pressure-missing-key", 1, "expected avg10, avg60, avg300 and total"),
        ("handmade/empty", nil, "empty file"),
    ] as [(String, Int?, String)])
    func malformedFixtures(path: String, line: Int?, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in
            try Pressure.parse(try! ProcFixture.bytes(path), resource: .io)
        }
        #expect(error == ParseError(file: "/proc/pressure/io", line: line, message))
    }

    @Test(arguments: [
        ("some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nsome avg10=0.00 avg60=0.00 avg300=0.00 total=1\n", 2, "duplicate some line"),
        ("some avg10 avg60=0.00 avg300=0.00 total=1\n", 1, "expected key=value, found \"avg10\""),
        ("some avg10=x avg60=0.00 avg300=0.00 total=1\n", 1, "avg10: expected a decimal number, found \"x\""),
    ])
    func malformedInput(text: String, line: Int, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try Pressure.parse(Array(text.utf8), resource: .memory) }
        #expect(error == ParseError(file: "/proc/pressure/memory", line: line, message))
    }

    @Test func capturedFilesFromThisMachine() throws {
        for resource in Pressure.Resource.allCases {
            let pressure = try Pressure.parse(try ProcFixture.bytes("live/pressure/\(resource.rawValue)"), resource: resource)
            // Kernel 6.x prints a full line for cpu too (zeros at system level).
            #expect(pressure.full != nil)
            #expect(pressure.some.totalMicroseconds >= (pressure.full?.totalMicroseconds ?? 0))
        }
        let cpu = try Pressure.parse(try ProcFixture.bytes("live/pressure/cpu"), resource: .cpu)
        #expect(cpu.some == .init(avg10: 0.01, avg60: 7.25, avg300: 14.34, totalMicroseconds: 124697714))
        #expect(cpu.full == .init(avg10: 0, avg60: 0, avg300: 0, totalMicroseconds: 0))
    }
}
