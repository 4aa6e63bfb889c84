import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct ProcessStatTests {
    @Test func handMadeAppProcess() throws {
        let stat = try ProcessStat.parse(F.bytes("process/proc/4242/stat"))
        #expect(stat == ProcessStat(
            pid: 4242, comm: "my-app", state: "S", ppid: 1, userTicks: 1234, systemTicks: 567,
            threads: 8, startTimeTicks: 98765, virtualBytes: 1_073_741_824, rssPages: 25600
        ))
    }

    @Test func commWithSpacesAndParenthesesSplitsAtLastParen() throws {
        let stat = try ProcessStat.parse(F.bytes("process/edge/stat-comm-parens"))
        #expect(stat.comm == "a) R 1 (b) c")
        #expect(stat.state == "S")
        #expect(stat.ppid == 1)
        #expect(stat.userTicks == 250)
        #expect(stat.systemTicks == 50)
        #expect(stat.threads == 3)
        #expect(stat.startTimeTicks == 4000)
        #expect(stat.virtualBytes == 2_097_152)
        #expect(stat.rssPages == 300)
    }

    @Test func valuesAt2To64Minus1WithoutTrailingNewline() throws {
        let stat = try ProcessStat.parse(F.bytes("process/edge/stat-max-values-no-newline"))
        #expect(stat.userTicks == UInt64.max)
        #expect(stat.virtualBytes == 18_446_744_073_709_551_615)
    }

    @Test func valueBeyond2To64IsAnError() throws {
        var text = String(decoding: try F.bytes("process/proc/4242/stat"), as: UTF8.self)
        text = text.replacingOccurrences(of: " 1234 567 ", with: " 18446744073709551616 567 ")
        let error = F.parseError { () throws(ParseError) in _ = try ProcessStat.parse(F.text(text)) }
        #expect(error?.line == 1)
        #expect(error?.message.contains("utime") == true)
    }

    @Test func capturedKernelThreadAndShell() throws {
        let kthreadd = try ProcessStat.parse(F.bytes("process/proc/2/stat"))
        #expect(kthreadd.pid == 2)
        #expect(kthreadd.comm == "kthreadd")
        #expect(kthreadd.ppid == 0)
        #expect(kthreadd.virtualBytes == 0)
        #expect(kthreadd.rssPages == 0)
        let bash = try ProcessStat.parse(F.bytes("process/proc/25131/stat"))
        #expect(bash.pid == 25131)
        #expect(bash.comm == "bash")
        #expect(bash.threads == 1)
        #expect(bash.virtualBytes > 0 && bash.rssPages > 0)
    }

    @Test func capturedSelf() throws {
        let stat = try ProcessStat.parse(F.bytes("process/self/stat"))
        #expect(stat.comm == "cp")
        #expect(stat.threads >= 1)
        #expect(stat.rssPages > 0)
    }

    @Test func liveSelf() throws {
        let stat = try ProcessStat.parse(F.live("/proc/self/stat"))
        #expect(stat.pid == ProcessInfo.processInfo.processIdentifier)
        #expect(stat.threads >= 1)
        #expect(stat.rssPages > 0)
        #expect(stat.startTimeTicks > 0)
    }

    @Test func emptyFileIsAnError() {
        #expect(F.parseError { () throws(ParseError) in _ = try ProcessStat.parse([]) } != nil)
        #expect(F.parseError { () throws(ParseError) in _ = try ProcessStat.parse(F.text("\n")) } != nil)
    }

    @Test func malformedLines() {
        let cases = [
            "1 (x S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1 1",  // no closing paren
            "1 (x) S 1 1 1",  // truncated
            "x (x) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1 1",  // pid not a number
            "1 (x) SS 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1 1",  // state not one letter
            "1 (x) S 1 1 1 0 -1 0 0 0 0 0 1x 1 0 0 20 0 1 0 1 1 1 1",  // utime has garbage
        ]
        for text in cases {
            let error = F.parseError { () throws(ParseError) in _ = try ProcessStat.parse(F.text(text)) }
            #expect(error?.line == 1, "\(text)")
            #expect(error?.file == "/proc/[pid]/stat")
        }
    }

    @Test func trailingGarbageLineIsAnError() throws {
        let bytes = try F.bytes("process/proc/4242/stat") + F.text("garbage\n")
        let error = F.parseError { () throws(ParseError) in _ = try ProcessStat.parse(bytes) }
        #expect(error?.line == 2)
    }
}
