import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct CgroupV1Tests {
    @Test func capturedCPU() throws {
        let usage = try CgroupSingleValue.number(F.bytes("cgroup/v1/cpuacct/cpuacct.usage"), file: "cpuacct.usage")
        #expect(usage == 913_532_643_839)
        let acct = try CgroupV1CPUAcctStat.parse(F.bytes("cgroup/v1/cpuacct/cpuacct.stat"))
        #expect(acct == CgroupV1CPUAcctStat(userTicks: 77837, systemTicks: 13516))
        let quota = try CgroupCPUMax.parseV1(
            quota: F.bytes("cgroup/v1/cpu/cpu.cfs_quota_us"), period: F.bytes("cgroup/v1/cpu/cpu.cfs_period_us"))
        #expect(quota == CgroupCPUMax(quotaUsec: nil, periodUsec: 100_000))
        let stat = try CgroupV1CPUStat.parse(F.bytes("cgroup/v1/cpu/cpu.stat"))
        #expect(stat == CgroupV1CPUStat(periods: 0, throttledPeriods: 0, throttledNanoseconds: 0, bursts: 0, burstNanoseconds: 0))
    }

    @Test func quotaSet() throws {
        let quota = try CgroupCPUMax.parseV1(
            quota: F.bytes("cgroup/v1/edge/cpu.cfs_quota_us"), period: F.bytes("cgroup/v1/edge/cpu.cfs_period_us"))
        #expect(quota == CgroupCPUMax(quotaUsec: 50000, periodUsec: 100_000))
    }

    @Test func quotaErrors() {
        let period = F.text("100000\n")
        for quota in ["-2\n", "", "1 2\n", "9223372036854775808\n"] {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupCPUMax.parseV1(quota: F.text(quota), period: period) }
            #expect(error?.file == "cpu.cfs_quota_us", "\(quota.debugDescription)")
        }
        let error = F.parseError { () throws(ParseError) in _ = try CgroupCPUMax.parseV1(quota: F.text("-1"), period: F.text("0")) }
        #expect(error?.file == "cpu.cfs_period_us")
    }

    @Test func cpuStatOlderKernelAndErrors() throws {
        let stat = try CgroupV1CPUStat.parse(F.text("nr_periods 10\nnr_throttled 2\nthrottled_time 18446744073709551615"))
        #expect(stat == CgroupV1CPUStat(periods: 10, throttledPeriods: 2, throttledNanoseconds: UInt64.max))
        let cases: [(String, Int?)] = [
            ("", nil), ("nr_periods 10\nnr_throttled 2\n", nil), ("nr_periods 10\nnr_throttled x\nthrottled_time 0\n", 2),
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupV1CPUStat.parse(F.text(text)) }
            #expect(error != nil)
            #expect(error?.line == line)
        }
        #expect(try CgroupV1CPUAcctStat.parse(F.text("user 18446744073709551615\nsystem 0")) == .init(userTicks: .max, systemTicks: 0))
        #expect(F.parseError { () throws(ParseError) in _ = try CgroupV1CPUAcctStat.parse(F.text("user 1\n")) } != nil)
        #expect(F.parseError { () throws(ParseError) in _ = try CgroupV1CPUAcctStat.parse(F.text("user 1\nsystem 18446744073709551616\n")) }?.line == 2)
        #expect(F.parseError { () throws(ParseError) in _ = try CgroupV1CPUAcctStat.parse([]) } != nil)
    }

    @Test func capturedMemory() throws {
        let usage = try CgroupSingleValue.number(F.bytes("cgroup/v1/memory/memory.usage_in_bytes"), file: "memory.usage_in_bytes")
        #expect(usage == 29_454_336)
        #expect(try CgroupV1MemoryLimit.parse(F.bytes("cgroup/v1/memory/memory.limit_in_bytes")).bytes == nil)
        let stat = try CgroupV1MemoryStat.parse(F.bytes("cgroup/v1/memory/memory.stat"))
        #expect(stat.cache == 24_244_224)
        #expect(stat.rss == 2_125_824)
        #expect(stat.totalInactiveFile == 12_914_688)
        #expect(stat.hierarchicalMemoryLimit == 9_223_372_036_854_771_712)
        #expect(stat.workingSet(usage: usage) == 29_454_336 - 12_914_688)
        let oom = try CgroupV1MemoryOOMControl.parse(F.bytes("cgroup/v1/memory/memory.oom_control"))
        #expect(oom == CgroupV1MemoryOOMControl(oomKillDisabled: false, underOOM: false, oomKills: 0))
    }

    @Test func memoryLimitThreshold() throws {
        #expect(try CgroupV1MemoryLimit.parse(F.bytes("cgroup/v1/edge/memory.limit_in_bytes-512MiB")).bytes == 536_870_912)
        #expect(try CgroupV1MemoryLimit.parse(F.bytes("cgroup/v1/edge/memory.limit_in_bytes-unlimited-64k-pages")).bytes == nil)
        #expect(try CgroupV1MemoryLimit.parse(F.text("\(CgroupV1MemoryLimit.unlimitedThreshold - 1)")).bytes == (1 << 62) - 1)
        #expect(try CgroupV1MemoryLimit.parse(F.text("18446744073709551615\n")).bytes == nil)
        #expect(F.parseError { () throws(ParseError) in _ = try CgroupV1MemoryLimit.parse(F.text("18446744073709551616\n")) } != nil)
        #expect(F.parseError { () throws(ParseError) in _ = try CgroupV1MemoryLimit.parse([]) }?.file == "memory.limit_in_bytes")
    }

    @Test func memoryStatUsesTotalInactiveFile() throws {
        let stat = try CgroupV1MemoryStat.parse(F.bytes("cgroup/v1/edge/memory.stat-hierarchy"))
        #expect(stat.inactiveFile == 16384)
        #expect(stat.totalInactiveFile == 2_000_000)
        #expect(stat.workingSet(usage: 15_000_000) == 13_000_000)
        #expect(stat.workingSet(usage: 1_000_000) == 0)
        #expect(CgroupV1MemoryStat(values: [:]).workingSet(usage: 42) == 42)
        let error = F.parseError { () throws(ParseError) in _ = try CgroupV1MemoryStat.parse(F.text("cache 1\ntotal_inactive_file -5\n")) }
        #expect(error?.line == 2)
        #expect(F.parseError { () throws(ParseError) in _ = try CgroupV1MemoryStat.parse([]) } != nil)
    }

    @Test func oomControl() throws {
        let old = try CgroupV1MemoryOOMControl.parse(F.bytes("cgroup/v1/edge/memory.oom_control-pre-4.13"))
        #expect(old == CgroupV1MemoryOOMControl(oomKillDisabled: false, underOOM: true, oomKills: nil))
        let noNewline = try CgroupV1MemoryOOMControl.parse(F.text("oom_kill_disable 1\nunder_oom 0\nfuture 1.5\noom_kill 18446744073709551615"))
        #expect(noNewline == CgroupV1MemoryOOMControl(oomKillDisabled: true, underOOM: false, oomKills: .max))
        let cases: [(String, Int?)] = [
            ("", nil), ("oom_kill_disable 0\n", nil), ("oom_kill_disable 2\nunder_oom 0\n", 1),
            ("oom_kill_disable 0\nunder_oom 0\noom_kill 18446744073709551616\n", 3),
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupV1MemoryOOMControl.parse(F.text(text)) }
            #expect(error != nil, "\(text.debugDescription)")
            #expect(error?.line == line, "\(text.debugDescription)")
        }
    }

    @Test func blkio() throws {
        let captured = try CgroupV1BlkioServiceBytes.parse(F.bytes("cgroup/v1/blkio/blkio.throttle.io_service_bytes"))
        #expect(captured == CgroupV1BlkioServiceBytes(devices: [], total: 0))
        let two = try CgroupV1BlkioServiceBytes.parse(F.bytes("cgroup/v1/edge/blkio.throttle.io_service_bytes-two-devices"))
        #expect(two == CgroupV1BlkioServiceBytes(devices: [
            .init(major: 8, minor: 16, read: 4096, write: 8192, sync: 12288, async: 0, discard: 0, total: 12288),
            .init(major: 8, minor: 0, read: 1000, write: 0, sync: 1000, async: 0, discard: nil, total: 1000),
        ], total: 13288))
        #expect(try CgroupV1BlkioServiceBytes.parse([]) == CgroupV1BlkioServiceBytes(devices: [], total: 0))
        let unknownOp = try CgroupV1BlkioServiceBytes.parse(F.text("8:0 Read 18446744073709551615\n8:0 Flush 3\nTotal 1"))
        #expect(unknownOp.devices == [.init(major: 8, minor: 0, read: UInt64.max)])
    }

    @Test func blkioErrors() {
        let cases: [(String, Int)] = [
            ("8:0 Read 1\n8:0 Write\n", 2),
            ("8:0 Read 1\nsda Write 2\n", 2),
            ("8:0 Read 1\n8:0 Write 18446744073709551616\n", 2),
            ("8:0 Read 1\n8:0 Write 2 extra\n", 2),
            ("8:0 Read 1\nTotal x\n", 2),
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupV1BlkioServiceBytes.parse(F.text(text)) }
            #expect(error?.line == line, "\(text.debugDescription)")
        }
    }

    @Test func pids() throws {
        #expect(try CgroupSingleValue.number(F.bytes("cgroup/v1/pids/pids.current"), file: "pids.current") == 3)
        #expect(try CgroupSingleValue.limit(F.bytes("cgroup/v1/pids/pids.max"), file: "pids.max") == nil)
    }
}
