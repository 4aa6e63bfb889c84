// swift-tools-version:6.1
import PackageDescription
import Foundation

// `outrider version` reports the commit it was built from. The manifest is evaluated at
// build time, so it reads the checkout's HEAD here (or OUTRIDER_GIT_COMMIT, for image builds
// whose context has no .git) and hands it to a tiny C target as a preprocessor define.
func gitCommit() -> String {
    if let fromEnvironment = ProcessInfo.processInfo.environment["OUTRIDER_GIT_COMMIT"], !fromEnvironment.isEmpty {
        return fromEnvironment
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let git = root.appendingPathComponent(".git")
    guard let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines) else { return "unknown" }
    guard head.hasPrefix("ref: ") else { return String(head.prefix(12)) }
    let ref = String(head.dropFirst(5))
    if let loose = try? String(contentsOf: git.appendingPathComponent(ref), encoding: .utf8) {
        return String(loose.trimmingCharacters(in: .whitespacesAndNewlines).prefix(12))
    }
    let packed = (try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8)) ?? ""
    for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
        return String(line.prefix(12))
    }
    return "unknown"
}

// Dependencies are kept lean on purpose: every package here is rebuilt from a clean
// clone on a 2-core CI machine. See ../shared/ARCHITECTURE.md ("Dependencies").
let package = Package(
    name: "outrider",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "outrider", targets: ["outrider"]),
        .executable(name: "outrider-bench", targets: ["outrider-bench"]),
        .executable(name: "outrider-sink", targets: ["outrider-sink"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "CBuildInfo",
            cSettings: [.define("OUTRIDER_GIT_COMMIT", to: "\"\(gitCommit())\"")]
        ),
        .target(
            name: "YAML",
            dependencies: ["CYAML"]
        ),
        .target(
            name: "Telemetry"
        ),
        .target(
            name: "HostMetrics",
            dependencies: ["Telemetry"]
        ),
        .target(
            name: "LogTail",
            dependencies: [
                "Telemetry",
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "Pipeline",
            dependencies: [
                "Telemetry",
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "Exporters",
            dependencies: [
                "Telemetry",
                "Pipeline",
                "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Agent",
            dependencies: [
                "YAML",
                "CBuildInfo",
                "Telemetry",
                "HostMetrics",
                "LogTail",
                "Pipeline",
                "Exporters",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "outrider",
            dependencies: [
                "Agent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // A test backend: an HTTP sink that counts, checks sequence numbers and fails on
        // command. Library for tests, executable for benchmarks and manual runs.
        .target(
            name: "TestSink",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "outrider-sink",
            dependencies: [
                "TestSink",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (scripts/bench-*.sh), not shipped.
        .executableTarget(
            name: "outrider-bench",
            dependencies: ["HostMetrics", "Telemetry"]
        ),
        // Helpers shared by the test targets: a raw HTTP/1.1 client, temporary files.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "YAMLTests",
            dependencies: ["YAML"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HostMetricsTests",
            dependencies: ["HostMetrics"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "LogTailTests",
            dependencies: ["LogTail", "Telemetry", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ExportersTests",
            dependencies: ["Exporters", "TestSink", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TestSinkTests",
            dependencies: ["TestSink", "TestSupport"]
        ),
        .testTarget(
            name: "AgentTests",
            dependencies: ["Agent", "TestSupport"]
        ),
        // Drives the real `outrider` binary: exit codes, signals, endpoints over HTTP.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "outrider",
                "TestSink",
                "TestSupport",
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
