/// A non-negative decimal number as written (`1.5`), kept as digits rather than a
/// `Double` so that scaling by a unit is exact: `1.1s` is 1 100 000 000 ns, not 1 099 999 999.
struct DecimalNumber {
    var whole: Int64
    /// The fraction as `fractionDigits / 10^fractionScale`; digits beyond 18 are dropped,
    /// being far below a nanosecond or a byte for every unit used here.
    var fractionDigits: Int64
    var fractionScale: Int

    /// Reads `[0-9]*(\.[0-9]*)?` (with at least one digit) from the start of `text` and
    /// returns the number and what follows it; nil if there is no number or it overflows.
    static func prefix(of text: Substring) -> (number: DecimalNumber, rest: Substring)? {
        let wholeDigits = text.prefix { $0.isASCII && $0.isNumber }
        var rest = text.dropFirst(wholeDigits.count)
        var fraction: Substring = ""
        if rest.first == "." {
            fraction = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(1 + fraction.count)
        }
        let kept = fraction.prefix(18)
        guard !wholeDigits.isEmpty || !fraction.isEmpty,
              let whole = wholeDigits.isEmpty ? 0 : Int64(wholeDigits),
              let fractionDigits = kept.isEmpty ? 0 : Int64(kept) else {
            return nil
        }
        return (DecimalNumber(whole: whole, fractionDigits: fractionDigits, fractionScale: kept.count), rest)
    }

    /// `self × unit`, truncated toward zero; nil if it does not fit in an Int64.
    func scaled(by unit: Int64) -> Int64? {
        let (wholePart, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        var scale: Int64 = 1
        for _ in 0..<fractionScale { scale *= 10 }
        // fractionDigits < scale, so the quotient is below `unit` and always fits.
        let fractionPart = scale.dividingFullWidth(fractionDigits.multipliedFullWidth(by: unit)).quotient
        let (total, sumOverflow) = wholePart.addingReportingOverflow(fractionPart)
        return sumOverflow ? nil : total
    }
}
