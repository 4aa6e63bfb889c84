import Foundation

/// Reads Prometheus text exposition into samples, for tests that compare two scrapes.
public struct PrometheusExposition: Sendable {
    /// metric name → canonical label set (`a="x",b="y"`, sorted by name) → value
    public var samples: [String: [String: Double]] = [:]
    /// metric name → TYPE
    public var types: [String: String] = [:]

    public init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count >= 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") || line.isEmpty { continue }
            guard let (name, labels, value) = Self.sample(line) else { continue }
            samples[name, default: [:]][labels] = value
        }
    }

    public var names: Set<String> { Set(samples.keys) }

    static func sample(_ line: Substring) -> (String, String, Double)? {
        var name = Substring("")
        var labels: [(String, String)] = []
        var rest: Substring
        if let brace = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") {
            name = line[..<brace]
            var inner = line[line.index(after: brace)..<close]
            while !inner.isEmpty {
                guard let equals = inner.firstIndex(of: "=") else { break }
                let key = inner[..<equals].trimmingCharacters(in: .init(charactersIn: ", "))
                var index = inner.index(equals, offsetBy: 2)  // skip ="
                var value = ""
                while index < inner.endIndex, inner[index] != "\"" {
                    if inner[index] == "\\", inner.index(after: index) < inner.endIndex {
                        index = inner.index(after: index)
                        value.append(inner[index] == "n" ? "\n" : inner[index])
                    } else {
                        value.append(inner[index])
                    }
                    index = inner.index(after: index)
                }
                labels.append((key, value))
                inner = index < inner.endIndex ? inner[inner.index(after: index)...] : ""
            }
            rest = line[line.index(after: close)...]
        } else {
            guard let space = line.firstIndex(of: " ") else { return nil }
            name = line[..<space]
            rest = line[space...]
        }
        let fields = rest.split(separator: " ")
        guard let first = fields.first, let value = Double(first) ?? (first == "+Inf" ? .infinity : nil) else { return nil }
        let canonical = labels.sorted { $0.0 < $1.0 }.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",")
        return (String(name), canonical, value)
    }
}


