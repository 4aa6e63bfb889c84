/// Decimal digits straight into a byte buffer, no `String` per number.
public enum DecimalDigits {
    /// Digits of `value`, left-padded with zeros to `minimumWidth`: written backwards into a
    /// stack buffer pre-filled with "0", then one append.
    public static func append(_ value: UInt64, minimumWidth: Int = 1, to out: inout [UInt8]) {
        if minimumWidth > 24 { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: minimumWidth - 24)) }
        let zeros: UInt64 = 0x3030_3030_3030_3030
        var buffer = (zeros, zeros, zeros)  // 24 bytes; UInt64.max has 20 digits
        withUnsafeMutableBytes(of: &buffer) { raw in
            var index = 24
            var rest = value
            repeat {
                index -= 1
                raw[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            let start = min(index, 24 - min(minimumWidth, 24))
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start...]))
        }
    }
}
