import Agent
import ArgumentParser

@main
struct Outrider: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outrider",
        abstract: "Observability sidecar: host and container metrics, log tailing, OTLP, buffering and forwarding.",
        discussion: """
            Outrider runs beside one service in a Kubernetes pod. It reads one YAML config file \
            (see README.md for every key), serves /healthz /readyz /status /metrics locally, and \
            forwards what it collects to the backends the config names.

            Signals: SIGTERM or SIGINT drain and exit 0; SIGHUP re-reads the config and applies \
            it if valid (an invalid one is logged and the running config kept).
            """,
        version: BuildInfo.version,
        subcommands: [Run.self, Validate.self, Version.self],
        defaultSubcommand: Run.self
    )
}

/// `--config PATH`, falling back to $OUTRIDER_CONFIG, then the image's default path.
struct ConfigOption: ParsableArguments {
    static let defaultPath = "/etc/outrider/outrider.yaml"

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "The config file.",
            discussion: "Defaults to $OUTRIDER_CONFIG, else \(ConfigOption.defaultPath).",
            valueName: "path"))
    var config: String?

    /// Loads the config, or prints every error in it and exits: 2 when the file cannot be
    /// read, 1 when it is invalid (after `summary`, given the number of errors).
    func load(with loader: ConfigLoader, summary: (Int) -> String) throws -> LoadedConfig {
        do {
            return try loader.load(contentsOf: path)
        } catch {
            switch error {
            case .unreadable:
                StandardError.writeLine("error: \(error)")
                throw ExitCode(2)
            case .invalid(let errors):
                for problem in errors.errors { StandardError.writeLine("\(problem)") }
                StandardError.writeLine(summary(errors.errors.count))
                throw ExitCode(1)
            }
        }
    }

    var path: String {
        if let config { return config }
        if let fromEnvironment = Environment.value(of: "OUTRIDER_CONFIG"), !fromEnvironment.isEmpty { return fromEnvironment }
        return Self.defaultPath
    }
}
