import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct ProcessFinderTests {
    let procRoot = F.path("process/proc")

    @Test func findsByCommAndByArgv0Basename() throws {
        // 4242 by comm; 4244 renamed its comm but argv[0] is `my-app`.
        #expect(try ProcessFinder.pids(named: "my-app", procRoot: procRoot) == [4242, 4244])
        // comm is truncated to 15 bytes, so only cmdline finds the full name…
        #expect(try ProcessFinder.pids(named: "outrider-sidecar", procRoot: procRoot) == [4243])
        // …and the truncated comm still matches exactly.
        #expect(try ProcessFinder.pids(named: "outrider-sideca", procRoot: procRoot) == [4243])
        #expect(try ProcessFinder.pids(named: "kthreadd", procRoot: procRoot) == [2])
        #expect(try ProcessFinder.pids(named: "bash", procRoot: procRoot) == [25131])
    }

    @Test func noPartialOrPathMatches() throws {
        #expect(try ProcessFinder.pids(named: "my-ap", procRoot: procRoot).isEmpty)
        #expect(try ProcessFinder.pids(named: "/usr/local/bin/my-app", procRoot: procRoot).isEmpty)
        #expect(try ProcessFinder.pids(named: "worker", procRoot: procRoot).isEmpty)  // argv[1]
        #expect(try ProcessFinder.pids(named: "", procRoot: procRoot).isEmpty)
    }

    @Test func matchingRule() {
        let name = Array("app".utf8)
        #expect(ProcessFinder.matches(name: name, comm: Array("app\n".utf8), cmdline: []))
        #expect(ProcessFinder.matches(name: name, comm: Array("app".utf8), cmdline: []))
        #expect(ProcessFinder.matches(name: name, comm: [], cmdline: Array("/bin/app\0-x\0".utf8)))
        #expect(ProcessFinder.matches(name: name, comm: [], cmdline: Array("app".utf8)))
        #expect(!ProcessFinder.matches(name: name, comm: Array("apps\n".utf8), cmdline: Array("/bin/\0app\0".utf8)))
        #expect(!ProcessFinder.matches(name: name, comm: [], cmdline: []))
    }

    @Test func countsFileDescriptorEntries() throws {
        #expect(try ProcessFinder.openFileDescriptorCount(pid: 4242, procRoot: procRoot) == 4)
        #expect(try ProcessFinder.openFileDescriptorCount(pid: 4243, procRoot: procRoot) == 1)
    }

    @Test func countsSymlinksInATemporaryFdDirectory() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("outrider-fd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let fd = root.appendingPathComponent("77/fd")
        try FileManager.default.createDirectory(at: fd, withIntermediateDirectories: true)
        for number in 0..<5 {
            // Dangling on purpose: a descriptor to a deleted file still counts.
            try FileManager.default.createSymbolicLink(
                atPath: fd.appendingPathComponent("\(number)").path, withDestinationPath: "/nonexistent/\(number)")
        }
        #expect(try ProcessFinder.openFileDescriptorCount(pid: 77, procRoot: root.path) == 5)
    }

    @Test func missingFdDirectoryThrowsWithErrno() {
        // A kernel thread has no fd directory in the fixture (nor any fds).
        do {
            _ = try ProcessFinder.openFileDescriptorCount(pid: 2, procRoot: procRoot)
            Issue.record("expected a failure")
        } catch {
            #expect(error.errno == ENOENT)
            #expect(error.path.hasSuffix("/2/fd"))
        }
    }

    @Test func unreadableProcRootThrows() {
        #expect(throws: ProcessFinder.Failure.self) {
            try ProcessFinder.pids(named: "x", procRoot: "/nonexistent-proc-root")
        }
    }

    /// The count procfs reports as the fd directory's size agrees with listing it, for a
    /// process whose descriptors do not move while the test runs (ours do: tests run in
    /// parallel).
    @Test func countBySizeAgreesWithTheListing() throws {
        guard ProcessFinder.fdDirectorySizeIsCount() else { return }  // a kernel before 6.2
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        defer { child.terminate() }
        let pid = child.processIdentifier
        // Until it has exec'd, the child may still be closing what it inherited.
        for _ in 0..<500 where (try? F.live("/proc/\(pid)/comm")) != Array("sleep\n".utf8) {
            usleep(10_000)
        }
        let listed = try ProcessFinder.openFileDescriptorCount(pid: pid)
        #expect(listed >= 3)
        #expect(try ProcessFinder.openFileDescriptorCount(pid: pid, bySize: true) == listed)
        #expect(try ProcessFinder.openFileDescriptorCount(pid: ProcessInfo.processInfo.processIdentifier, bySize: true) >= 4)
    }

    @Test func sizeIsNoCountOutsideProcfs() {
        #expect(!ProcessFinder.fdDirectorySizeIsCount(procRoot: procRoot))
    }

    @Test func liveSelf() throws {
        let pid = ProcessInfo.processInfo.processIdentifier
        #expect(try ProcessFinder.openFileDescriptorCount(pid: pid) >= 3)
        let comm = String(decoding: try F.live("/proc/self/comm"), as: UTF8.self)
            .trimmingCharacters(in: .newlines)
        #expect(try ProcessFinder.pids(named: comm).contains(pid))
    }
}
