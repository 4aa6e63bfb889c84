/// The three kinds of telemetry a pipeline carries. A pipeline is declared for exactly one.
public enum Signal: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case logs, metrics, traces

    public var description: String { rawValue }

    public static func < (lhs: Signal, rhs: Signal) -> Bool { lhs.rawValue < rhs.rawValue }
}
