/// Why a segment header was rejected; it becomes a recovery note, never a thrown error.
struct SegmentHeaderProblem: Error, Hashable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
