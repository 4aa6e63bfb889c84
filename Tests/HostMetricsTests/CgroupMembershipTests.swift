import Foundation
import Testing
@testable import HostMetrics

private typealias F = ProcessCgroupFixtures

@Suite struct CgroupMembershipTests {
    @Test func capturedHybridV1() throws {
        let membership = try CgroupMembership.parse(F.bytes("cgroup/proc-self-cgroup-v1-hybrid"))
        #expect(membership.entries.count == 10)
        #expect(membership.path(forController: "memory")?.hasPrefix("/process_api/") == true)
        #expect(membership.path(forController: "cpu") == "/")
        #expect(membership.path(forController: "cpuacct") == "/")
        #expect(membership.path(forController: "name=systemd") == "/")
        #expect(membership.path(forController: "io") == nil)
        #expect(membership.unifiedPath == "/")
        #expect(membership.entries.first == .init(hierarchyID: 9, controllers: ["name=systemd"], path: "/"))
    }

    @Test func pureV2() throws {
        let membership = try CgroupMembership.parse(F.bytes("cgroup/v2/proc-self-cgroup"))
        #expect(membership.entries == [.init(
            hierarchyID: 0, controllers: [],
            path: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1f2e3d4c.slice/cri-containerd-0123abcd.scope"
        )])
        #expect(membership.path(forController: "memory") == nil)
        #expect(try CgroupMembership.parse(F.bytes("cgroup/v2/proc-self-cgroup-namespaced")).unifiedPath == "/")
    }

    @Test func combinedControllersAndColonsInPath() throws {
        let text = "4:cpu,cpuacct:/docker/abc\n3:memory:/a:b:c\n0::/x:y"  // no trailing newline
        let membership = try CgroupMembership.parse(F.text(text))
        #expect(membership.entries[0].controllers == ["cpu", "cpuacct"])
        #expect(membership.path(forController: "cpuacct") == "/docker/abc")
        #expect(membership.path(forController: "memory") == "/a:b:c")
        #expect(membership.unifiedPath == "/x:y")
    }

    @Test func liveSelf() throws {
        let membership = try CgroupMembership.parse(F.live("/proc/self/cgroup"))
        #expect(!membership.entries.isEmpty)
    }

    @Test func emptyFileIsAnError() {
        #expect(F.parseError { () throws(ParseError) in _ = try CgroupMembership.parse([]) }?.message == "empty file")
    }

    @Test func malformedLinesCarryTheirLineNumber() {
        let cases: [(String, Int)] = [
            ("1:cpu:/\n2:memory\n", 2),  // one colon
            ("1:cpu:/\nx:memory:/\n", 2),  // id not a number
            ("1:cpu:/\n\n4294967296:memory:/\n", 3),  // id beyond UInt32; blank line still counts
            ("1:cpu:relative\n", 1),
        ]
        for (text, line) in cases {
            let error = F.parseError { () throws(ParseError) in _ = try CgroupMembership.parse(F.text(text)) }
            #expect(error?.line == line, "\(text)")
        }
    }

    @Test func versionDetection() {
        #expect(CgroupVersion.detect(root: F.path("cgroup/v2/container")) == .v2)
        #expect(CgroupVersion.detect(root: F.path("cgroup/v1/memory")) == .v1)
        #expect(CgroupVersion.detect(root: "/nonexistent") == .v1)
        // This host is hybrid: the tmpfs root is v1, its `unified` mount is v2.
        if FileManager.default.fileExists(atPath: "/sys/fs/cgroup/unified/cgroup.controllers") {
            #expect(CgroupVersion.detect(root: "/sys/fs/cgroup") == .v1)
            #expect(CgroupVersion.detect(root: "/sys/fs/cgroup/unified") == .v2)
        }
    }
}
