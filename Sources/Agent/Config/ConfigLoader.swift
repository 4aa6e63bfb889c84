import Telemetry
import YAML

/// Everything wrong with a config file, in file order, each as `file:line:column: path: message`.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [YAMLError]

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}

/// Why a config could not be used: the file could not be read, or it is not valid.
public enum ConfigLoadError: Error, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(ConfigErrors)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read config file: \(reason)"
        case .invalid(let errors): errors.description
        }
    }
}

/// A config that passed, with what deserves a look but does not stop the agent.
public struct LoadedConfig: Sendable {
    public var config: AgentConfig
    public var warnings: [YAMLError]
}

/// Turns a config file into an `AgentConfig`, or into the list of every error in it.
///
/// Sections and components are decoded one by one so one mistake does not hide the next;
/// validation and cross-references run on whatever decoded.
public struct ConfigLoader: Sendable {
    public var catalog: ComponentCatalog
    public var environment: EnvironmentSubstitution

    public init(catalog: ComponentCatalog = .standard, environment: EnvironmentSubstitution = .processEnvironment()) {
        self.catalog = catalog
        self.environment = environment
    }

    public func load(contentsOf path: String) throws(ConfigLoadError) -> LoadedConfig {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        return try load(bytes: bytes, file: path)
    }

    public func load(bytes: [UInt8], file: String) throws(ConfigLoadError) -> LoadedConfig {
        var pass = LoadPass(file: file, environment: environment, catalog: catalog)
        let config = pass.run(bytes)
        guard pass.errors.isEmpty, let config else {
            throw .invalid(ConfigErrors(errors: pass.errors.sorted(by: YAMLError.fileOrder)))
        }
        return LoadedConfig(config: config, warnings: pass.warnings.sorted(by: YAMLError.fileOrder))
    }
}


/// One run of the loader over one file, collecting errors as it goes.
private struct LoadPass {
    let file: String
    let environment: EnvironmentSubstitution
    let decoder: YAMLDecoder
    let catalog: ComponentCatalog
    var errors: [YAMLError] = []
    var warnings: [YAMLError] = []

    init(file: String, environment: EnvironmentSubstitution, catalog: ComponentCatalog) {
        self.file = file
        self.environment = environment
        self.decoder = YAMLDecoder(environment: environment)
        self.catalog = catalog
    }

    mutating func run(_ bytes: [UInt8]) -> AgentConfig? {
        let root: Node
        do {
            root = try YAMLParser.parse(bytes, file: file)
        } catch {
            errors.append(error)
            return nil
        }
        if root.isNull {
            warnings.append(YAMLError(file: file, mark: nil, path: "", message: "the config file is empty; running with defaults"))
            return AgentConfig(file: file)
        }
        guard let sections = sections(of: root) else { return nil }

        var config = AgentConfig(file: file)
        if let node = sections.service, let value = decode(ServiceSettings.self, node, ["service"]) {
            config.service = value
            report(value.validate(), in: node, at: ["service"])
        }
        if let node = sections.log, let value = decode(LogSettings.self, node, ["log"]) {
            config.log = value
        }
        if let node = sections.server, let value = decode(ServerSettings.self, node, ["server"]) {
            config.server = value
            report(value.validate(), in: node, at: ["server"])
        }
        var taken: [String: String] = ["server": "the local server"]
        for kind in ComponentKind.allCases {
            guard let node = sections.components[kind] else { continue }
            config.setComponents(components(of: kind, in: node, taken: &taken), of: kind)
        }
        if let node = sections.pipelines {
            config.pipelines = pipelines(in: node, config: config)
        }
        warnUnused(config)
        return config
    }

    /// The top-level sections. Read pair by pair rather than decoded, so an unknown or
    /// misspelt section is one error among the others instead of the end of the load.
    private struct Sections {
        var service: Node?
        var log: Node?
        var server: Node?
        var components: [ComponentKind: Node] = [:]
        var pipelines: Node?
    }

    private mutating func sections(of root: Node) -> Sections? {
        guard let pairs = root.mappingValue else {
            fail("expected a mapping of sections (service, log, server, sources, processors, exporters, pipelines)", at: root, [])
            return nil
        }
        let known = ["service", "log", "server", "sources", "processors", "exporters", "pipelines"]
        var sections = Sections()
        for pair in pairs {
            let key = pair.key.scalarValue ?? ""
            switch key {
            case "service": sections.service = pair.value
            case "log": sections.log = pair.value
            case "server": sections.server = pair.value
            case "sources": sections.components[.source] = pair.value
            case "processors": sections.components[.processor] = pair.value
            case "exporters": sections.components[.exporter] = pair.value
            case "pipelines": sections.pipelines = pair.value
            default:
                var message = "unknown key \"\(key)\""
                if let near = key.closestMatch(among: known) {
                    message += " (did you mean \"\(near)\"?)"
                } else {
                    message += " (valid keys: \(known.sorted().joined(separator: ", ")))"
                }
                fail(message, at: pair.key, [key])
            }
        }
        return sections
    }

    // MARK: - Components

    /// - Parameter taken: names already declared, across all sections: names label metrics
    ///   and health entries, so a source and an exporter may not share one.
    private mutating func components(of kind: ComponentKind, in section: Node, taken: inout [String: String]) -> [ComponentDeclaration] {
        guard let pairs = mapping(section, path: [kind.section]) else { return [] }
        var declarations: [ComponentDeclaration] = []
        for pair in pairs {
            guard let name = pair.key.scalarValue else { continue }
            let path = [kind.section, name]
            if !Self.isValidName(name) {
                fail("\(kind) names may use letters, digits, \"_\", \"-\", \".\" and \"/\", got \"\(name)\"", at: pair.key, path)
                continue
            }
            if let owner = taken[name] {
                fail("the name \"\(name)\" is already used by \(owner); names must be unique across sources, processors and exporters", at: pair.key, path)
                continue
            }
            taken[name] = "\(kind.section).\(name)"
            guard let node = substituted(pair.value, path) else { continue }
            guard node.mappingValue != nil else {
                fail("expected a mapping with a \"type\" key (one of: \(known(kind)))", at: node, path)
                continue
            }
            guard let typeNode = node["type"] else {
                fail("missing required key \"type\" (one of: \(known(kind)))", at: node, path)
                continue
            }
            guard let typeName = typeNode.scalarValue else {
                fail("expected a \(kind) type name", at: typeNode, path + ["type"])
                continue
            }
            guard let entry = catalog.entry(kind: kind, typeName: typeName) else {
                var message = "unknown \(kind) type \"\(typeName)\""
                if let near = typeName.closestMatch(among: catalog.typeNames(of: kind)) {
                    message += " (did you mean \"\(near)\"?)"
                } else {
                    message += " (this build supports: \(known(kind)))"
                }
                fail(message, at: typeNode, path + ["type"])
                continue
            }
            switch entry.decode(decoder, node, file, path) {
            case .success(let config):
                report(config.validate(), in: node, at: path)
                declarations.append(ComponentDeclaration(
                    name: name, kind: kind, typeName: typeName, config: config,
                    signals: entry.signals, mark: pair.key.mark))
            case .failure(let found):
                errors.append(contentsOf: found.errors)
            }
        }
        return declarations
    }

    private func known(_ kind: ComponentKind) -> String {
        let names = catalog.typeNames(of: kind)
        return names.isEmpty ? "none yet" : names.joined(separator: ", ")
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
        }
    }

    // MARK: - Pipelines

    private mutating func pipelines(in section: Node, config: AgentConfig) -> [PipelineDeclaration] {
        guard let pairs = mapping(section, path: ["pipelines"]) else { return [] }
        var declared: [ComponentKind: [String: ComponentDeclaration]] = [:]
        for kind in ComponentKind.allCases {
            declared[kind] = Dictionary(config.components(of: kind).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        }
        var result: [PipelineDeclaration] = []
        for pair in pairs {
            guard let id = pair.key.scalarValue else { continue }
            let path = ["pipelines", id]
            guard let signal = PipelineSettings.signal(ofKey: id) else {
                var message = "pipeline keys are logs, metrics or traces, optionally followed by /name; got \"\(id)\""
                if let near = id.closestMatch(among: Signal.allCases.map(\.rawValue)) {
                    message += " (did you mean \"\(near)\"?)"
                }
                fail(message, at: pair.key, path)
                continue
            }
            let node = pair.value
            guard let settings = decode(PipelineSettings.self, node, path) else { continue }
            var lists: [ComponentKind: [String]] = [:]
            for (kind, references) in [
                (ComponentKind.source, settings.sources), (.processor, settings.processors), (.exporter, settings.exporters),
            ] {
                lists[kind] = check(references, kind: kind, signal: signal, declared: declared[kind] ?? [:])
            }
            if settings.sources.isEmpty { fail("a pipeline needs at least one source", at: node["sources"] ?? node, path + ["sources"]) }
            if settings.exporters.isEmpty { fail("a pipeline needs at least one exporter", at: node["exporters"] ?? node, path + ["exporters"]) }
            result.append(PipelineDeclaration(
                id: id, signal: signal, sources: lists[.source] ?? [], processors: lists[.processor] ?? [],
                exporters: lists[.exporter] ?? []))
        }
        return result
    }

    private mutating func check(
        _ references: [Located<String>], kind: ComponentKind, signal: Signal, declared: [String: ComponentDeclaration]
    ) -> [String] {
        var names: [String] = []
        for reference in references {
            let name = reference.value
            let location = YAMLError(file: file, mark: reference.mark, path: reference.path, message: "")
            guard let component = declared[name] else {
                var message = "unknown \(kind) \"\(name)\""
                if let near = name.closestMatch(among: declared.keys) {
                    message += " (did you mean \"\(near)\"?)"
                } else if declared.isEmpty {
                    message += " (no \(kind.section) are declared)"
                } else {
                    message += " (declared \(kind.section): \(declared.keys.sorted().joined(separator: ", ")))"
                }
                errors.append(location.with(message: message))
                continue
            }
            if names.contains(name) {
                errors.append(location.with(message: "\(kind) \"\(name)\" is listed twice"))
                continue
            }
            if !component.signals.contains(signal) {
                let carried = component.signals.sorted().map(\.rawValue).joined(separator: ", ")
                errors.append(location.with(
                    message: "\(kind) \"\(name)\" (type \(component.typeName)) does not carry \(signal); it carries \(carried)"))
                continue
            }
            names.append(name)
        }
        return names
    }

    private mutating func warnUnused(_ config: AgentConfig) {
        for kind in ComponentKind.allCases {
            for component in config.components(of: kind) {
                if !config.isUsed(component) {
                    warnings.append(YAMLError(
                        file: file, mark: component.mark, path: "\(kind.section).\(component.name)",
                        message: "\(kind) is not used by any pipeline and will not run"))
                }
            }
        }
    }

    // MARK: - Helpers

    /// Decodes a section's node after `${VAR}` substitution, recording its errors (every
    /// unknown key, or the first value that does not decode).
    private mutating func decode<T: Decodable>(_ type: T.Type, _ node: Node, _ path: [String]) -> T? {
        guard let node = substituted(node, path) else { return nil }
        switch decoder.decodeReportingAll(type, from: node, file: file, path: path) {
        case .success(let value):
            return value
        case .failure(let found):
            errors.append(contentsOf: found.errors)
            return nil
        }
    }

    /// Substitution runs per section and per component, so an unset variable in one
    /// does not hide the errors of the others.
    private mutating func substituted(_ node: Node, _ path: [String]) -> Node? {
        do {
            return try environment.apply(to: node, file: file, path: path)
        } catch {
            errors.append(error)
            return nil
        }
    }

    private mutating func mapping(_ node: Node, path: [String]) -> [Node.Pair]? {
        switch node.kind {
        case .mapping(let pairs): return pairs
        case .scalar where node.isNull: return []
        default:
            fail("expected a mapping of names to settings", at: node, path)
            return nil
        }
    }

    private mutating func fail(_ message: String, at node: Node, _ path: [String]) {
        errors.append(YAMLError(file: file, mark: node.mark, path: ConfigPath.render(path), message: message))
    }

    /// Places each problem a component reported at the node its path names (or the
    /// deepest node that exists on the way, for a key that was left out).
    private mutating func report(_ problems: [ConfigProblem], in node: Node, at prefix: [String]) {
        for problem in problems {
            var target = node
            for element in problem.path {
                guard let next = target.child(element) else { break }
                target = next
            }
            fail(problem.message, at: target, prefix + problem.path)
        }
    }
}

extension Node {
    /// A mapping value by key, or a sequence item by `[n]`.
    func child(_ element: String) -> Node? {
        if element.hasPrefix("["), element.hasSuffix("]"), let index = Int(element.dropFirst().dropLast()) {
            guard case .sequence(let items) = kind, items.indices.contains(index) else { return nil }
            return items[index]
        }
        return self[element]
    }
}

extension YAMLError {
    static func fileOrder(_ a: YAMLError, _ b: YAMLError) -> Bool {
        switch (a.mark, b.mark) {
        case let (x?, y?): x < y
        case (nil, _?): true
        default: false
        }
    }

    func with(message: String) -> YAMLError {
        YAMLError(file: file, mark: mark, path: path, message: message)
    }
}
