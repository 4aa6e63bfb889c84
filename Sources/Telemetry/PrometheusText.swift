/// Prometheus text exposition format 0.0.4, written straight into bytes.
public enum PrometheusText {
    public static func write(_ families: [MetricFamily], into out: inout [UInt8]) {
        PrometheusTextWriter.appending(to: &out) { writer in
            for family in families {
                writer.write(family)
            }
        }
    }

    /// One family, its `# HELP` and `# TYPE` lines even when it has no samples.
    public static func write(_ family: MetricFamily, into out: inout [UInt8]) {
        PrometheusTextWriter.appending(to: &out) { writer in
            writer.write(family)
            if family.samples.isEmpty { writer.writePendingHeader() }
        }
    }
}

/// Renders what collectors write as Prometheus text, into `bytes`. A family's `# HELP` and
/// `# TYPE` lines go out with its first sample, so a family without samples leaves no trace.
public struct PrometheusTextWriter: MetricWriter {
    public var bytes: [UInt8]
    private var name = ""
    private var help = ""
    private var kind = MetricFamily.Kind.gauge
    /// The current family's descriptor, when it came with one: its header is ready.
    private var descriptor: MetricDescriptor?
    private var headerPending = false
    private var inFamily = false

    public init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    public init(reservingCapacity capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Runs `body` with a writer that appends to `out` in place (no copy of what `out` holds).
    public static func appending<R>(to out: inout [UInt8], _ body: (inout PrometheusTextWriter) throws -> R) rethrows -> R {
        var writer = PrometheusTextWriter()
        swap(&writer.bytes, &out)
        defer { swap(&writer.bytes, &out) }
        return try body(&writer)
    }

    public mutating func family(_ name: String, help: String, kind: MetricFamily.Kind, unit: String) {
        self.name = name
        self.help = help
        self.kind = kind
        descriptor = nil
        headerPending = true
        inFamily = true
    }

    public mutating func family(_ descriptor: MetricDescriptor) {
        name = descriptor.name
        self.descriptor = descriptor
        headerPending = true
        inFamily = true
    }

    public mutating func sample(_ value: Double) {
        startSample()
        finishSample(value)
    }

    public mutating func sample(_ value: Double, _ label: (name: String, value: String)) {
        startSample()
        bytes.append(UInt8(ascii: "{"))
        appendLabel(label.name, label.value)
        bytes.append(UInt8(ascii: "}"))
        finishSample(value)
    }

    public mutating func sample(_ value: Double, _ first: (name: String, value: String), _ second: (name: String, value: String)) {
        startSample()
        bytes.append(UInt8(ascii: "{"))
        appendLabel(first.name, first.value)
        bytes.append(UInt8(ascii: ","))
        appendLabel(second.name, second.value)
        bytes.append(UInt8(ascii: "}"))
        finishSample(value)
    }

    public mutating func sample(_ value: Double, _ labels: Labels) {
        startSample()
        if !labels.pairs.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            for index in labels.pairs.indices {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendLabel(labels.pairs[index].name, labels.pairs[index].value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        finishSample(value)
    }

    public var checkpoint: Int { bytes.count }

    public mutating func rewind(to checkpoint: Int) {
        bytes.removeSubrange(checkpoint...)
        // The family in progress may have belonged to what was dropped; samples need a new one.
        headerPending = false
        inFamily = false
        descriptor = nil
    }

    private mutating func startSample() {
        precondition(inFamily, "a sample written before any family")
        writePendingHeader()
        append(name)
    }

    mutating func writePendingHeader() {
        if headerPending {
            headerPending = false
            if let descriptor {
                bytes.append(contentsOf: descriptor.textHeader)
                return
            }
            append("# HELP ")
            append(name)
            bytes.append(UInt8(ascii: " "))
            appendEscaped(help, quotes: false)
            append("\n# TYPE ")
            append(name)
            bytes.append(UInt8(ascii: " "))
            append(kind.rawValue)
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    private mutating func finishSample(_ value: Double) {
        bytes.append(UInt8(ascii: " "))
        appendValue(value)
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func appendLabel(_ name: String, _ value: String) {
        append(name)
        bytes.append(UInt8(ascii: "="))
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(value, quotes: true)
        bytes.append(UInt8(ascii: "\""))
    }

    /// One copy of the string's UTF-8 (native and small strings are always contiguous),
    /// instead of a generic append over the UTF-8 view.
    private mutating func append(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if copied == nil { bytes.append(contentsOf: text.utf8) }
    }

    /// Integers print without a fraction (`1024`, not `1024.0`), as Go's client does.
    private mutating func appendValue(_ value: Double) {
        if value.isNaN {
            append("NaN")
        } else if value.isInfinite {
            append(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value))
        } else {
            append(value.description)
        }
    }

    /// Digits straight into the buffer: most samples are integer counters, and a String
    /// per sample was a measurable part of a scrape.
    private mutating func appendInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: any Int64's digits
        withUnsafeMutableBytes(of: &scratch) { digits in
            var index = digits.count
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[index...]))
        }
    }

    /// HELP escapes `\` and newline; label values also escape `"`.
    private mutating func appendEscaped(_ text: String, quotes: Bool) {
        // Almost nothing needs escaping: one tight pass over contiguous bytes decides.
        let clean = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\"") {
                if byte != UInt8(ascii: "\"") || quotes { return false }
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        if clean == true { return }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\"") where quotes: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\""))
            default: bytes.append(byte)
            }
        }
    }
}
