import CYAML

/// Owns a libyaml parser over one input buffer and hands out its events one at a time.
///
/// A class so that `deinit` releases the parser on every path out, including errors
/// thrown halfway through a document. The input buffer is not copied by libyaml, so
/// a reader must not outlive the buffer it was created with; `YAMLParser` guarantees
/// that by keeping both inside one `withUnsafeBufferPointer` scope.
final class EventReader {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeBufferPointer<UInt8>
    private let file: String

    /// `input` must not be empty: libyaml asserts on the null base address an empty buffer may have.
    init(input: UnsafeBufferPointer<UInt8>, file: String) throws(YAMLError) {
        precondition(!input.isEmpty, "EventReader needs a non-empty input")
        // Set up before any stored property is assigned, so that a failure here cannot
        // reach `deinit` and release the parser twice.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw YAMLError(file: file, mark: nil, path: "", message: "cannot initialize the YAML parser (out of memory)")
        }
        yaml_parser_set_input_string(parser, input.baseAddress, input.count)
        self.parser = parser
        self.input = input
        self.file = file
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    func next() throws(YAMLError) -> ParserEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            throw syntaxError()
        }
        defer { yaml_event_delete(&event) }
        return Self.convert(event)
    }

    private static func convert(_ event: yaml_event_t) -> ParserEvent {
        let mark = Mark(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(mark)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(anchor: string(event.data.alias.anchor) ?? "", mark: mark)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            return .scalar(text, style: Node.ScalarStyle(scalar.style), tag: string(scalar.tag),
                           anchor: string(scalar.anchor), mark: mark)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(tag: string(start.tag), anchor: string(start.anchor), mark: mark)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(tag: string(start.tag), anchor: string(start.anchor), mark: mark)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            // YAML_NO_EVENT is only produced alongside an error, which `next()` has already thrown.
            return .streamEnd
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// libyaml's own words, at its own mark, plus the construct it was inside when that
    /// is known ("while parsing a block mapping"), which often points at the real mistake
    /// (an unclosed bracket, a mis-indented line) better than where parsing gave up.
    private func syntaxError() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "invalid YAML"
        if state.error == YAML_READER_ERROR {
            // Encoding errors carry a byte offset rather than a mark.
            return YAMLError(file: file, mark: Self.mark(ofByte: Int(state.problem_offset), in: input),
                             path: "", message: problem)
        }
        let mark = Mark(state.problem_mark)
        var message = problem
        if let context = state.context.map({ String(cString: $0) }), Mark(state.context_mark) != mark {
            message += " (\(context) started at \(Mark(state.context_mark)))"
        }
        return YAMLError(file: file, mark: mark, path: "", message: message)
    }

    private static func mark(ofByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> Mark {
        var mark = Mark.start
        for byte in input.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                mark.line += 1
                mark.column = 1
            } else if byte & 0b1100_0000 != 0b1000_0000 {
                // Continuation bytes do not start a new column.
                mark.column += 1
            }
        }
        return mark
    }
}

extension Mark {
    init(_ mark: yaml_mark_t) {
        self.init(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }
}

extension Node.ScalarStyle {
    init(_ style: yaml_scalar_style_t) {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: self = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: self = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: self = .literal
        case YAML_FOLDED_SCALAR_STYLE: self = .folded
        default: self = .plain
        }
    }
}
