import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct CgroupV2MemoryTests {
    @Test func containerMemoryStat() throws {
        let stat = try CgroupMemoryStat.parse(F.bytes("cgroup/v2/container/memory.stat"))
        #expect(stat.values.count == 49)
        #expect(stat.anon == 150_994_944)
        #expect(stat.file == 100_663_296)
        #expect(stat.inactiveFile == 67_108_864)
        #expect(stat.activeFile == 33_554_432)
        #expect(stat.fileMapped == 33_554_432)
        #expect(stat.shmem == 4_194_304)
        #expect(stat.kernelStack == 1_048_576)
        #expect(stat.slab == 4_718_592)
        #expect(stat.sock == 4096)
        #expect(stat.pgmajfault == 321)
        #expect(stat.values["workingset_refault_file"] == 120)
    }

    @Test func workingSet() throws {
        let usage = try CgroupSingleValue.number(F.bytes("cgroup/v2/container/memory.current"), file: "memory.current")
        let stat = try CgroupMemoryStat.parse(F.bytes("cgroup/v2/container/memory.stat"))
        #expect(stat.workingSet(usage: usage) == 268_435_456 - 67_108_864)
        // inactive_file read later than usage can exceed it: floor at 0.
        #expect(stat.workingSet(usage: 1000) == 0)
        // No inactive_file: the whole usage, as cAdvisor does.
        let partial = try CgroupMemoryStat.parse(F.bytes("cgroup/v2/edge/memory.stat-no-inactive-file"))
        #expect(partial.inactiveFile == nil)
        #expect(partial.workingSet(usage: 5_000_000) == 5_000_000)
    }

    @Test func memoryStatErrors() {
        let cases: [(String, Int?)] = [
            ("", nil),
            ("anon 1\nfile x\n", 2),  // named key, bad value
            ("anon 18446744073709551616\n", 1),
            ("anon 1\nfile\n", 2),  // no value
            ("anon 1 kB\n", 1),  // trailing garbage
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupMemoryStat.parse(F.text(text)) }
            #expect(error != nil, "\(text.debugDescription)")
            #expect(error?.line == line, "\(text.debugDescription)")
            #expect(error?.file == "memory.stat")
        }
    }

    @Test func unknownKeysWithOddValuesAreSkipped() throws {
        let stat = try CgroupMemoryStat.parse(F.text("anon 18446744073709551615\nnew_ratio 0.5\nnew_count 7"))
        #expect(stat.values == ["anon": UInt64.max, "new_count": 7])
    }

    @Test func memoryEvents() throws {
        let events = try CgroupMemoryEvents.parse(F.bytes("cgroup/v2/container/memory.events"))
        #expect(events == CgroupMemoryEvents(low: 0, high: 12, max: 5, oom: 2, oomKill: 1, oomGroupKill: 0))
        let older = try CgroupMemoryEvents.parse(F.text("low 0\nhigh 0\nmax 0\noom 0\noom_kill 18446744073709551615\nsock_throttled 3"))
        #expect(older.oomKill == UInt64.max)
        #expect(older.oomGroupKill == nil)
        #expect(older.other == ["sock_throttled": 3])
    }

    @Test func memoryEventsErrors() {
        let cases: [(String, Int?)] = [
            ("", nil),
            ("low 0\nhigh 0\nmax 0\noom 0\n", nil),  // oom_kill missing
            ("low 0\nhigh -1\nmax 0\noom 0\noom_kill 0\n", 2),
            ("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\ngarbage\n", 6),
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupMemoryEvents.parse(F.text(text)) }
            #expect(error != nil, "\(text.debugDescription)")
            #expect(error?.line == line, "\(text.debugDescription)")
        }
    }
}
