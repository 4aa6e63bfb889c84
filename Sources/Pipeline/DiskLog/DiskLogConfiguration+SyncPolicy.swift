extension DiskLogConfiguration {
    /// When appended bytes are forced to stable storage. Whatever the policy, the
    /// acknowledgement file is always written with fsync + rename + directory fsync, and
    /// `close()` syncs, because a lost acknowledgement means replaying everything.
    public enum SyncPolicy: Sendable, Hashable {
        /// fdatasync before `append` returns: an appended batch survives power loss.
        case always
        /// fdatasync on the first append after the interval has passed; the owner also calls
        /// `sync()` on a timer, so at most one interval of appends is lost on power loss.
        /// A process crash (SIGKILL) loses nothing either way: the page cache survives it.
        case interval(Duration)
        /// Leave flushing to the kernel (still survives SIGKILL, not power loss).
        case never
    }
}
