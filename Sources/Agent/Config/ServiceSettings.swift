import Telemetry
/// `service:` — who the telemetry is about. Becomes resource attributes on every log,
/// metric and span (`service.name` plus `attributes`).
public struct ServiceSettings: Decodable, Sendable, Hashable {
    /// OpenTelemetry's name for a service nobody named.
    public static let unknownName = "unknown_service"

    public var name: String
    public var attributes: [String: String]

    public init(name: String = ServiceSettings.unknownName, attributes: [String: String] = [:]) {
        self.name = name
        self.attributes = attributes
    }

    private enum CodingKeys: String, CodingKey { case name, attributes }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? Self.unknownName
        attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
    }

    /// `service.name`, `service.instance.id` and the configured attributes, added to every
    /// batch's resource where the data did not set the key itself (an SDK's own
    /// service.name wins).
    ///
    /// - Parameter instanceID: the agent's host name — in Kubernetes the pod's name — unless
    ///   `attributes` sets `service.instance.id`: what tells apart the replicas of one
    ///   service, so their series (remote_write's `instance` label) do not collide.
    public func resource(instanceID: String) -> Resource {
        var attributes = Attributes()
        attributes["service.name"] = .string(name)
        if !instanceID.isEmpty { attributes["service.instance.id"] = .string(instanceID) }
        for key in self.attributes.keys.sorted() { attributes[key] = .string(self.attributes[key]!) }
        return Resource(attributes: attributes)
    }

    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if name.isEmpty { problems.append(ConfigProblem("must not be empty", at: "name")) }
        for key in attributes.keys.sorted() where key.isEmpty {
            problems.append(ConfigProblem("attribute names must not be empty", at: "attributes"))
        }
        return problems
    }
}
