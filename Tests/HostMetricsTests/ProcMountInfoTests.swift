import Testing
@testable import HostMetrics

@Suite struct ProcMountInfoTests {
    @Test func fieldsEscapesAndOptionalFields() throws {
        let info = try MountInfo.parse(try ProcFixture.bytes("handmade/mountinfo-edge"))
        #expect(info.mounts.count == 15)
        #expect(info.mounts[1] == MountInfo.Mount(
            mountID: 21, parentID: 1, major: 8, minor: 1, root: "/", mountPoint: "/",
            mountOptions: "rw,relatime", optionalFields: ["shared:1"], fsType: "ext4",
            source: "/dev/sda1", superOptions: "rw,errors=remount-ro"))
        let disk = info.mounts[5]
        #expect(disk.root == "/data")
        #expect(disk.mountPoint == "/mnt/my disk")
        #expect(disk.source == "/dev/sdb 1")
        #expect(disk.optionalFields == ["shared:30", "master:2", "propagate_from:3"])
        #expect(disk.fsType == "xfs")
        #expect(info.mounts[0].optionalFields.isEmpty)
        #expect(info.mounts[8].mountPoint == "/devices\\tab\tx")
        #expect(info.mounts[8].optionalFields == ["unbindable"])
    }

    @Test func readOnlyAtMountOrSuperblock() throws {
        let info = try MountInfo.parse(try ProcFixture.bytes("handmade/mountinfo-edge"))
        let byPoint = { (point: String) in info.mounts.first { $0.mountPoint == point }! }
        #expect(byPoint("/home").isReadOnly)          // read-only bind of a rw superblock
        #expect(info.mounts[8].isReadOnly)            // ro superblock
        #expect(!byPoint("/").isReadOnly)
        #expect(!MountInfo.Mount.hasOption("ro", in: "rw,errors=remount-ro"))
    }

    @Test func unescape() {
        #expect(MountInfo.unescape(ArraySlice(#"/a\040b\011c\012d\134e"#.utf8)) == "/a b\tc\nd\\e")
        // Not three octal digits: kept as written.
        #expect(MountInfo.unescape(ArraySlice(#"/a\09b\04"#.utf8)) == #"/a\09b\04"#)
        // \777 does not fit a byte: kept as written.
        #expect(MountInfo.unescape(ArraySlice(#"/x\777"#.utf8)) == #"/x\777"#)
        #expect(MountInfo.unescape(ArraySlice(#"\"#.utf8)) == #"\"#)
    }

    @Test func maximumIDsAndDeviceNumbersWithoutTrailingNewline() throws {
        let info = try MountInfo.parse(try ProcFixture.bytes("handmade/mountinfo-max"))
        #expect(info.mounts[0].mountID == UInt64.max)
        #expect(info.mounts[0].parentID == UInt64.max - 1)
        #expect(info.mounts[0].major == UInt32.max && info.mounts[0].minor == UInt32.max)
        let single = try MountInfo.parse(try ProcFixture.bytes("handmade/mountinfo-no-trailing-newline"))
        #expect(single.mounts.map(\.superOptions) == ["rw"])
    }

    @Test(arguments: [
        ("handmade/mountinfo-missing-separator", 2, "missing the \"-\" separator"),
        ("handmade/mountinfo-trailing-garbage", 2, "mount id: expected an unsigned integer, found \"garbage\""),
        ("handmade/mountinfo-extra-field", 1, "unexpected fields after the super options"),
        ("handmade/mountinfo-overflow", 1, "mount id: 18446744073709551616 is out of range for a 64-bit counter"),
        ("handmade/empty", nil, "empty file"),
    ] as [(String, Int?, String)])
    func malformedFixtures(path: String, line: Int?, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try MountInfo.parse(try! ProcFixture.bytes(path)) }
        #expect(error == ParseError(file: "/proc/self/mountinfo", line: line, message))
    }

    @Test(arguments: [
        ("1 1 8 / / rw - ext4 /dev/sda rw", "expected major:minor, found \"8\""),
        ("1 1 8:x / / rw - ext4 /dev/sda rw", "expected major:minor, found \"8:x\""),
        ("1 1 8:0 / / rw - ext4 /dev/sda", "missing super options"),
    ])
    func malformedInput(text: String, message: String) {
        let error = ProcFixture.error { () throws(ParseError) in try MountInfo.parse(Array(text.utf8)) }
        #expect(error == ParseError(file: "/proc/self/mountinfo", line: 1, message))
    }

    @Test func capturedFileFromThisMachine() throws {
        let bytes = try ProcFixture.bytes("live/mountinfo")
        let info = try MountInfo.parse(bytes)
        #expect(info.mounts.count == bytes.filter { $0 == UInt8(ascii: "\n") }.count)
        let root = try #require(info.mounts.first { $0.mountPoint == "/" })
        #expect(root.fsType == "ext4" && root.source == "/dev/vda" && root.major == 254)
        #expect(root.superOptions.hasPrefix("rw,"))
    }
}
