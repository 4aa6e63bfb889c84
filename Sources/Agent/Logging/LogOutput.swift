import Telemetry
import Logging
import Synchronization

/// The one place the agent's own log lines go. Shared by every `AgentLogHandler`, so a
/// config reload (SIGHUP) can change level and format for all loggers at once.
public final class LogOutput: Sendable {
    private struct State {
        var settings: LogSettings
    }

    public let service: String
    private let state: Mutex<State>
    private let sink: @Sendable ([UInt8]) -> Void
    private let clock: WallClock

    /// - Parameters:
    ///   - sink: receives each finished line, newline included. Defaults to standard error:
    ///     standard output is left to the `stdout` exporter's data.
    public init(
        settings: LogSettings,
        service: String = "outrider",
        clock: WallClock = .system,
        sink: (@Sendable ([UInt8]) -> Void)? = nil
    ) {
        self.state = Mutex(State(settings: settings))
        self.service = service
        self.clock = clock
        self.sink = sink ?? StandardError.write
    }

    public var settings: LogSettings {
        get { state.withLock { $0.settings } }
        set { state.withLock { $0.settings = newValue } }
    }

    func emit(_ event: LogEvent, label: String, metadata: Logger.Metadata) {
        let format = settings.format
        var line: [UInt8] = []
        line.reserveCapacity(256)
        switch format {
        case .json: LogLineFormat.json(event, service: service, time: clock.now(), metadata: metadata, into: &line)
        case .text: LogLineFormat.text(event, time: clock.now(), metadata: metadata, into: &line)
        }
        line.append(UInt8(ascii: "\n"))
        sink(line)
    }
}
