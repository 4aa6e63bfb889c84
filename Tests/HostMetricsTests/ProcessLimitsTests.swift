import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct ProcessLimitsTests {
    @Test func handMadeApplicationLimits() throws {
        let limits = try ProcessLimits.parse(F.bytes("process/edge/limits-app"))
        #expect(limits.openFiles == .init(soft: 1024, hard: 1_048_576))
        #expect(limits.addressSpace == .init(soft: 4_294_967_296, hard: nil))
        #expect(limits.all.count == 16)
        #expect(limits.all["Max stack size"] == .init(soft: 8_388_608, hard: nil))
        #expect(limits.all["Max processes"] == .init(soft: 4096, hard: 8192))
        #expect(limits.all["Max nice priority"] == .init(soft: 0, hard: 0))  // no units column
        #expect(limits.all["Max cpu time"] == .init(soft: nil, hard: nil))
    }

    @Test func captured() throws {
        for path in ["process/self/limits", "process/proc/25131/limits"] {
            let limits = try ProcessLimits.parse(F.bytes(path))
            #expect(limits.openFiles == .init(soft: 20000, hard: 20000))
            #expect(limits.addressSpace == .init(soft: nil, hard: nil))
            #expect(limits.all.count == 16)
        }
        // kthreadd keeps the kernel's defaults.
        let kernel = try ProcessLimits.parse(F.bytes("process/proc/2/limits"))
        #expect(kernel.openFiles == .init(soft: 1024, hard: 4096))
    }

    @Test func liveSelf() throws {
        let limits = try ProcessLimits.parse(F.live("/proc/self/limits"))
        #expect((limits.openFiles.soft ?? .max) > 0)
    }

    @Test func emptyFileIsAnError() {
        #expect(F.parseError { () throws(ParseError) in _ = try ProcessLimits.parse([]) }?.message == "empty file")
    }

    @Test func missingRowIsAnError() {
        let text = "Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 4096                 files     \n"
        let error = F.parseError { () throws(ParseError) in _ = try ProcessLimits.parse(F.text(text)) }
        #expect(error?.message.contains("Max address space") == true)
    }

    @Test func malformedLinesCarryTheirLineNumber() {
        let header = "Limit                     Soft Limit           Hard Limit           Units     \n"
        let cases = [
            "Max open files            lots                 4096                 files     \n",
            "Max open files            1024                 files     \n",  // one value
            "Max open files            1024                 4096                 files   extra\n",
            "Max open files            18446744073709551616 unlimited            files     \n",
        ]
        for row in cases {
            let error = F.parseError { () throws(ParseError) in _ = try ProcessLimits.parse(F.text(header + row)) }
            #expect(error?.line == 2, "\(row)")
        }
    }

    @Test func maxValueWithoutTrailingNewline() throws {
        let text = "Max open files            18446744073709551615 unlimited            files\nMax address space         1 2 bytes"
        let limits = try ProcessLimits.parse(F.text(text))
        #expect(limits.openFiles == .init(soft: UInt64.max, hard: nil))
        #expect(limits.addressSpace == .init(soft: 1, hard: 2))
    }
}
