/// How values are shown inside error messages.
///
/// Values are quoted and escaped so that an empty string, trailing spaces or a stray
/// newline are visible, and shortened so that a long literal block does not bury the
/// message it appears in.
func quoted(_ text: String) -> String {
    let limit = 60
    var body = ""
    for (offset, character) in text.enumerated() {
        if offset == limit {
            body += "…"
            break
        }
        switch character {
        case "\"": body += "\\\""
        case "\\": body += "\\\\"
        case "\n": body += "\\n"
        case "\r\n": body += "\\r\\n"
        case "\r": body += "\\r"
        case "\t": body += "\\t"
        default: body.append(character)
        }
    }
    return "\"" + body + "\""
}

extension Node {
    /// What the node is, for "expected X, got Y" messages: `a mapping`, `a list`,
    /// `null`, or `a string "x"`.
    var summary: String {
        if isNull { return "null" }
        return switch kind {
        case .scalar(let text, _): "a string \(quoted(text))"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// Like `summary`, but a scalar is shown as just its quoted text, for messages where
    /// the expected type already says a scalar was wanted (`expected true or false, got "yes"`).
    var valueSummary: String {
        if !isNull, let text = scalarValue { return quoted(text) }
        return summary
    }
}
