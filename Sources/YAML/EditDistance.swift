extension String {
    /// Levenshtein distance over characters, for "did you mean" suggestions. Keys are
    /// short, so the plain two-row dynamic programme is plenty.
    func editDistance(to other: String) -> Int {
        let source = Array(self)
        let target = Array(other)
        guard !source.isEmpty else { return target.count }
        guard !target.isEmpty else { return source.count }

        var previous = Array(0...target.count)
        var current = [Int](repeating: 0, count: target.count + 1)
        for (row, sourceCharacter) in source.enumerated() {
            current[0] = row + 1
            for (column, targetCharacter) in target.enumerated() {
                let substitution = previous[column] + (sourceCharacter == targetCharacter ? 0 : 1)
                current[column + 1] = Swift.min(substitution, previous[column + 1] + 1, current[column] + 1)
            }
            swap(&previous, &current)
        }
        return previous[target.count]
    }
}

extension String {
    /// The candidate this string is most likely a misspelling of: at most two edits away,
    /// or up to a third of the longer word's length, since two edits is too strict for
    /// long keys (`drop_new` for `drop_newest`). Ties go to the alphabetically first
    /// candidate so messages are stable.
    public func closestMatch(among candidates: some Sequence<String>) -> String? {
        candidates
            .filter { $0 != self }
            .map { (candidate: $0, distance: editDistance(to: $0)) }
            .filter { $0.distance <= Swift.max(2, Swift.max(count, $0.candidate.count) / 3) }
            .min { ($0.distance, $0.candidate) < ($1.distance, $1.candidate) }?
            .candidate
    }
}
