/// Which keys of one mapping the decoded types asked about.
///
/// Asking is what counts (`decode`, `decodeIfPresent`, `contains`, nested containers),
/// not finding: a type that asks for `timeout` and gets its default still "knows" the
/// key, so a misspelt `timout` next to it can be reported with a suggestion.
struct KeyUsage {
    var requested: Set<String> = []
    /// Set when a type read `allKeys` (a dictionary, or a type interpreting keys itself):
    /// it took responsibility for every key, so none of them is unknown.
    var acceptsAll = false
}
