@testable import Agent
import Telemetry
import Logging
import Foundation
import Testing

@Suite("The agent's own log lines")
struct LogFormatTests {
    /// 2026-11-24T08:16:54.123Z
    static let fixedClock = WallClock { Timestamp(nanosecondsSinceEpoch: 1_795_508_214_123_456_789) }

    func logger(_ settings: LogSettings, _ capture: LineCapture) -> (Logger, LogOutput) {
        let output = LogOutput(settings: settings, clock: Self.fixedClock, sink: capture.sink)
        return (Logger(label: "test") { AgentLogHandler(label: $0, output: output) }, output)
    }

    @Test func jsonLineHasThePlatformFields() {
        let capture = LineCapture()
        let (log, _) = logger(LogSettings(level: .info, format: .json), capture)
        log.warning("backend \"collector\" is slow", metadata: [
            "correlation_id": "req-42", "exporter": "collector", "attempt": "3", "message": "shadowed",
        ])
        #expect(capture.all == [
            #"{"timestamp":"2026-11-24T08:16:54.123Z","level":"warn","service":"outrider","message":"backend \"collector\" is slow","correlation_id":"req-42","attempt":"3","exporter":"collector","metadata":{"message":"shadowed"}}"# + "\n"
        ])
    }

    @Test func levelsUseThePlatformWords() {
        let capture = LineCapture()
        let (log, _) = logger(LogSettings(level: .debug, format: .json), capture)
        log.trace("not shown")  // below debug
        log.debug("d"); log.info("i"); log.notice("n"); log.warning("w"); log.error("e"); log.critical("c")
        let levels = capture.all.map { line in
            line.split(separator: ",")[1].replacingOccurrences(of: "\"level\":", with: "")
        }
        #expect(levels == [#""debug""#, #""info""#, #""info""#, #""warn""#, #""error""#, #""critical""#])
    }

    @Test func errorsAndControlCharactersAreEscaped() {
        let capture = LineCapture()
        let (log, _) = logger(LogSettings(), capture)
        struct Boom: Error, CustomStringConvertible { var description: String { "disk\tfull\n" } }
        log.error("write failed\u{1}", error: Boom())
        #expect(capture.all.first?.contains(#""message":"write failed\u0001","error":"disk\tfull\n""#) == true)
    }

    @Test func textFormatAndLiveLevelChange() {
        let capture = LineCapture()
        let (log, output) = logger(LogSettings(level: .warn, format: .text), capture)
        log.info("dropped: below warn")
        log.warning("kept", metadata: ["file": "/var/log/app.log"])
        output.settings = LogSettings(level: .debug, format: .text)  // what SIGHUP does
        log.debug("now shown")
        #expect(capture.all == [
            "2026-11-24T08:16:54.123Z warn kept file=/var/log/app.log\n",
            "2026-11-24T08:16:54.123Z debug now shown\n",
        ])
    }

    @Test(arguments: [
        (Int64(0), 3, "1970-01-01T00:00:00.000Z"),
        (Int64(1_795_508_214_123_456_789), 9, "2026-11-24T08:16:54.123456789Z"),
        (Int64(-1_000_000), 3, "1969-12-31T23:59:59.999Z"),
        (Int64(951_782_400_000_000_000), 0, "2000-02-29T00:00:00Z"),
    ])
    func rfc3339(_ nanos: Int64, _ digits: Int, _ expected: String) {
        #expect(RFC3339.string(Timestamp(nanosecondsSinceEpoch: nanos), fractionDigits: digits) == expected)
    }
}
