#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import YAML

/// A decoder whose environment is exactly `variables`, so tests never depend on the
/// machine they run on.
func decoder(_ variables: [String: String] = [:]) -> YAMLDecoder {
    YAMLDecoder(environment: EnvironmentSubstitution(variables))
}

func parse(_ text: String) throws(YAMLError) -> Node {
    try YAMLParser.parse(Array(text.utf8), file: "test.yaml")
}

/// The bytes of `Fixtures/<name>`, found next to this source file so that no resource
/// bundle (and no Foundation) is needed to locate them.
func fixture(_ name: String) throws -> [UInt8] {
    let directory = #filePath[..<#filePath.lastIndex(of: "/")!]
    let path = "\(directory)/Fixtures/\(name)"
    guard let handle = fopen(path, "rb") else {
        throw FixtureError(path: path)
    }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&chunk, 1, chunk.count, handle)
        guard count > 0 else { break }
        bytes += chunk[..<count]
    }
    return bytes
}

struct FixtureError: Error, CustomStringConvertible {
    let path: String
    var description: String { "cannot read fixture \(path)" }
}

/// A compact rendering of a node tree for table-driven assertions: mappings as
/// `{k: v}`, lists as `[a, b]`, plain scalars bare, null as `~`, any other style quoted.
func sketch(_ node: Node) -> String {
    switch node.kind {
    case .scalar(let text, let style):
        if node.isNull { return "~" }
        return style == .plain ? text : quotedForSketch(text)
    case .sequence(let items):
        return "[" + items.map(sketch).joined(separator: ", ") + "]"
    case .mapping(let pairs):
        return "{" + pairs.map { "\(sketch($0.key)): \(sketch($0.value))" }.joined(separator: ", ") + "}"
    }
}

private func quotedForSketch(_ text: String) -> String {
    var escaped = ""
    for character in text {
        switch character {
        case "\n": escaped += "\\n"
        case "\t": escaped += "\\t"
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        default: escaped.append(character)
        }
    }
    return "\"\(escaped)\""
}
