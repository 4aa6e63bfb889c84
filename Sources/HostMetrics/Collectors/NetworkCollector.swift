import Telemetry

/// node_exporter's `netdev` collector: `node_network_{receive,transmit}_*_total{device}`
/// from /proc/net/dev, plus `receive_nohandler` from sysfs where the kernel has it
/// (node_exporter reads that counter over netlink; /proc/net/dev lacks it).
public struct NetworkCollector: HostCollector {
    public let name = "network"
    let paths: HostPaths
    let excludedDevices: Set<String>

    /// `lo` is left out by default, as Debian's node_exporter package does (upstream's
    /// default keeps it): loopback traffic inside a pod says nothing about the host.
    public static let defaultExcludedDevices: Set<String> = ["lo"]

    typealias Field = (descriptor: MetricDescriptor, value: @Sendable (NetDev.Interface) -> UInt64)

    /// node_exporter's series, named once rather than on every scrape.
    static let fields: [Field] = {
        let receive: [(String, @Sendable (NetDev.Interface) -> UInt64)] = [
            ("bytes", { $0.receive.bytes }), ("compressed", { $0.receive.compressed }), ("drop", { $0.receive.dropped }),
            ("errs", { $0.receive.errors }), ("fifo", { $0.receive.fifo }), ("frame", { $0.receive.frame }),
            ("multicast", { $0.receive.multicast }), ("packets", { $0.receive.packets }),
        ]
        let transmit: [(String, @Sendable (NetDev.Interface) -> UInt64)] = [
            ("bytes", { $0.transmit.bytes }), ("carrier", { $0.transmit.carrier }), ("colls", { $0.transmit.collisions }),
            ("compressed", { $0.transmit.compressed }), ("drop", { $0.transmit.dropped }), ("errs", { $0.transmit.errors }),
            ("fifo", { $0.transmit.fifo }), ("packets", { $0.transmit.packets }),
        ]
        return [("receive", receive), ("transmit", transmit)].flatMap { direction, fields in
            fields.map { suffix, value in
                let descriptor = MetricDescriptor(
                    "node_network_\(direction)_\(suffix)_total", help: "Network device statistic \(direction)_\(suffix).",
                    kind: .counter, unit: suffix == "bytes" ? "By" : "")
                return (descriptor, value)
            }
        }
    }()

    static let receiveNoHandler = MetricDescriptor(
        "node_network_receive_nohandler_total", help: "Network device statistic receive_nohandler.", kind: .counter)

    public init(paths: HostPaths, excludedDevices: Set<String> = NetworkCollector.defaultExcludedDevices) {
        self.paths = paths
        self.excludedDevices = excludedDevices
    }

    public func write(to writer: inout some MetricWriter) throws {
        let netdev = try NetDev.parse(try paths.read(paths.proc("net/dev")))
        let interfaces = netdev.interfaces.filter { !excludedDevices.contains($0.name) }
        for field in Self.fields {
            writer.family(field.descriptor)
            for interface in interfaces {
                writer.sample(Double(field.value(interface)), ("device", interface.name))
            }
        }
        writer.family(Self.receiveNoHandler)
        for interface in interfaces {
            let path = "\(paths.sysRoot)/class/net/\(interface.name)/statistics/rx_nohandler"
            if let bytes = try? paths.read(path), let value = try? CgroupSingleValue.number(bytes, file: path) {
                writer.sample(Double(value), ("device", interface.name))
            }
        }
    }
}
