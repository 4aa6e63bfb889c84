#if canImport(Glibc)
import Telemetry
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The persisted acknowledged position, file `ack` in the log directory:
///
///     0  magic "OACK"             4 bytes
///     4  version (1)              u16 LE
///     6  flags (0)                u16 LE
///     8  acknowledged position    u64 LE
///    16  CRC32C of bytes 0..<16   u32 LE
///
/// Written to `ack.tmp`, fsynced, renamed over `ack`, then the directory fsynced: a reader
/// sees the old value or the new one, never a mix. A crash before the rename leaves
/// `ack.tmp` behind, which recovery deletes unread.
enum AcknowledgementFile {
    static let name = "ack"
    static let temporaryName = "ack.tmp"
    static let size = 20
    static let magic: [UInt8] = Array("OACK".utf8)

    static func encoded(_ position: UInt64) -> [UInt8] {
        var bytes = magic
        LittleEndianBytes.append(UInt16(1), to: &bytes)
        LittleEndianBytes.append(UInt16(0), to: &bytes)
        LittleEndianBytes.append(position, to: &bytes)
        LittleEndianBytes.append(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count == size, Array(bytes[0..<4]) == magic,
              LittleEndianBytes.uint16(bytes, at: 4) == 1,
              CRC32C.checksum(Array(bytes[0..<16])) == LittleEndianBytes.uint32(bytes, at: 16)
        else { return nil }
        return LittleEndianBytes.uint64(bytes, at: 8)
    }

    /// The stored position; nil if there is no file yet. A damaged file throws `.corrupt`.
    static func read(directory: String) throws(DiskLogError) -> UInt64? {
        let path = directory + "/" + name
        let fd: Int32
        do {
            fd = try DiskLogFiles.openFile(path, O_RDONLY)
        } catch {
            if case let .io(_, _, code) = error, code == ENOENT { return nil }
            throw error
        }
        defer { DiskLogFiles.closeFile(fd) }
        let bytes = try DiskLogFiles.read(fd, count: size + 1, at: 0, path: path)
        guard let position = decode(bytes) else {
            throw .corrupt(path: path, offset: 0, reason: "invalid acknowledgement file (\(bytes.count) bytes)")
        }
        return position
    }

    /// The fallback when the disk is too full for `write`'s new file: the 20 bytes are
    /// rewritten in place in the existing file's already allocated block. One small write
    /// within a sector is not torn in practice; if it were, recovery finds the file corrupt
    /// and replays everything present — duplicates, never loss.
    static func overwrite(_ position: UInt64, directory: String) throws(DiskLogError) {
        let path = directory + "/" + name
        let fd = try DiskLogFiles.openFile(path, O_WRONLY)
        defer { DiskLogFiles.closeFile(fd) }
        try DiskLogFiles.write(fd, encoded(position), at: 0, path: path)
        try DiskLogFiles.sync(fd, path: path)
    }

    static func write(_ position: UInt64, directory: String, directoryFD: Int32) throws(DiskLogError) {
        let temporary = directory + "/" + temporaryName
        let fd = try DiskLogFiles.openFile(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try DiskLogFiles.write(fd, encoded(position), at: 0, path: temporary)
            try DiskLogFiles.sync(fd, path: temporary)
        } catch {
            DiskLogFiles.closeFile(fd)
            try? DiskLogFiles.unlinkFile(temporary)
            throw error
        }
        DiskLogFiles.closeFile(fd)
        try DiskLogFiles.renameFile(temporary, directory + "/" + name)
        try DiskLogFiles.sync(directoryFD, path: directory)
    }
}
