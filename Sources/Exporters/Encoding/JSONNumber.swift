import Telemetry

/// Numbers written straight into a byte buffer, without a `String` for the common cases.
enum JSONNumber {
    /// JSON has no NaN or infinities; the formats we write spell them as strings, and the
    /// spelling differs by format.
    enum NonFiniteSpelling {
        /// `"NaN"`, `"+Inf"`, `"-Inf"`: Prometheus exposition, for our own flat shapes.
        case prometheus
        /// `"NaN"`, `"Infinity"`, `"-Infinity"`: the proto3 JSON mapping OTLP/JSON uses
        /// (which also writes negative zero as `-0`).
        case protobuf
    }

    /// A 64-bit integer as the proto3 JSON mapping (and so OTLP/JSON) writes it: a decimal
    /// string, because JavaScript numbers lose digits past 2^53.
    static func appendQuoted(_ value: UInt64, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        DecimalDigits.append(value, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// OTLP's fixed64 nanoseconds since the epoch, quoted; a time before 1970, which OTLP
    /// cannot say, is 0 ("unset").
    static func appendUnixNano(_ time: Timestamp, to out: inout [UInt8]) {
        appendQuoted(UInt64(clamping: time.nanosecondsSinceEpoch), to: &out)
    }

    /// `key` (`,"name":`) and a uint32, unless it is zero: proto3 JSON leaves out default
    /// values, and our flat shapes omit absent fields.
    static func appendMember(_ key: StaticString, _ value: UInt32, to out: inout [UInt8]) {
        guard value != 0 else { return }
        out.appendLiteral(key)
        DecimalDigits.append(UInt64(value), to: &out)
    }

    static func append(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        DecimalDigits.append(value.magnitude, to: &out)
    }

    /// Integral values without a fraction (`42`, not `42.0`: counters read as integers);
    /// others as Swift's shortest round-trip form, which is valid JSON (`0.1`, `1e-05`).
    static func append(_ value: Double, nonFinite: NonFiniteSpelling, to out: inout [UInt8]) {
        guard value.isFinite else {
            let text: StaticString = switch (value.isNaN, value < 0, nonFinite) {
            case (true, _, _): "\"NaN\""
            case (false, false, .prometheus): "\"+Inf\""
            case (false, true, .prometheus): "\"-Inf\""
            case (false, false, .protobuf): "\"Infinity\""
            case (false, true, .protobuf): "\"-Infinity\""
            }
            text.withUTF8Buffer { out.append(contentsOf: $0) }
            return
        }
        // Proto3 JSON keeps the sign of zero, so an OTLP double reads back bit for bit;
        // Prometheus text has no negative zero.
        if nonFinite == .protobuf, value == 0, value.sign == .minus {
            out.appendLiteral("-0")
            return
        }
        // Every integral double in Int64's range converts exactly, and its digits read back
        // as the same double; beyond that the exponent form is shorter anyway.
        if value.rounded(.towardZero) == value, value >= -0x1p63, value < 0x1p63 {
            append(Int64(value), to: &out)
            return
        }
        var text = value.description
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}
