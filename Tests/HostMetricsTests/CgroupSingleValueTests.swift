import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct CgroupSingleValueTests {
    @Test func numbers() throws {
        #expect(try CgroupSingleValue.number(F.text("0\n"), file: "f") == 0)
        #expect(try CgroupSingleValue.number(F.text("268435456"), file: "f") == 268_435_456)  // no newline
        #expect(try CgroupSingleValue.number(F.text("18446744073709551615\n"), file: "f") == UInt64.max)
        #expect(try CgroupSingleValue.number(F.bytes("cgroup/v2/container/memory.current"), file: "memory.current") == 268_435_456)
        #expect(try CgroupSingleValue.number(F.bytes("cgroup/v2/container/pids.current"), file: "pids.current") == 2)
    }

    @Test func limits() throws {
        #expect(try CgroupSingleValue.limit(F.text("max\n"), file: "f") == nil)
        #expect(try CgroupSingleValue.limit(F.text("max"), file: "f") == nil)
        #expect(try CgroupSingleValue.limit(F.bytes("cgroup/v2/container/memory.max"), file: "memory.max") == 536_870_912)
        #expect(try CgroupSingleValue.limit(F.bytes("cgroup/v2/edge/memory.max-unlimited"), file: "memory.max") == nil)
        #expect(try CgroupSingleValue.limit(F.bytes("cgroup/v2/container/pids.max"), file: "pids.max") == 1024)
        #expect(try CgroupSingleValue.limit(F.bytes("cgroup/v1/pids/pids.max"), file: "pids.max") == nil)
        #expect(try CgroupSingleValue.number(F.bytes("cgroup/v1/pids/pids.current"), file: "pids.current") == 3)
    }

    @Test func signed() throws {
        #expect(try CgroupSingleValue.signed(F.text("-1\n"), file: "f") == -1)
        #expect(try CgroupSingleValue.signed(F.text("9223372036854775807\n"), file: "f") == Int64.max)
    }

    @Test func errors() {
        let cases: [(String, Int?)] = [
            ("", nil), ("\n", nil), ("  \n", nil),  // empty
            ("18446744073709551616\n", 1),  // beyond 2^64-1
            ("12abc\n", 1),  // garbage in the token
            ("12 34\n", 1),  // trailing garbage on the line
            ("12\ngarbage\n", 2),  // trailing garbage line
            ("-1\n", 1),  // negative where unsigned
            ("MAX\n", 1),
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupSingleValue.limit(F.text(text), file: "memory.max") }
            #expect(error?.line == line, "\(text.debugDescription)")
            #expect(error?.file == "memory.max")
        }
        #expect(F.parseError { () throws(ParseError) in _ = try CgroupSingleValue.number(F.text("max\n"), file: "f") } != nil)
        #expect(F.parseError { () throws(ParseError) in _ = try CgroupSingleValue.signed(F.text("9223372036854775808\n"), file: "f") } != nil)
    }
}
