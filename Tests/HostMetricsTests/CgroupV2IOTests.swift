import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct CgroupV2IOTests {
    @Test func container() throws {
        let stat = try CgroupIOStat.parse(F.bytes("cgroup/v2/container/io.stat"))
        #expect(stat.devices == [.init(
            major: 8, minor: 0, readBytes: 1_459_200, writeBytes: 314_773_504,
            readIOs: 192, writeIOs: 353, discardBytes: 0, discardIOs: 0
        )])
    }

    @Test func twoDevicesWithIOCostKeysAndMaxValue() throws {
        let stat = try CgroupIOStat.parse(F.bytes("cgroup/v2/edge/io.stat-two-devices"))
        #expect(stat.devices == [
            .init(major: 8, minor: 0, readBytes: 1000, writeBytes: 2000, readIOs: 3, writeIOs: 4, discardBytes: 5, discardIOs: 6),
            .init(major: 259, minor: 0, readBytes: UInt64.max, writeBytes: 0, readIOs: 1, writeIOs: 0, discardBytes: 0, discardIOs: 0),
        ])
    }

    @Test func preDiscardKernel() throws {
        let stat = try CgroupIOStat.parse(F.bytes("cgroup/v2/edge/io.stat-pre-5.0"))
        #expect(stat.devices == [.init(major: 8, minor: 16, readBytes: 10, writeBytes: 20, readIOs: 1, writeIOs: 2)])
    }

    @Test func emptyFileIsValid() throws {
        #expect(try CgroupIOStat.parse([]).devices.isEmpty)
        #expect(try CgroupIOStat.parse(F.text("\n")).devices.isEmpty)
    }

    @Test func noTrailingNewline() throws {
        let stat = try CgroupIOStat.parse(F.text("8:0 rbytes=1 wbytes=2 rios=3 wios=4"))
        #expect(stat.devices.first?.writeIOs == 4)
    }

    @Test func errors() {
        let good = "8:0 rbytes=1 wbytes=2 rios=3 wios=4\n"
        let cases: [(String, Int)] = [
            (good + "sda rbytes=1 wbytes=2 rios=3 wios=4\n", 2),  // device is not MAJ:MIN
            (good + "8:x rbytes=1 wbytes=2 rios=3 wios=4\n", 2),
            (good + "8:1 rbytes=1 wbytes=2 rios=3\n", 2),  // wios missing
            (good + "8:1 rbytes=18446744073709551616 wbytes=2 rios=3 wios=4\n", 2),
            (good + "8:1 rbytes=1 wbytes=2 rios=3 wios=4 garbage\n", 2),
            (good + "8:1 rbytes=-1 wbytes=2 rios=3 wios=4\n", 2),
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupIOStat.parse(F.text(text)) }
            #expect(error?.line == line, "\(text.debugDescription)")
            #expect(error?.file == "io.stat")
        }
    }
}
