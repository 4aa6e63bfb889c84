import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct ProcessStatusTests {
    @Test func handMade() throws {
        let text = """
            Name:\tmy-app
            Umask:\t0022
            State:\tS (sleeping)
            VmPeak:\t  200000 kB
            VmSize:\t  180000 kB
            VmHWM:\t   60000 kB
            VmRSS:\t   50000 kB
            Groups:\t
            Threads:\t12
            voluntary_ctxt_switches:\t345
            nonvoluntary_ctxt_switches:\t67
            """
        let status = try ProcessStatus.parse(F.text(text))
        #expect(status == ProcessStatus(
            name: "my-app", residentBytes: 50000 * 1024, virtualBytes: 180_000 * 1024,
            peakResidentBytes: 60000 * 1024, threads: 12,
            voluntaryContextSwitches: 345, nonvoluntaryContextSwitches: 67
        ))
    }

    @Test func capturedSelfAndShell() throws {
        for path in ["process/self/status", "process/proc/25131/status"] {
            let status = try ProcessStatus.parse(F.bytes(path))
            #expect(status.threads == 1)
            #expect((status.residentBytes ?? 0) > 0)
            #expect((status.peakResidentBytes ?? 0) >= (status.residentBytes ?? 0))
            #expect((status.virtualBytes ?? 0) > (status.residentBytes ?? 0))
        }
        #expect(try ProcessStatus.parse(F.bytes("process/self/status")).name == "cp")
        #expect(try ProcessStatus.parse(F.bytes("process/self/status")).residentBytes == 2156 * 1024)
    }

    @Test func kernelThreadHasNoMemoryLines() throws {
        let status = try ProcessStatus.parse(F.bytes("process/proc/2/status"))
        #expect(status.name == "kthreadd")
        #expect(status.residentBytes == nil)
        #expect(status.virtualBytes == nil)
        #expect(status.peakResidentBytes == nil)
        #expect(status.threads == 1)
    }

    @Test func liveSelf() throws {
        let status = try ProcessStatus.parse(F.live("/proc/self/status"))
        #expect(status.threads >= 1)
        #expect((status.residentBytes ?? 0) > 0)
    }

    @Test func emptyFileIsAnError() {
        #expect(F.parseError { () throws(ParseError) in _ = try ProcessStatus.parse([]) }?.message == "empty file")
    }

    @Test func missingRequiredKeyIsAnError() {
        let error = F.parseError { () throws(ParseError) in
            _ = try ProcessStatus.parse(F.text("Name:\tx\nThreads:\t1\nvoluntary_ctxt_switches:\t1\n"))
        }
        #expect(error?.message.contains("nonvoluntary") == true)
    }

    @Test func malformedLinesCarryTheirLineNumber() {
        let cases: [(String, Int)] = [
            ("Name:\tx\nno colon here\n", 2),
            ("Name:\tx\nThreads:\tmany\n", 2),
            ("Name:\tx\nUmask:\t0022\nVmRSS:\t12 MB\n", 3),  // unit must be kB
            ("Name:\tx\nVmRSS:\t12 kB trailing\n", 2),  // trailing garbage
            ("Name:\tx\nVmRSS:\t18014398509481984 kB\n", 2),  // fits in UInt64, bytes do not
            ("Name:\tx\nThreads:\t18446744073709551616\n", 2),  // beyond 2^64-1
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try ProcessStatus.parse(F.text(text)) }
            #expect(error?.line == line, "\(text)")
        }
    }

    @Test func unknownKeysAreIgnoredAndMaxValuesParse() throws {
        let text = "Name:\tx\nNewKey2030:\t???\nThreads:\t18446744073709551615\nvoluntary_ctxt_switches:\t18446744073709551615\nnonvoluntary_ctxt_switches:\t0"
        let status = try ProcessStatus.parse(F.text(text))
        #expect(status.threads == UInt64.max)
        #expect(status.voluntaryContextSwitches == UInt64.max)
        #expect(status.nonvoluntaryContextSwitches == 0)
    }
}
