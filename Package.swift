// swift-tools-version:6.1
import PackageDescription

// Dependencies are kept lean on purpose: every package here is rebuilt from a clean
// clone on a 2-core CI machine. See ../shared/ARCHITECTURE.md ("Dependencies").
let package = Package(
    name: "outrider",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "outrider", targets: ["outrider"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "YAML",
            dependencies: ["CYAML"]
        ),
        .target(
            name: "Agent",
            dependencies: [
                "YAML",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "outrider",
            dependencies: [
                "Agent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "YAMLTests",
            dependencies: ["YAML"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AgentTests",
            dependencies: ["Agent"]
        ),
        // Drives the real `outrider` binary: exit codes, signals, endpoints over HTTP.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "outrider",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
