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
        writeSample(value, nil, nil, nil)
    }

    public mutating func sample(_ value: Double, _ label: (name: String, value: String)) {
        writeSample(value, label, nil, nil)
    }

    public mutating func sample(_ value: Double, _ first: (name: String, value: String), _ second: (name: String, value: String)) {
        writeSample(value, first, second, nil)
    }

    public mutating func sample(_ value: Double, _ labels: Labels) {
        writeSample(value, nil, nil, labels)
    }

    public var checkpoint: Int { bytes.count }

    /// Histograms as their classic `_bucket{le}`, `_sum` and `_count` lines under one
    /// `# TYPE … histogram` header; counters and gauges as samples.
    public mutating func write(_ family: MetricFamily) {
        self.family(family.name, help: family.help, kind: family.kind, unit: family.unit)
        guard family.kind == .histogram else {
            for sample in family.samples { self.sample(sample.value, sample.labels) }
            return
        }
        for sample in family.samples {
            guard let histogram = sample.histogram else { continue }
            writePendingHeader()
            histogram.forEachClassicSeries { suffix, le, value in
                var labels = sample.labels
                if let le { labels.pairs.append((name: "le", value: le)) }
                bytes.appendSample(family.name + suffix.rawValue, value, nil, nil, labels)
            }
        }
    }

    public mutating func rewind(to checkpoint: Int) {
        bytes.removeSubrange(checkpoint...)
        // The family in progress may have belonged to what was dropped; samples need a new one.
        headerPending = false
        inFamily = false
        descriptor = nil
    }

    /// A sample line is put together on the stack and appended in one go: a dozen small
    /// appends to the array per sample (each a uniqueness and capacity check, and a copy
    /// call) were most of the cost of rendering. A line too long for the scratch space is
    /// rendered straight into the array.
    private mutating func writeSample(
        _ value: Double, _ first: (name: String, value: String)?, _ second: (name: String, value: String)?, _ labels: Labels?
    ) {
        precondition(inFamily, "a sample written before any family")
        writePendingHeader()
        let name = self.name
        let done = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { scratch -> Bool in
            var line = LineBuffer(scratch)
            line.appendSample(name, value, first, second, labels)
            guard !line.overflowed else { return false }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<line.count]))
            return true
        }
        if !done { bytes.appendSample(name, value, first, second, labels) }
    }

    mutating func writePendingHeader() {
        if headerPending {
            headerPending = false
            if let descriptor {
                bytes.append(contentsOf: descriptor.textHeader)
                return
            }
            bytes.appendText("# HELP ")
            bytes.appendText(name)
            bytes.append(UInt8(ascii: " "))
            bytes.appendEscaped(help, quotes: false)
            bytes.appendText("\n# TYPE ")
            bytes.appendText(name)
            bytes.append(UInt8(ascii: " "))
            bytes.appendText(kind.prometheusType)
            bytes.append(UInt8(ascii: "\n"))
        }
    }
}

/// Where rendered text goes: the output array, or the scratch line a sample is put
/// together in.
private protocol ByteSink {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
}

extension [UInt8]: ByteSink {}

/// Fixed scratch space; what does not fit sets `overflowed` and is dropped.
private struct LineBuffer: ByteSink {
    let scratch: UnsafeMutableBufferPointer<UInt8>
    var count = 0
    var overflowed = false

    init(_ scratch: UnsafeMutableBufferPointer<UInt8>) {
        self.scratch = scratch
    }

    mutating func append(_ byte: UInt8) {
        guard count < scratch.count else {
            overflowed = true
            return
        }
        scratch[count] = byte
        count += 1
    }

    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= scratch.count - count else {
            overflowed = true
            return
        }
        if let source = bytes.baseAddress {
            (scratch.baseAddress! + count).update(from: source, count: bytes.count)
        }
        count += bytes.count
    }
}

extension ByteSink {
    mutating func appendSample(
        _ name: String, _ value: Double, _ first: (name: String, value: String)?, _ second: (name: String, value: String)?,
        _ labels: Labels?
    ) {
        appendText(name)
        if let first {
            append(UInt8(ascii: "{"))
            appendLabel(first.name, first.value)
            if let second {
                append(UInt8(ascii: ","))
                appendLabel(second.name, second.value)
            }
            append(UInt8(ascii: "}"))
        } else if let labels, !labels.pairs.isEmpty {
            append(UInt8(ascii: "{"))
            for index in labels.pairs.indices {
                if index > 0 { append(UInt8(ascii: ",")) }
                appendLabel(labels.pairs[index].name, labels.pairs[index].value)
            }
            append(UInt8(ascii: "}"))
        }
        append(UInt8(ascii: " "))
        appendValue(value)
        append(UInt8(ascii: "\n"))
    }

    mutating func appendLabel(_ name: String, _ value: String) {
        appendText(name)
        append(UInt8(ascii: "="))
        append(UInt8(ascii: "\""))
        appendEscaped(value, quotes: true)
        append(UInt8(ascii: "\""))
    }

    /// One copy of the string's UTF-8 (native and small strings are always contiguous),
    /// instead of a generic append over the UTF-8 view.
    mutating func appendText(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if copied == nil {
            for byte in text.utf8 { append(byte) }
        }
    }

    /// Integers print without a fraction (`1024`, not `1024.0`), as Go's client does.
    mutating func appendValue(_ value: Double) {
        if value.isNaN {
            appendText("NaN")
        } else if value.isInfinite {
            appendText(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value))
        } else {
            appendText(value.description)
        }
    }

    /// Digits straight into the output: most samples are integer counters, and a String
    /// per sample was a measurable part of a scrape.
    mutating func appendInteger(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in  // any Int64's digits
            var index = digits.count
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    /// HELP escapes `\` and newline; label values also escape `"`.
    mutating func appendEscaped(_ text: String, quotes: Bool) {
        // Almost nothing needs escaping: one tight pass over contiguous bytes decides.
        let clean = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\"") {
                if byte != UInt8(ascii: "\"") || quotes { return false }
            }
            append(contentsOf: utf8)
            return true
        }
        if clean == true { return }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append(UInt8(ascii: "\\")); append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): append(UInt8(ascii: "\\")); append(UInt8(ascii: "n"))
            case UInt8(ascii: "\"") where quotes: append(UInt8(ascii: "\\")); append(UInt8(ascii: "\""))
            default: append(byte)
            }
        }
    }
}
