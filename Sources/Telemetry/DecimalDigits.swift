/// Decimal digits straight into a byte buffer, no `String` per number.
public enum DecimalDigits {
    /// Digits of `value`, left-padded with zeros to `minimumWidth`.
    public static func append(_ value: UInt64, minimumWidth: Int = 1, to out: inout [UInt8]) {
        var width = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            width += 1
        }
        width = max(width, minimumWidth)
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var index = out.count - 1
        var rest = value
        while rest > 0 {
            out[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
            index -= 1
        }
    }
}
