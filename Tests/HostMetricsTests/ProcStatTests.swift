import Testing
@testable import HostMetrics

@Suite struct ProcStatTests {
    @Test func olderKernelWithSevenColumns() throws {
        let stat = try ProcStat.parse(try ProcFixture.bytes("handmade/stat-old-kernel"))
        #expect(stat.total == ProcStat.CPUTimes(user: 1000, nice: 20, system: 300, idle: 40000, iowait: 500, irq: 6, softirq: 7))
        #expect(stat.total.steal == nil && stat.total.guest == nil && stat.total.guestNice == nil)
        #expect(stat.cpus.map(\.index) == [0, 1])
        #expect(stat.cpus[1].times == ProcStat.CPUTimes(user: 400, nice: 10, system: 100, idle: 20000, iowait: 200, irq: 3, softirq: 3))
        #expect(stat.interruptsTotal == 1462898)
        #expect(stat.contextSwitches == 115315)
        #expect(stat.bootTime == 769041601)
        #expect(stat.processesCreated == 86031)
        #expect(stat.procsRunning == 6)
        #expect(stat.procsBlocked == 0)
        #expect(stat.softirqsTotal == nil)
    }

    @Test func missingColumnsBecomeZeroSeconds() throws {
        let stat = try ProcStat.parse(try ProcFixture.bytes("handmade/stat-old-kernel"))
        let seconds = stat.total.seconds(ticksPerSecond: 100)
        #expect(seconds.user == 10)
        #expect(seconds.idle == 400)
        #expect(seconds.softirq == 0.07)
        #expect(seconds.steal == 0 && seconds.guest == 0 && seconds.guestNice == 0)
    }

    @Test func offlineCPUsKeepTheirIndexAndExtraColumnsAreIgnored() throws {
        let stat = try ProcStat.parse(try ProcFixture.bytes("handmade/stat-offline-cpus"))
        #expect(stat.cpus.map(\.index) == [0, 2])
        #expect(stat.cpus[1].times == ProcStat.CPUTimes(
            user: 100, nice: 0, system: 50, idle: 4500, iowait: 5, irq: 0, softirq: 1, steal: 1, guest: 2, guestNice: 2))
        #expect(stat.total.guestNice == 5)
        #expect(stat.softirqsTotal == 999)
        #expect(stat.interruptsTotal == 12345)
        #expect(stat.procsBlocked == 1)
    }

    @Test func countersNear2To64AreExact() throws {
        let stat = try ProcStat.parse(try ProcFixture.bytes("handmade/stat-max-counters"))
        #expect(stat.total.user == UInt64.max)
        #expect(stat.total.nice == UInt64.max - 1)
        #expect(stat.cpus[0].times.guestNice == 18446744073709551615)
        #expect(stat.contextSwitches == UInt64.max)
        #expect(stat.interruptsTotal == UInt64.max)
        #expect(stat.processesCreated == UInt64.max)
    }

    @Test func counterBeyond2To64IsAnErrorWithItsLine() throws {
        let error = ProcFixture.error { () throws(ParseError) in try ProcStat.parse(try! ProcFixture.bytes("handmade/stat-overflow")) }
        #expect(error?.line == 3)
        #expect(error?.file == "/proc/stat")
        #expect(error?.message.contains("out of range") == true)
    }

    @Test func noTrailingNewline() throws {
        let stat = try ProcStat.parse(try ProcFixture.bytes("handmade/stat-no-trailing-newline"))
        #expect(stat.bootTime == 1700000000)
        #expect(stat.contextSwitches == 42)
    }

    @Test func trailingGarbageWithUnknownKeysIsIgnored() throws {
        let stat = try ProcStat.parse(try ProcFixture.bytes("handmade/stat-trailing-garbage"))
        #expect(stat.contextSwitches == 42)
        #expect(stat.cpus.count == 1)
    }

    @Test func malformedCPULineIsAnError() {
        let error = ProcFixture.error { () throws(ParseError) in try ProcStat.parse(try! ProcFixture.bytes("handmade/stat-malformed-cpu")) }
        #expect(error?.line == 2)
    }

    @Test(arguments: [
        ("", "empty file", nil),
        (" \n\n", "empty file", nil),
        ("ctxt 1\n", "no cpu line", nil),
        ("cpu  1 2 3\n", "expected at least 4 cpu columns, found 3", 1),
        ("cpu  1 2 3 4\ncpu0 1 2 3 4\ncpu0 1 2 3 4\n", "duplicate cpu0 line", 3),
        ("cpu  1 2 3 4\ncpu 1 2 3 4\n", "duplicate cpu line", 2),
        ("cpu  1 2 3 4\ncpuX 1 2 3 4\n", "malformed CPU name \"cpuX\"", 2),
        ("cpu  1 2 3 4\nctxt\n", "ctxt: missing value", 2),
        ("cpu  1 2 3 4\nbtime 1 2\n", "btime: unexpected extra fields", 2),
        ("cpu  1 2 3 4\nprocs_running -1\n", "procs_running: expected an unsigned integer, found \"-1\"", 2),
    ] as [(String, String, Int?)])
    func malformedInput(text: String, message: String, line: Int?) {
        let error = ProcFixture.error { () throws(ParseError) in try ProcStat.parse(Array(text.utf8)) }
        #expect(error == ParseError(file: "/proc/stat", line: line, message))
    }

    @Test func emptyFixtures() {
        for name in ["handmade/empty", "handmade/blank"] {
            let error = ProcFixture.error { () throws(ParseError) in try ProcStat.parse(try! ProcFixture.bytes(name)) }
            #expect(error == ParseError(file: "/proc/stat", "empty file"))
        }
    }

    @Test func capturedFileFromThisMachine() throws {
        let bytes = try ProcFixture.bytes("live/stat")
        let stat = try ProcStat.parse(bytes)
        let cpuLines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("cpu") && !$0.hasPrefix("cpu ") }
        #expect(stat.cpus.count == cpuLines.count)
        #expect(stat.cpus.count > 0)
        // The total line is the sum of the per-CPU lines (same snapshot).
        #expect(stat.total.user == stat.cpus.reduce(0) { $0 + $1.times.user })
        #expect(stat.total.steal != nil && stat.total.guestNice != nil)
        #expect((stat.bootTime ?? 0) > 1_000_000_000)
        #expect((stat.contextSwitches ?? 0) > 0)
        #expect((stat.interruptsTotal ?? 0) > 0)
        #expect((stat.processesCreated ?? 0) > 0)
    }
}
