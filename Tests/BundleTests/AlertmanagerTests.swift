import Foundation
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// config/alertmanager/alertmanager.yaml: routing by severity, inhibition by P1, checked with
/// amtool and with a running Alertmanager.
@Suite("Alertmanager config")
struct AlertmanagerTests {
    static let installHint = "apt-get install prometheus-alertmanager"
    static let config = "config/alertmanager/alertmanager.yaml"

    @Test func configPassesAmtoolCheck() throws {
        guard let amtool = BundleTools.tool("amtool", installHint: Self.installHint) else { return }
        let output = try BundleTools.check(amtool, ["check-config", Self.config])
        #expect(output.contains("SUCCESS"), "\(output)")
        #expect(output.contains("1 inhibit rules") && output.contains("4 receivers") && output.contains("1 templates"), "\(output)")
    }

    /// A route to a receiver that does not exist must fail the check.
    @Test func amtoolCheckRejectsAnUnknownReceiver() throws {
        guard let amtool = BundleTools.tool("amtool", installHint: Self.installHint) else { return }
        let directory = try TemporaryDirectory("outrider-alertmanager")
        let text = try String(contentsOfFile: BundleTools.path(Self.config), encoding: .utf8)
        let broken = try PrometheusRulesTests.replacingOnce(in: text, "    - receiver: pager\n", with: "    - receiver: phone\n")
        let file = try directory.write("alertmanager.yaml", broken)
        let output = try BundleTools.check(amtool, ["check-config", file], expectStatus: 1)
        #expect(output.contains("phone"), "\(output)")
    }

    struct Route: Sendable, CustomTestStringConvertible {
        var severity: String?
        var receivers: String
        var testDescription: String { "severity \(severity ?? "none") → \(receivers)" }
    }

    static let routes: [Route] = [
        Route(severity: "P1", receivers: "pager,email,slack"),
        Route(severity: "P2", receivers: "pager,email,slack"),
        Route(severity: "P3", receivers: "email,slack"),
        Route(severity: "P4", receivers: "daily-digest"),
        // Forgotten or misspelt severities still reach people, without paging them.
        Route(severity: nil, receivers: "email,slack"),
        Route(severity: "critical", receivers: "email,slack"),
    ]

    @Test(arguments: routes)
    func severityRoutesToItsChannels(_ route: Route) throws {
        guard let amtool = BundleTools.tool("amtool", installHint: Self.installHint) else { return }
        let labels = ["alertname=ServiceHighErrorRate", "namespace=shop", "service=checkout"] + (route.severity.map { ["severity=\($0)"] } ?? [])
        let output = try BundleTools.check(
            amtool, ["config", "routes", "test", "--config.file=\(Self.config)", "--verify.receivers=\(route.receivers)"] + labels)
        let resolved = output.components(separatedBy: "\n").filter { !$0.isEmpty && !$0.hasPrefix("Warning:") }
        #expect(resolved.first == route.receivers, "\(output)")
    }

    /// The check above can fail: a P3 claimed to page is refused.
    @Test func routesTestRejectsWrongReceivers() throws {
        guard let amtool = BundleTools.tool("amtool", installHint: Self.installHint) else { return }
        let output = try BundleTools.check(
            amtool, ["config", "routes", "test", "--config.file=\(Self.config)", "--verify.receivers=pager,email,slack", "severity=P3"],
            expectStatus: 1)
        #expect(output.contains("email,slack"), "\(output)")
    }

    /// A running Alertmanager with a copy of the config whose every address is on 127.0.0.1
    /// (webhooks and Slack to a local recorder, SMTP to a closed port) and whose group_wait is
    /// 1s. A P1 of shop/checkout mutes that service's symptoms (a P2 errors and a P3 agent
    /// alert: suppressed, never notified) but not its P2 security alert (paged) nor its P3 cost
    /// alert (Slack); a P3 of shop/search is untouched. The P1 reaches the pager and Slack with
    /// the templates' title and text.
    @Test func p1InhibitsOnlyTheSymptomsOfTheSameService() async throws {
        guard let alertmanager = BundleTools.tool("prometheus-alertmanager", installHint: Self.installHint) else { return }
        let directory = try TemporaryDirectory("outrider-alertmanager")
        let sink = try NotificationSink()
        defer { sink.stop() }
        let config = try Self.loopbackCopy(in: directory, sinkPort: sink.port)
        let port = freeLoopbackPort()
        let server = try await Self.start(alertmanager, config: config, directory: directory, port: port)
        defer { server.stop() }

        let outage = Self.alert("ServiceAvailabilityBelowSLO", severity: "P1", category: "availability", service: "checkout",
                                summary: "checkout availability is below 99.9%")
        let symptoms = [
            Self.alert("OutriderBufferNearlyFull", severity: "P3", category: "agent", service: "checkout",
                       summary: "Outrider buffer of exporter otlp is over 80% full"),
            Self.alert("ServiceHighErrorRate", severity: "P2", category: "errors", service: "checkout",
                       summary: "checkout error rate is above 5%"),
        ]
        let others = [
            Self.alert("OutriderBufferNearlyFull", severity: "P3", category: "agent", service: "search",
                       summary: "Outrider buffer of exporter otlp is over 80% full"),
            Self.alert("RepeatedFailedLogins", severity: "P2", category: "security", service: "checkout",
                       summary: "checkout has many failed login attempts"),
            Self.alert("AICostOverDailyBudget", severity: "P3", category: "cost", service: "checkout",
                       summary: "checkout AI spend is more than 50% over its daily budget"),
        ]
        // The P1 first: were a symptom there alone for a group_wait, it would be sent.
        try Self.post([outage], port: port)
        let outageKnown = await eventually(within: 10) { ((try? Self.alerts(port: port)) ?? []).count == 1 }
        try #require(outageKnown, "the P1 alert did not arrive:\n\(server.text)")
        try Self.post(symptoms + others, port: port)

        var alerts: [[String: Any]] = []
        let settled = await eventually(within: 10) {
            alerts = (try? Self.alerts(port: port)) ?? []
            return alerts.count == 6
        }
        try #require(settled, "Alertmanager holds \(alerts.count) alerts, not 6:\n\(server.text)")
        func status(_ name: String, _ service: String) -> [String: Any]? {
            let alert = alerts.first { ($0["labels"] as? [String: String]).map { $0["alertname"] == name && $0["service"] == service } ?? false }
            return alert?["status"] as? [String: Any]
        }
        for name in ["OutriderBufferNearlyFull", "ServiceHighErrorRate"] {
            let inhibited = status(name, "checkout")
            #expect(inhibited?["state"] as? String == "suppressed", "\(name): \(String(describing: inhibited))")
            #expect(((inhibited?["inhibitedBy"] as? [String]) ?? []).count == 1, "\(name): \(String(describing: inhibited))")
        }
        for (name, service) in [("OutriderBufferNearlyFull", "search"), ("RepeatedFailedLogins", "checkout"),
                                ("AICostOverDailyBudget", "checkout"), ("ServiceAvailabilityBelowSLO", "checkout")] {
            let other = status(name, service)
            #expect(other?["state"] as? String == "active", "\(name) of \(service): \(String(describing: other))")
            let inhibitedBy = other?["inhibitedBy"] as? [String] ?? ["?"]
            #expect(inhibitedBy.isEmpty, "\(name) of \(service): \(String(describing: other))")
        }

        let delivered = await eventually(within: 30) {
            let pages = sink.received.filter { $0.path == "/alertmanager" }.flatMap { Self.webhookAlertNames($0.body) }
            return sink.received.filter { $0.path == "/slack" }.count >= 4 && pages.count >= 2
        }
        try #require(delivered, "notifications: \(sink.received.map(\.path))\n\(server.text)")

        let pages = sink.received.filter { $0.path == "/alertmanager" }.flatMap { Self.webhookAlertNames($0.body) }
        #expect(pages.sorted() == ["RepeatedFailedLogins", "ServiceAvailabilityBelowSLO"], "the pager got \(pages)")
        let slack = sink.received.filter { $0.path == "/slack" }.map { Self.slackAttachment($0.body) }
        let titles = slack.map(\.title).sorted()
        #expect(titles == [
            "[FIRING:1] P1 ServiceAvailabilityBelowSLO shop/checkout",
            "[FIRING:1] P2 RepeatedFailedLogins shop/checkout",
            "[FIRING:1] P3 AICostOverDailyBudget shop/checkout",
            "[FIRING:1] P3 OutriderBufferNearlyFull shop/search",
        ], "\(slack)")
        let outageText = slack.first { $0.title.contains("ServiceAvailabilityBelowSLO") }?.text ?? ""
        #expect(outageText.contains("*P1 checkout availability is below 99.9%*"), "\(outageText)")
        #expect(outageText.contains("Runbook: https://github.com/outrider/outrider/blob/main/README.md#alert-serviceavailabilitybelowslo"),
                "\(outageText)")
        #expect(!sink.received.contains { $0.path == "/digest" })
    }

    /// The daily digest reports a P4 that fired and resolved between two of its messages. The
    /// copy's digest interval is 3s instead of 24h: a first P4 opens the group (first message),
    /// a second fires and resolves before the next flush, which must carry it as resolved, with
    /// the first still firing; nothing of it goes to the pager or Slack.
    @Test func dailyDigestCarriesP4sThatFiredAndResolvedSinceTheLastOne() async throws {
        guard let alertmanager = BundleTools.tool("prometheus-alertmanager", installHint: Self.installHint) else { return }
        let directory = try TemporaryDirectory("outrider-alertmanager")
        let sink = try NotificationSink()
        defer { sink.stop() }
        let config = try Self.loopbackCopy(in: directory, sinkPort: sink.port, digestInterval: "3s")
        let port = freeLoopbackPort()
        let server = try await Self.start(alertmanager, config: config, directory: directory, port: port)
        defer { server.stop() }

        let reload = Self.alert("OutriderConfigReloadFailed", severity: "P4", category: "agent", service: "checkout",
                                summary: "Outrider sidecar checkout-a rejected its new configuration")
        try Self.post([reload], port: port)
        func digests() -> [[String: String]] {
            sink.received.filter { $0.path == "/digest" }.map { Self.webhookAlertStatuses($0.body) }
        }
        let first = await eventually(within: 15) { !digests().isEmpty }
        try #require(first, "no first digest; notifications: \(sink.received.map(\.path))\n\(server.text)")
        #expect(digests().first == ["OutriderConfigReloadFailed": "firing"], "\(digests())")

        var lag = Self.alert("OutriderLogTailLagGrowing", severity: "P4", category: "agent", service: "checkout",
                             summary: "Outrider falls behind on log source app")
        let time = ISO8601DateFormatter()
        lag["startsAt"] = time.string(from: Date().addingTimeInterval(-1))
        try Self.post([lag], port: port)
        lag["endsAt"] = time.string(from: Date())
        try Self.post([lag], port: port)

        // A flush may fall between the two posts and report it firing first; what counts is
        // that a later digest reports it resolved.
        let expected = ["OutriderConfigReloadFailed": "firing", "OutriderLogTailLagGrowing": "resolved"]
        let carried = await eventually(within: 15) { digests().dropFirst().contains(expected) }
        #expect(carried, "digests: \(digests())\n\(server.text)")
        #expect(sink.received.allSatisfy { $0.path == "/digest" }, "\(sink.received.map(\.path))")
    }

    // MARK: - Helpers

    /// alertmanager.yaml with every URL sent to the recorder, the SMTP smarthost to a closed
    /// port, the Secret's files in the directory, templates/ linked, and group_wait 1s; with
    /// `digestInterval`, the digest's daily group and repeat intervals shortened to it.
    static func loopbackCopy(in directory: TemporaryDirectory, sinkPort: Int, digestInterval: String? = nil) throws -> String {
        var text = try String(contentsOfFile: BundleTools.path(config), encoding: .utf8)
        if let digestInterval {
            text = try PrometheusRulesTests.replacingOnce(
                in: text, "      group_interval: 24h\n      repeat_interval: 24h\n",
                with: "      group_interval: \(digestInterval)\n      repeat_interval: \(digestInterval)\n")
        }
        text = text.replacingOccurrences(of: #"http://[^/\s'"]+"#, with: "http://127.0.0.1:\(sinkPort)", options: .regularExpression)
        text = text.replacingOccurrences(of: #"smtp_smarthost: \S+"#, with: "smtp_smarthost: 127.0.0.1:\(freeLoopbackPort())",
                                         options: .regularExpression)
        let waits = text.components(separatedBy: "group_wait:").count - 1
        text = text.replacingOccurrences(of: #"group_wait: \S+"#, with: "group_wait: 1s", options: .regularExpression)
        #expect(waits >= 2, "group_wait settings: \(waits)")
        text = text.replacingOccurrences(of: "/etc/alertmanager/secrets/", with: "\(directory.path)/secrets/")
        try directory.write("secrets/smtp-password", "not-a-password")
        try directory.write("secrets/slack-webhook-url", "http://127.0.0.1:\(sinkPort)/slack")
        try FileManager.default.createSymbolicLink(
            atPath: "\(directory.path)/templates", withDestinationPath: BundleTools.path("config/alertmanager/templates"))

        // Nothing in the copy may point beyond this machine.
        for line in text.components(separatedBy: "\n") where line.contains("://") || line.contains("smarthost") {
            #expect(line.contains("127.0.0.1"), "left pointing elsewhere: \(line)")
        }
        #expect(!text.contains(".svc"), "\(text)")
        return try directory.write("alertmanager.yaml", text)
    }

    /// An Alertmanager that is ready, on 127.0.0.1:`port`; the caller stops it.
    static func start(_ alertmanager: String, config: String, directory: TemporaryDirectory, port: Int) async throws -> ChildProcess {
        let server = try ChildProcess([
            "--config.file=\(config)", "--storage.path=\(directory.path)/data", "--web.listen-address=127.0.0.1:\(port)",
            "--cluster.listen-address=",
        ], executable: alertmanager)
        let ready = await eventually(within: 20) { (try? RawHTTP.get("/-/ready", port: port))?.status == 200 }
        if !ready { server.stop() }
        try #require(ready, "Alertmanager did not become ready:\n\(server.text)")
        return server
    }

    static func alert(_ name: String, severity: String, category: String, service: String, summary: String) -> [String: Any] {
        [
            "labels": ["alertname": name, "severity": severity, "category": category, "namespace": "shop", "service": service],
            "annotations": [
                "summary": summary, "description": "posted by AlertmanagerTests",
                "runbook_url": "https://github.com/outrider/outrider/blob/main/README.md#alert-\(name.lowercased())",
            ],
        ]
    }

    static func post(_ alerts: [[String: Any]], port: Int) throws {
        let body = try JSONSerialization.data(withJSONObject: alerts)
        let head = "POST /api/v2/alerts HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let response = try RawHTTP.exchange(Array(head.utf8) + Array(body), port: port)
        #expect(response.status == 200, "POST /api/v2/alerts: \(response)")
    }

    static func alerts(port: Int) throws -> [[String: Any]] {
        let response = try RawHTTP.get("/api/v2/alerts", port: port)
        return (try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [[String: Any]]) ?? []
    }

    /// alertname → status ("firing" or "resolved") of each alert of a webhook notification.
    static func webhookAlertStatuses(_ body: String) -> [String: String] {
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        var statuses: [String: String] = [:]
        for alert in (json?["alerts"] as? [[String: Any]]) ?? [] {
            if let name = (alert["labels"] as? [String: String])?["alertname"] { statuses[name] = alert["status"] as? String }
        }
        return statuses
    }

    static func webhookAlertNames(_ body: String) -> [String] {
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        return ((json?["alerts"] as? [[String: Any]]) ?? []).compactMap { ($0["labels"] as? [String: String])?["alertname"] }
    }

    static func slackAttachment(_ body: String) -> (title: String, text: String) {
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        let attachment = (json?["attachments"] as? [[String: Any]])?.first
        return ((attachment?["title"] as? String) ?? "", (attachment?["text"] as? String) ?? "")
    }
}

extension AlertmanagerTests {
    /// Records the HTTP requests Alertmanager's notifiers make (webhook, Slack) on 127.0.0.1,
    /// answering 200 to each.
    final class NotificationSink: Sendable {
        struct Request: Sendable {
            var path: String
            var body: String
        }

        struct Failure: Error, CustomStringConvertible {
            var description: String
        }

        let port: Int
        private let listener: Int32
        private let requests = Mutex<[Request]>([])
        private let stopping = Atomic<Bool>(false)
        private let finished = Atomic<Bool>(false)

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 16) == 0 else {
                close(fd)
                throw Failure(description: "bind/listen: errno \(errno)")
            }
            var actual = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &actual) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            listener = fd
            port = Int(UInt16(bigEndian: actual.sin_port))
            Thread.detachNewThread { [self] in serve() }
        }

        var received: [Request] { requests.withLock { $0 } }

        /// Ends the accept loop (it polls every 100 ms) and waits up to 2 s for it to close the socket.
        func stop() {
            stopping.store(true, ordering: .releasing)
            let deadline = Date().addingTimeInterval(2)
            while !finished.load(ordering: .acquiring) && Date() < deadline { usleep(10_000) }
        }

        private func serve() {
            defer {
                close(listener)
                finished.store(true, ordering: .releasing)
            }
            while !stopping.load(ordering: .acquiring) {
                var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 100) > 0 else { continue }
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                if let request = Self.read(client) { requests.withLock { $0.append(request) } }
                let reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                _ = reply.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }

        /// One request: the head, then Content-Length bytes of body; nil on a timeout (5 s) or a
        /// malformed head.
        private static func read(_ client: Int32) -> Request? {
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            var bodyStart: Int?
            var expected = 0
            while bytes.count < 16 << 20 {
                if let start = bodyStart, bytes.count - start >= expected { break }
                let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return nil }
                bytes.append(contentsOf: buffer[0..<count])
                if bodyStart == nil, let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) {
                    bodyStart = end.upperBound
                    let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).lowercased()
                    for line in head.components(separatedBy: "\r\n") where line.hasPrefix("content-length:") {
                        expected = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            guard let start = bodyStart else { return nil }
            let head = String(decoding: bytes[..<start], as: UTF8.self)
            let requestLine = head.components(separatedBy: "\r\n").first?.split(separator: " ") ?? []
            guard requestLine.count >= 2 else { return nil }
            return Request(path: String(requestLine[1]), body: String(decoding: bytes[start...], as: UTF8.self))
        }
    }
}
