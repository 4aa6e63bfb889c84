import Glibc

/// Standard error, written one whole line per write(2) so lines from concurrent tasks
/// never interleave on a pipe.
public enum StandardError {
    public static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // nowhere left to report a failure to report
                }
                offset += written
            }
        }
    }

    public static func writeLine(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        write(bytes)
    }
}
