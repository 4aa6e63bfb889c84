import Testing
@testable import HostMetrics

@Suite struct ProcNetDevTests {
    @Test func namesTouchingTheColonAndColonsInNames() throws {
        let netdev = try NetDev.parse(try ProcFixture.bytes("handmade/netdev-edge"))
        #expect(netdev.interfaces.map(\.name) == ["lo", "enp0s31f6", "eth0:1", "veth9a8b7c6"])
        #expect(netdev.interfaces[1] == NetDev.Interface(
            name: "enp0s31f6",
            receive: .init(bytes: UInt64.max, packets: 2, errors: 3, dropped: 4, fifo: 5, frame: 6, compressed: 7, multicast: 8),
            transmit: .init(bytes: UInt64.max - 1, packets: 10, errors: 11, dropped: 12, fifo: 13, collisions: 14, carrier: 15, compressed: 16)
        ))
        #expect(netdev.interfaces[2].receive.bytes == 1)
        #expect(netdev.interfaces[2].transmit.compressed == 16)
        #expect(netdev.interfaces[3].receive.multicast == 1)
        #expect(netdev.interfaces[3].transmit.packets == 2)
    }

    @Test func headersOnlyIsAnEmptyNamespace() throws {
        #expect(try NetDev.parse(try ProcFixture.bytes("handmade/netdev-headers-only")).interfaces.isEmpty)
    }

    @Test func noTrailingNewline() throws {
        let netdev = try NetDev.parse(try ProcFixture.bytes("handmade/netdev-no-trailing-newline"))
        #expect(netdev.interfaces.map(\.name) == ["eth0"])
        #expect(netdev.interfaces[0].transmit.compressed == 16)
    }

    @Test(arguments: [
        ("handmade/netdev-trailing-garbage", 4, "expected \"name: counters\", found \"garbage line\""),
        ("handmade/netdev-overflow", 3, "eth0 counter 1: 18446744073709551616 is out of range for a 64-bit counter"),
        ("handmade/netdev-short-line", 3, "eth0: expected 16 counters, found 15"),
        ("handmade/empty", nil, "empty file"),
    ] as [(String, Int?, String)])
    func malformedFixtures(path: String, line: Int?, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try NetDev.parse(try! ProcFixture.bytes(path)) }
        #expect(error == ParseError(file: "/proc/net/dev", line: line, message))
    }

    @Test(arguments: [
        ("  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", 1, "expected the header line, found \"  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14…\""),
        ("a|b\nc|d\n : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", 3, "malformed interface name \" \""),
        ("a|b\nc|d\neth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n", 3, "eth0: expected 16 counters, found more"),
    ])
    func malformedInput(text: String, line: Int, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try NetDev.parse(Array(text.utf8)) }
        #expect(error == ParseError(file: "/proc/net/dev", line: line, message))
    }

    @Test func onlyOneHeaderLine() {
        let error = ProcFixture.error { () throws(ParseError) in try NetDev.parse(Array("Inter-|   Receive\n".utf8)) }
        #expect(error == ParseError(file: "/proc/net/dev", "missing header lines"))
    }

    @Test func capturedFileFromThisMachine() throws {
        let bytes = try ProcFixture.bytes("live/net/dev")
        let netdev = try NetDev.parse(bytes)
        #expect(netdev.interfaces.count == bytes.filter { $0 == UInt8(ascii: "\n") }.count - 2)
        let loopback = try #require(netdev.interfaces.first { $0.name == "lo" })
        // Loopback receives exactly what it sends.
        #expect(loopback.receive.bytes == loopback.transmit.bytes)
        #expect(loopback.receive.bytes > 0)
    }
}
