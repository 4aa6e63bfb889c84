#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands `${VAR}` and `${VAR:-default}` in configuration values, shell style.
///
/// Substitution works on parsed scalar values, never on the raw file, so a variable
/// can never change the document's structure (a value containing `: ` or a newline
/// stays one value), and every mark still points at what the author wrote.
///
/// - `${VAR}`: the value of VAR; an error if VAR is unset. Set but empty gives "".
/// - `${VAR:-default}`: the default when VAR is unset *or* empty, like the shell.
/// - `$${`: a literal `${`. A `$` not followed by `{` is always literal, so prices and
///   regular expressions need no escaping.
public struct EnvironmentSubstitution: Sendable {
    private let environment: [String: String]

    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// A snapshot of this process's environment, taken now: later `setenv` calls are not
    /// seen, which keeps one decode consistent with itself.
    public static func processEnvironment() -> EnvironmentSubstitution {
        var variables: [String: String] = [:]
        #if canImport(Darwin)
        var cursor = _NSGetEnviron().pointee
        #else
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        #endif
        while let entry = cursor?.pointee {
            let pair = String(cString: entry)
            if let equals = pair.firstIndex(of: "=") {
                let name = String(pair[..<equals])
                // The first definition wins, as with getenv(3).
                if variables[name] == nil {
                    variables[name] = String(pair[pair.index(after: equals)...])
                }
            }
            cursor = cursor?.advanced(by: 1)
        }
        return EnvironmentSubstitution(variables)
    }

    public func apply(to text: String) throws(SubstitutionError) -> String {
        // Most values contain no `$`; they are returned untouched without re-encoding.
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }

        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            guard byte == UInt8(ascii: "$") else {
                output.append(byte)
                index += 1
                continue
            }
            if input[index...].starts(with: "$${".utf8) {
                output.append(contentsOf: "${".utf8)
                index += 3
            } else if input[index...].starts(with: "${".utf8) {
                index = try expandReference(in: input, at: index, into: &output)
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Expands the `${...}` starting at `start` and returns the index just past its `}`.
    private func expandReference(in input: [UInt8], at start: Int, into output: inout [UInt8]) throws(SubstitutionError) -> Int {
        guard let close = input[start...].firstIndex(of: UInt8(ascii: "}")) else {
            throw SubstitutionError(message: "unterminated \"${\" (write $${ for a literal \"${\")")
        }
        let reference = input[(start + 2)..<close]
        let whole = String(decoding: input[start...close], as: UTF8.self)

        let nameEnd = reference.firstIndex { !Self.isNameByte($0) } ?? reference.endIndex
        let name = String(decoding: reference[..<nameEnd], as: UTF8.self)
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            throw SubstitutionError(message: "invalid environment variable name in \(quoted(whole)) "
                + "(names are letters, digits and underscores, not starting with a digit)")
        }

        let rest = reference[nameEnd...]
        let fallback: ArraySlice<UInt8>?
        if rest.isEmpty {
            fallback = nil
        } else if rest.starts(with: ":-".utf8) {
            fallback = rest.dropFirst(2)
        } else {
            throw SubstitutionError(message: "invalid environment variable reference \(quoted(whole)) "
                + "(write ${\(name)} or ${\(name):-default})")
        }

        switch (environment[name], fallback) {
        case (let value?, nil):
            output.append(contentsOf: value.utf8)
        case (let value?, let fallback?):
            output.append(contentsOf: value.isEmpty ? Array(fallback) : Array(value.utf8))
        case (nil, let fallback?):
            output.append(contentsOf: fallback)
        case (nil, nil):
            throw SubstitutionError(message: "environment variable \(quoted(name)) is not set "
                + "(write ${\(name):-default} to give a default)")
        }
        return close + 1
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
