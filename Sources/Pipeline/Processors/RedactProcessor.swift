import Telemetry

/// The `redact` processor: masks secrets and personal data before anything leaves the pod.
///
/// It scans log bodies and string attribute values (log records, spans and their events,
/// and the resource if asked) for the selected `RedactPattern`s and user literals, and
/// replaces each match with `replacement`. Bodies are scanned as bytes in one pass; a
/// `String` is only rebuilt when one of its values actually matched. Matches are counted
/// per pattern in `matches`, so /metrics shows what is being caught.
public struct RedactProcessor: Processor {
    public let name: String
    /// Matches by pattern name (`RedactPattern.rawValue`, `literal` for user strings).
    public let matches: CounterSet
    public let redactsResource: Bool
    let scanner: RedactScanner

    /// - Parameters:
    ///   - name: the processor's name in the config.
    ///   - patterns: built-in patterns to mask (`patterns: [bearer_token, email]`); the
    ///     config maps names with `RedactPattern(rawValue:)` and lists `allCases` on a typo.
    ///   - literals: exact strings to mask wherever they occur, case-sensitive (a known
    ///     test account, an internal hostname). Empty strings are ignored.
    ///   - replacement: what a match becomes (default `[REDACTED]`); may be empty.
    ///   - redactResource: whether resource attribute values are scanned too (default
    ///     false: they come from config and the Downward API, not from user input).
    public init(
        name: String, patterns: [RedactPattern], literals: [String] = [], replacement: String = "[REDACTED]",
        redactResource: Bool = false
    ) {
        self.name = name
        scanner = RedactScanner(patterns: Set(patterns), literals: literals, replacement: replacement)
        redactsResource = redactResource
        var keys = RedactPattern.allCases.filter(patterns.contains).map(\.rawValue)
        if !scanner.literals.isEmpty { keys.append(RedactPattern.literalKey) }
        matches = CounterSet(preset: keys)
    }

    public var counters: [ProcessorCounter] {
        [ProcessorCounter(
            metric: "outrider_redact_matches_total", help: "Secrets and personal data the redact processor masked, by pattern.",
            label: "pattern", counts: matches)]
    }

    public func process(_ batch: inout TelemetryBatch) {
        guard !scanner.isEmpty else { return }
        var tally = [Int](repeating: 0, count: RedactPattern.literalSlot + 1)
        if redactsResource { redact(&batch.resource.attributes, &tally) }
        switch batch.payload {
        case .logs(var records):
            // Taken out of the batch so the edits below happen in place, not on a copy.
            batch.payload = .logs([])
            for index in records.indices {
                let redacted = records[index].body.withUnsafeBufferPointer { scanner.redact($0, tally: &tally) }
                if let redacted { records[index].body = redacted }
                redact(&records[index].attributes, &tally)
            }
            batch.payload = .logs(records)
        case .spans(var spans):
            batch.payload = .spans([])
            for index in spans.indices {
                redact(&spans[index].attributes, &tally)
                for event in spans[index].events.indices { redact(&spans[index].events[event].attributes, &tally) }
            }
            batch.payload = .spans(spans)
        case .metrics:
            break
        }
        for (slot, count) in tally.enumerated() where count > 0 {
            matches.add(count, slot == RedactPattern.literalSlot ? RedactPattern.literalKey : RedactPattern.allCases[slot].rawValue)
        }
    }

    private func redact(_ attributes: inout Attributes, _ tally: inout [Int]) {
        guard !attributes.isEmpty else { return }
        attributes.updateValues { key, value in
            if scanner.apiKey, case .string(let text) = value, !text.isEmpty, scanner.isSecretKey(key) {
                value = .string(String(decoding: scanner.replacement, as: UTF8.self))
                tally[RedactPattern.apiKey.slot] += 1
                return
            }
            redact(&value, &tally)
        }
    }

    private func redact(_ value: inout AttributeValue, _ tally: inout [Int]) {
        switch value {
        case .string(var text):
            let redacted = text.withUTF8 { scanner.redact($0, tally: &tally) }
            if let redacted { value = .string(String(decoding: redacted, as: UTF8.self)) }
        case .bytes(let bytes):
            if let redacted = bytes.withUnsafeBufferPointer({ scanner.redact($0, tally: &tally) }) { value = .bytes(redacted) }
        case .array(var values):
            for index in values.indices { redact(&values[index], &tally) }
            value = .array(values)
        case .map(var nested):
            redact(&nested, &tally)
            value = .map(nested)
        case .bool, .int, .double:
            break
        }
    }
}
