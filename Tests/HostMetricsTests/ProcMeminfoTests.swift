import Testing
@testable import HostMetrics

@Suite struct ProcMeminfoTests {
    @Test func everyFieldInOrderWithUnits() throws {
        let meminfo = try Meminfo.parse(try ProcFixture.bytes("handmade/meminfo-edge"))
        let expected: [Meminfo.Field] = [
            Meminfo.Field(name: "MemTotal", value: 16_777_216, isBytes: true),
            Meminfo.Field(name: "MemFree", value: 0, isBytes: true),
            Meminfo.Field(name: "Active(anon)", value: 4096, isBytes: true),
            Meminfo.Field(name: "Inactive(file)", value: 1024, isBytes: true),
            Meminfo.Field(name: "HugePages_Total", value: UInt64.max, isBytes: false),
            Meminfo.Field(name: "HugePages_Free", value: 0, isBytes: false),
            Meminfo.Field(name: "Hugepagesize", value: 2_097_152, isBytes: true),
            // 18014398509481983 kB: the largest kB value whose byte count fits in 64 bits.
            Meminfo.Field(name: "DirectMap1G", value: 18_446_744_073_709_550_592, isBytes: true),
            Meminfo.Field(name: "FutureField", value: 125_952, isBytes: true),
            Meminfo.Field(name: "FutureCount", value: 7, isBytes: false),
        ]
        #expect(meminfo.fields == expected)
        #expect(meminfo["MemTotal"] == 16_777_216)
        #expect(meminfo["Active(anon)"] == 4096)
        #expect(meminfo["MemAvailable"] == nil)
    }

    @Test func nodeExporterNames() throws {
        let meminfo = try Meminfo.parse(try ProcFixture.bytes("handmade/meminfo-edge"))
        #expect(meminfo.fields.map(\.metricName) == [
            "node_memory_MemTotal_bytes", "node_memory_MemFree_bytes", "node_memory_Active_anon_bytes",
            "node_memory_Inactive_file_bytes", "node_memory_HugePages_Total", "node_memory_HugePages_Free",
            "node_memory_Hugepagesize_bytes", "node_memory_DirectMap1G_bytes", "node_memory_FutureField_bytes",
            "node_memory_FutureCount",
        ])
        #expect(Meminfo.metricName(field: "Odd-Name.x", isBytes: false) == "node_memory_Odd_Name_x")
    }

    @Test func noTrailingNewline() throws {
        let meminfo = try Meminfo.parse(try ProcFixture.bytes("handmade/meminfo-no-trailing-newline"))
        #expect(meminfo.fields.map(\.name) == ["MemTotal", "MemFree"])
    }

    @Test(arguments: [
        ("handmade/meminfo-kb-overflow", 2, "DirectMap1G: 18014398509481984 kB is out of range for a 64-bit byte count"),
        ("handmade/meminfo-count-overflow", 2, "HugePages_Total: 18446744073709551616 is out of range for a 64-bit counter"),
        ("handmade/meminfo-trailing-garbage", 3, "expected \"Name: value\", found \"garbage without colon\""),
        ("handmade/meminfo-unknown-unit", 1, "MemTotal: unknown unit \"MB\""),
    ])
    func malformedFixtures(path: String, line: Int, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try Meminfo.parse(try! ProcFixture.bytes(path)) }
        #expect(error == ParseError(file: "/proc/meminfo", line: line, message))
    }

    @Test(arguments: [
        ("", nil, "empty file"),
        ("MemTotal:\n", 1, "MemTotal: missing value"),
        (": 5 kB\n", 1, "malformed field name \"\""),
        ("Mem Total: 5 kB\n", 1, "malformed field name \"Mem Total\""),
        ("MemTotal: 5 kB extra\n", 1, "MemTotal: unexpected extra fields"),
        ("MemTotal: -5 kB\n", 1, "MemTotal: expected an unsigned integer, found \"-5\""),
    ] as [(String, Int?, String)])
    func malformedInput(text: String, line: Int?, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try Meminfo.parse(Array(text.utf8)) }
        #expect(error == ParseError(file: "/proc/meminfo", line: line, message))
    }

    @Test func capturedFileFromThisMachine() throws {
        let bytes = try ProcFixture.bytes("live/meminfo")
        let meminfo = try Meminfo.parse(bytes)
        #expect((meminfo["MemTotal"] ?? 0) > 0)
        #expect((meminfo["MemAvailable"] ?? 0) <= (meminfo["MemTotal"] ?? 0))
        #expect(meminfo.fields.count == bytes.filter { $0 == UInt8(ascii: "\n") }.count)
        #expect(meminfo.fields.first { $0.name == "HugePages_Total" }?.isBytes == false)
        #expect(meminfo.fields.first { $0.name == "Active(anon)" }?.metricName == "node_memory_Active_anon_bytes")
    }
}
