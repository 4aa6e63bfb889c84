import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct CgroupV2CPUTests {
    @Test func containerCPUStat() throws {
        let stat = try CgroupCPUStat.parse(F.bytes("cgroup/v2/container/cpu.stat"))
        #expect(stat == CgroupCPUStat(
            usageUsec: 8_623_540_123, userUsec: 6_123_450_000, systemUsec: 2_500_090_123,
            periods: 345_678, throttledPeriods: 1234, throttledUsec: 98_765_432,
            bursts: 7, burstUsec: 120_000,
            other: ["nice_usec": 0, "core_sched.force_idle_usec": 0]
        ))
    }

    @Test func withoutCPUControllerThrottlingIsAbsent() throws {
        let stat = try CgroupCPUStat.parse(F.bytes("cgroup/v2/edge/cpu.stat-no-cpu-controller"))
        #expect(stat == CgroupCPUStat(usageUsec: 1000, userUsec: 600, systemUsec: 400))
    }

    @Test func capturedHybridUnifiedRoot() throws {
        let stat = try CgroupCPUStat.parse(F.bytes("cgroup/v2/hybrid-unified-root/cpu.stat"))
        #expect(stat.usageUsec == 926_887_238)
        // usage is summed separately from user + system, so they agree only to rounding.
        #expect(stat.usageUsec.distance(to: stat.userUsec + stat.systemUsec).magnitude <= 1)
        #expect(stat.periods == nil)
        #expect(stat.other.keys.sorted() == ["nice_usec"])
    }

    @Test func cpuStatErrors() {
        let cases: [(String, Int?)] = [
            ("", nil),
            ("usage_usec 1\nuser_usec 1\n", nil),  // system_usec missing
            ("usage_usec 1\nuser_usec 1\nsystem_usec 1\nnr_periods x\n", 4),  // known key, bad value
            ("usage_usec 18446744073709551616\nuser_usec 1\nsystem_usec 1\n", 1),  // beyond 2^64-1
            ("usage_usec 1 2\nuser_usec 1\nsystem_usec 1\n", 1),  // trailing garbage
            ("usage_usec 1\nuser_usec 1\nsystem_usec 1\ngarbage", 4),  // one-field line
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupCPUStat.parse(F.text(text)) }
            #expect(error != nil, "\(text.debugDescription)")
            #expect(error?.line == line, "\(text.debugDescription)")
        }
    }

    @Test func unknownKeysNeverFail() throws {
        let text = "usage_usec 18446744073709551615\nuser_usec 1\nsystem_usec 1\nfuture_key 12\nfuture_float 1.5\nhuge_key 99999999999999999999"
        let stat = try CgroupCPUStat.parse(F.text(text))
        #expect(stat.usageUsec == UInt64.max)
        #expect(stat.other == ["future_key": 12])
    }

    @Test func cpuMax() throws {
        #expect(try CgroupCPUMax.parse(F.bytes("cgroup/v2/container/cpu.max")) == CgroupCPUMax(quotaUsec: 50000, periodUsec: 100_000))
        #expect(try CgroupCPUMax.parse(F.bytes("cgroup/v2/container/cpu.max")).cores == 0.5)
        let unlimited = try CgroupCPUMax.parse(F.bytes("cgroup/v2/edge/cpu.max-unlimited"))
        #expect(unlimited == CgroupCPUMax(quotaUsec: nil, periodUsec: 100_000))
        #expect(unlimited.cores == nil)
        #expect(try CgroupCPUMax.parse(F.text("18446744073709551615 1000")).quotaUsec == UInt64.max)
    }

    @Test func cpuMaxErrors() {
        for text in ["", "max", "max 100000 extra", "50000 0", "50000 max", "18446744073709551616 100000", "50000 100000\ngarbage"] {
            #expect(F.parseError { () throws(ParseError) in _ = try CgroupCPUMax.parse(F.text(text)) } != nil, "\(text.debugDescription)")
        }
    }
}
