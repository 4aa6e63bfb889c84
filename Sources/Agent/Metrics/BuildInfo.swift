import CBuildInfo

/// What `outrider version` prints and `outrider_build_info` exports.
public enum BuildInfo {
    public static let version = "0.1.0"

    public static var gitCommit: String { String(cString: outrider_git_commit()) }

    public static var swiftVersion: String {
        #if swift(>=6.4)
        "6.4+"
        #elseif swift(>=6.3)
        "6.3"
        #elseif swift(>=6.2)
        "6.2"
        #elseif swift(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }
}
