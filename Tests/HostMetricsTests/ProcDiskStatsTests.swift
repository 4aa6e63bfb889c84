import Testing
@testable import HostMetrics

@Suite struct ProcDiskStatsTests {
    @Test func elevenFifteenAndSeventeenCounterKernels() throws {
        let stats = try DiskStats.parse(try ProcFixture.bytes("handmade/diskstats-versions"))
        #expect(stats.devices.map(\.name) == ["sda", "sda1", "nvme0n1", "nvme0n1p1", "dm-0"])
        #expect(stats.devices[0] == DiskStats.Device(
            major: 8, minor: 0, name: "sda",
            readsCompleted: 1, readsMerged: 2, sectorsRead: 3, readTimeMilliseconds: 4,
            writesCompleted: 5, writesMerged: 6, sectorsWritten: 7, writeTimeMilliseconds: 8,
            ioInProgress: 9, ioTimeMilliseconds: 10, weightedIOTimeMilliseconds: 11))
        #expect(stats.devices[1].discards == .init(completed: 22, merged: 23, sectors: 24, timeMilliseconds: 25))
        #expect(stats.devices[1].flushes == nil)
        #expect(stats.devices[2].discards == .init(completed: 12, merged: 13, sectors: 14, timeMilliseconds: 15))
        #expect(stats.devices[2].flushes == .init(completed: 16, timeMilliseconds: 17))
        #expect(stats.devices[2].major == 259)
        #expect(stats.devices[3].readsCompleted == UInt64.max)
        #expect(stats.devices[3].sectorsRead == 18446744073709551615)
        #expect(stats.devices[3].flushes == .init(completed: 0, timeMilliseconds: 0)) // 20 counters: extras ignored
        #expect(stats.devices[0].bytesRead == 3 * 512)
        #expect(stats.devices[0].bytesWritten == 7 * 512)
    }

    @Test func noTrailingNewline() throws {
        let stats = try DiskStats.parse(try ProcFixture.bytes("handmade/diskstats-no-trailing-newline"))
        #expect(stats.devices.map(\.weightedIOTimeMilliseconds) == [11])
    }

    @Test(arguments: [
        ("handmade/diskstats-short-line", 2, "sdb: expected at least 11 counters, found 3"),
        ("handmade/diskstats-trailing-garbage", 2, "expected \"major minor name counters…\", found \"??garbage\""),
        ("handmade/diskstats-overflow", 1, "sda counter 1: 18446744073709551616 is out of range for a 64-bit counter"),
        ("handmade/empty", nil, "empty file"),
    ] as [(String, Int?, String)])
    func malformedFixtures(path: String, line: Int?, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try DiskStats.parse(try! ProcFixture.bytes(path)) }
        #expect(error == ParseError(file: "/proc/diskstats", line: line, message))
    }

    @Test(arguments: [
        ("x 0 sda 1 2 3 4 5 6 7 8 9 10 11", "malformed major number \"x\""),
        ("8 4294967296 sda 1 2 3 4 5 6 7 8 9 10 11", "malformed minor number \"4294967296\""),
    ])
    func malformedDeviceNumbers(text: String, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try DiskStats.parse(Array(text.utf8)) }
        #expect(error == ParseError(file: "/proc/diskstats", line: 1, message))
    }

    @Test(arguments: [
        // Excluded: partitions of sd/hd/vd/xvd disks, NVMe partitions, ram, loop, floppy.
        ("sda1", true), ("sdz15", true), ("hda2", true), ("vda1", true), ("xvda1", true), ("xvdb12", true),
        ("nvme0n1p1", true), ("nvme12n3p45", true), ("ram0", true), ("ram15", true), ("loop0", true),
        ("loop123", true), ("fd0", true),
        // Kept: whole disks and everything the pattern does not name.
        ("sda", false), ("vda", false), ("xvda", false), ("nvme0n1", false), ("nvme0", false), ("nvme0n1p", false),
        ("sdaa1", false), ("sda1x", false), ("sdA1", false), ("dm-0", false), ("md0", false), ("sr0", false),
        ("mmcblk0p1", false), ("zram0", false), ("ram", false), ("loop", false), ("loopx1", false), ("fd", false),
        ("xd1", false), ("d", false), ("", false), ("s", false), ("sd", false), ("nvmen1p1", false), ("nvme0np1", false),
        ("nvme0n1p1 ", false), ("xvd1", false), ("vdb01", true),
    ])
    func nodeExporterDefaultDeviceExclude(name: String, excluded: Bool) {
        #expect(DiskStats.isExcludedByDefault(name) == excluded, "\(name)")
    }

    @Test func capturedFileFromThisMachine() throws {
        let bytes = try ProcFixture.bytes("live/diskstats")
        let stats = try DiskStats.parse(bytes)
        #expect(stats.devices.count == bytes.filter { $0 == UInt8(ascii: "\n") }.count)
        let vda = try #require(stats.devices.first { $0.name == "vda" })
        #expect(vda.major == 254 && vda.minor == 0)
        #expect(vda.readsCompleted == 147077)
        #expect(vda.flushes == .init(completed: 5156, timeMilliseconds: 214))
        let kept = stats.devices.filter { !DiskStats.isExcludedByDefault($0.name) }.map(\.name)
        #expect(kept == ["vda", "zram0"])
    }
}
