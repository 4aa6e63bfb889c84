/// Where a component sits in a pipeline; each kind has its own section of the config file.
public enum ComponentKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case source, processor, exporter

    public var description: String { rawValue }

    /// The top-level config section that declares components of this kind.
    public var section: String { rawValue + "s" }
}
