/// A libyaml event copied into Swift values.
///
/// Copying out of `yaml_event_t` right away means the C memory can be released
/// immediately after each event, and the tree builder can be exercised with plain
/// Swift values, without libyaml in the loop.
enum ParserEvent: Sendable, Hashable {
    case streamStart
    case streamEnd
    case documentStart(Mark)
    case documentEnd
    case alias(anchor: String, mark: Mark)
    case scalar(String, style: Node.ScalarStyle, tag: String?, anchor: String?, mark: Mark)
    case sequenceStart(tag: String?, anchor: String?, mark: Mark)
    case sequenceEnd
    case mappingStart(tag: String?, anchor: String?, mark: Mark)
    case mappingEnd
}
