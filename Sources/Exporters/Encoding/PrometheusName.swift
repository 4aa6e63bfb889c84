/// Prometheus' name charsets, which Loki shares for its labels: metric names
/// `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`. Names from OpenTelemetry
/// (`http.server.duration`, `k8s.pod.name`) only have their characters mapped, each one
/// outside the charset to `_` (`http_server_duration`), and a leading digit prefixed; no
/// suffix is added. The OpenTelemetry Collector's Prometheus exporters by default also
/// append the unit and, for counters, `_total` (`http_server_duration_seconds`), so a series
/// written here keeps the producer's name and may differ from what a Collector would have
/// written. Host metrics already have node_exporter's names and pass unchanged.
public enum PrometheusName {
    /// A valid metric name: each character outside the charset becomes `_`, and a leading
    /// digit gets a `_` prefix. Valid names (every host metric) come back unchanged.
    public static func metric(_ name: String) -> String {
        if isValidMetricName(name) { return name }
        return sanitize(name, allowColon: true, digitPrefix: "_")
    }

    /// A valid label name: each character outside the charset becomes `_`, and a leading
    /// digit gets a `key_` prefix. Empty stays empty (callers drop the label).
    public static func label(_ name: String) -> String {
        if name.isEmpty || isValidLabelName(name) { return name }
        return sanitize(name, allowColon: false, digitPrefix: "key_")
    }

    public static func isValidLabelName(_ name: String) -> Bool {
        isValid(name, allowColon: false)
    }

    public static func isValidMetricName(_ name: String) -> Bool {
        isValid(name, allowColon: true)
    }

    private static func isValid(_ name: String, allowColon: Bool) -> Bool {
        var first = true
        for byte in name.utf8 {
            guard isNameByte(byte, allowColon: allowColon) else { return false }
            if first, isDigit(byte) { return false }
            first = false
        }
        return !first
    }

    /// Per Unicode scalar, not per byte: `résumé` becomes `r_sum_`, one `_` per character.
    private static func sanitize(_ name: String, allowColon: Bool, digitPrefix: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count + digitPrefix.utf8.count)
        for scalar in name.unicodeScalars {
            let value = scalar.value
            if value < 0x80, isNameByte(UInt8(value), allowColon: allowColon) {
                out.append(UInt8(value))
            } else {
                out.append(UInt8(ascii: "_"))
            }
        }
        if let first = out.first, isDigit(first) { out.insert(contentsOf: digitPrefix.utf8, at: 0) }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    private static func isNameByte(_ byte: UInt8, allowColon: Bool) -> Bool {
        (byte | 0x20) &- UInt8(ascii: "a") < 26 || isDigit(byte) || byte == UInt8(ascii: "_")
            || (allowColon && byte == UInt8(ascii: ":"))
    }
}
