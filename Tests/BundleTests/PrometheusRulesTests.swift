import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// config/prometheus: the scrape config, the recording and alert rules, and the promtool unit
/// tests that pin each alert's behaviour (config/prometheus/tests).
@Suite("Prometheus config and rules")
struct PrometheusRulesTests {
    static let installHint = "apt-get install prometheus"
    static let ruleFiles = ["config/prometheus/rules/recording.yaml", "config/prometheus/rules/alerts.yaml"]
    static let unitTestDirectory = "config/prometheus/tests"

    static var unitTestFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: BundleTools.path(unitTestDirectory))) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func rulesPassPromtoolCheck() throws {
        guard let promtool = BundleTools.tool("promtool", installHint: Self.installHint) else { return }
        let output = try BundleTools.check(promtool, ["check", "rules"] + Self.ruleFiles)
        #expect(output.components(separatedBy: "SUCCESS").count - 1 == Self.ruleFiles.count, "\(output)")
    }

    /// `promtool check rules` is worth running only if it rejects a wrong expression.
    @Test func promtoolCheckRejectsABrokenExpression() throws {
        guard let promtool = BundleTools.tool("promtool", installHint: Self.installHint) else { return }
        let directory = try TemporaryDirectory("outrider-rules")
        let original = try String(contentsOfFile: BundleTools.path("config/prometheus/rules/recording.yaml"), encoding: .utf8)
        let broken = try Self.replacingOnce(
            in: original, "rate(http_server_request_duration_count[5m]))\n", with: "rate(http_server_request_duration_count[5m])\n")
        let file = try directory.write("recording.yaml", broken)
        let output = try BundleTools.check(promtool, ["check", "rules", file], expectStatus: 1)
        #expect(output.contains("FAILED"), "\(output)")
    }

    @Test(arguments: unitTestFiles)
    func unitTestsPass(_ file: String) throws {
        guard let promtool = BundleTools.tool("promtool", installHint: Self.installHint) else { return }
        let output = try BundleTools.check(promtool, ["test", "rules", "\(Self.unitTestDirectory)/\(file)"])
        #expect(output.contains("SUCCESS"), "\(output)")
    }

    /// Every alert of alerts.yaml has a unit test where it fires (labels and annotations
    /// checked) and one where it must stay quiet.
    @Test func everyAlertIsTestedFiringAndQuiet() throws {
        let files = Self.unitTestFiles
        #expect(files.count >= 5, "unit test files: \(files)")
        var firing: Set<String> = []
        var quiet: Set<String> = []
        for file in files {
            let lines = try String(contentsOfFile: BundleTools.path("\(Self.unitTestDirectory)/\(file)"), encoding: .utf8)
                .components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            for (index, line) in lines.enumerated() where line.hasPrefix("alertname: ") && index + 1 < lines.count {
                let name = String(line.dropFirst("alertname: ".count))
                if lines[index + 1] == "exp_alerts: []" { quiet.insert(name) }
                if lines[index + 1] == "exp_alerts:" && index + 2 < lines.count && lines[index + 2].hasPrefix("- exp_labels:") {
                    firing.insert(name)
                }
            }
        }
        let alerts = try Self.alerts().map(\.name)
        #expect(alerts.count >= 14, "alerts: \(alerts)")
        for alert in alerts {
            #expect(firing.contains(alert), "\(alert) has no unit test where it fires")
            #expect(quiet.contains(alert), "\(alert) has no unit test where it must not fire")
        }
    }

    /// Routing needs `severity` and inhibition `category`; the README's "Alerts and where they go"
    /// has one anchor per alert.
    @Test func everyAlertHasSeverityCategoryAndRunbook() throws {
        let alerts = try Self.alerts()
        for alert in alerts {
            let severity = alert.lines.first { $0.hasPrefix("severity: ") }.map { String($0.dropFirst("severity: ".count)) }
            #expect(["P1", "P2", "P3", "P4"].contains(severity ?? ""), "\(alert.name): severity \(severity ?? "missing")")
            let category = alert.lines.first { $0.hasPrefix("category: ") }.map { String($0.dropFirst("category: ".count)) }
            #expect(["availability", "errors", "latency", "cost", "security", "agent"].contains(category ?? ""),
                    "\(alert.name): category \(category ?? "missing")")
            let runbook = "runbook_url: https://github.com/outrider/outrider/blob/main/README.md#alert-\(alert.name.lowercased())"
            #expect(alert.lines.contains(runbook), "\(alert.name) lacks `\(runbook)`")
            #expect(alert.lines.contains { $0.hasPrefix("summary: ") }, "\(alert.name) has no summary")
            #expect(alert.lines.contains { $0.hasPrefix("description: ") }, "\(alert.name) has no description")
        }
        // The runbook anchors lead somewhere: README.md's table of alerts, one row each.
        let readme = try String(contentsOfFile: BundleTools.path("README.md"), encoding: .utf8)
        for alert in alerts {
            #expect(readme.contains("<a id=\"alert-\(alert.name.lowercased())\"></a>`\(alert.name)`"), "README.md explains no \(alert.name)")
        }
        let severities = Dictionary(uniqueKeysWithValues: alerts.map { alert in
            (alert.name, alert.lines.first { $0.hasPrefix("severity: ") } ?? "")
        })
        #expect(severities["ServiceAvailabilityBelowSLO"] == "severity: P1")
        #expect(severities["ServiceTrafficStopped"] == "severity: P1")
        #expect(severities["ServiceHighErrorRate"] == "severity: P2")
        #expect(severities["ServiceLatencyAboveBaseline"] == "severity: P2")
        #expect(severities["AICostOverDailyBudget"] == "severity: P3")
        #expect(severities["RepeatedFailedLogins"] == "severity: P2")
        // A P1 inhibits errors, latency and agent alerts of its service (alertmanager.yaml), not these.
        let categories = Dictionary(uniqueKeysWithValues: alerts.map { alert in
            (alert.name, alert.lines.first { $0.hasPrefix("category: ") } ?? "")
        })
        #expect(categories["RepeatedFailedLogins"] == "category: security")
        #expect(categories["AICostOverDailyBudget"] == "category: cost")
    }

    /// A rule with a wrong threshold or a lost guard, the unit tests must fail on. Each is
    /// applied to a copy of the rules, next to a copy of the unit test file that catches it.
    struct Mutation: Sendable, CustomTestStringConvertible {
        var rules: String
        var original: String
        var broken: String
        var unitTest: String
        var failing: String
        var testDescription: String { "\(failing): \(broken)" }
    }

    static let mutations: [Mutation] = [
        Mutation(rules: "alerts.yaml", original: "service:http_availability:ratio_rate5m < 0.999\n",
                 broken: "service:http_availability:ratio_rate5m < 0.9999\n", unitTest: "slo_test.yaml",
                 failing: "ServiceAvailabilityBelowSLO"),
        Mutation(rules: "alerts.yaml", original: "> 1 / 60\n", broken: "> 0\n", unitTest: "slo_test.yaml",
                 failing: "ServiceTrafficStopped"),
        Mutation(rules: "alerts.yaml", original: "    > 0.05\n", broken: "    > 0.03\n", unitTest: "slo_test.yaml",
                 failing: "ServiceHighErrorRate"),
        // The old rule's timing: errors held for 10 minutes on top of the window.
        Mutation(rules: "alerts.yaml", original: "    > 0.05\n        for: 1m\n", broken: "    > 0.05\n        for: 10m\n",
                 unitTest: "slo_test.yaml", failing: "ServiceHighErrorRate"),
        Mutation(rules: "alerts.yaml", original: "> 2 * (service:http_request_duration_seconds:p95_5m:avg1d > 0)",
                 broken: "> 1.8 * (service:http_request_duration_seconds:p95_5m:avg1d > 0)", unitTest: "latency_test.yaml",
                 failing: "ServiceLatencyAboveBaseline"),
        Mutation(rules: "alerts.yaml", original: "> 1.5 * max by (namespace, service) (ai_cost_daily_budget)",
                 broken: "> 1.3 * max by (namespace, service) (ai_cost_daily_budget)", unitTest: "cost_security_test.yaml",
                 failing: "AICostOverDailyBudget"),
        Mutation(rules: "alerts.yaml", original: "> 1.5 * max by (namespace, service) (ai_cost_daily_budget)",
                 broken: "> 1.5 * sum by (namespace, service) (ai_cost_daily_budget)", unitTest: "cost_security_test.yaml",
                 failing: "AICostOverDailyBudget"),
        // A new pod's or model's counter seen by increase() alone (`X unless X` is empty).
        Mutation(rules: "alerts.yaml", original: "last_over_time(ai_cost[1h] offset 1d) <= ai_cost", broken: "ai_cost",
                 unitTest: "cost_security_test.yaml", failing: "AICostOverDailyBudget"),
        Mutation(rules: "alerts.yaml", original: "  ) > 20\n", broken: "  ) >= 20\n", unitTest: "cost_security_test.yaml",
                 failing: "RepeatedFailedLogins"),
        Mutation(rules: "alerts.yaml",
                 original: "last_over_time(auth_login_attempts{outcome=\"failure\"}[1h] offset 5m) <= auth_login_attempts{outcome=\"failure\"}",
                 broken: "auth_login_attempts{outcome=\"failure\"}", unitTest: "cost_security_test.yaml", failing: "RepeatedFailedLogins"),
        // The sample exactly 5 minutes earlier instead of the last one of the hour before: a stale marker there fires.
        Mutation(rules: "alerts.yaml", original: "last_over_time(auth_login_attempts{outcome=\"failure\"}[1h] offset 5m)",
                 broken: "auth_login_attempts{outcome=\"failure\"} offset 5m", unitTest: "cost_security_test.yaml",
                 failing: "RepeatedFailedLogins"),
        Mutation(rules: "alerts.yaml", original: "increase(outrider_exporter_requests_total{result=\"success\"}[10m])",
                 broken: "increase(outrider_exporter_requests_total{result=\"success\"}[5m])", unitTest: "agent_test.yaml",
                 failing: "OutriderExporterFailing"),
        Mutation(rules: "alerts.yaml", original: "(outrider_buffer_capacity_bytes > 0) > 0.8\n",
                 broken: "(outrider_buffer_capacity_bytes > 0) > 0.75\n", unitTest: "agent_test.yaml", failing: "OutriderBufferNearlyFull"),
        Mutation(rules: "alerts.yaml",
                 original: "last_over_time(outrider_buffer_dropped_total[1h] offset 10m) <= outrider_buffer_dropped_total",
                 broken: "outrider_buffer_dropped_total", unitTest: "agent_test.yaml", failing: "OutriderEventsDropped"),
        Mutation(rules: "alerts.yaml", original: "last_over_time(outrider_buffer_dropped_total[1h] offset 10m)",
                 broken: "outrider_buffer_dropped_total offset 10m", unitTest: "agent_test.yaml", failing: "OutriderEventsDropped"),
        // Existence in the hour before instead of the value: a restarted agent's new drops are missed.
        Mutation(rules: "alerts.yaml",
                 original: "last_over_time(outrider_buffer_dropped_total[1h] offset 10m) <= outrider_buffer_dropped_total",
                 broken: "max_over_time(outrider_buffer_dropped_total[1h] offset 10m)", unitTest: "agent_test.yaml",
                 failing: "OutriderEventsDropped"),
        Mutation(rules: "alerts.yaml",
                 original: "last_over_time(outrider_file_logs_unread_bytes_lost_total[1h] offset 10m) <= outrider_file_logs_unread_bytes_lost_total",
                 broken: "outrider_file_logs_unread_bytes_lost_total", unitTest: "agent_test.yaml", failing: "OutriderLogDataLost"),
        Mutation(rules: "alerts.yaml", original: "last_over_time(outrider_file_logs_unread_bytes_lost_total[1h] offset 10m)",
                 broken: "outrider_file_logs_unread_bytes_lost_total offset 10m", unitTest: "agent_test.yaml", failing: "OutriderLogDataLost"),
        Mutation(rules: "alerts.yaml", original: "expr: up{job=\"outrider\"} == 0\n", broken: "expr: up == 0\n",
                 unitTest: "agent_test.yaml", failing: "OutriderAgentDown"),
        Mutation(rules: "alerts.yaml", original: "expr: outrider_config_last_reload_successful == 0\n",
                 broken: "expr: outrider_config_last_reload_successful <= 1\n", unitTest: "agent_test.yaml",
                 failing: "OutriderConfigReloadFailed"),
        Mutation(rules: "alerts.yaml", original: "outrider_file_logs_unread_bytes > 1048576\n",
                 broken: "outrider_file_logs_unread_bytes > 0\n", unitTest: "agent_test.yaml", failing: "OutriderLogTailLagGrowing"),
        Mutation(rules: "recording.yaml", original: "histogram_quantile(0.95,", broken: "histogram_quantile(0.90,",
                 unitTest: "recording_test.yaml", failing: "service:http_request_duration_seconds:p95_5m"),
    ]

    @Test(arguments: mutations)
    func unitTestsCatchABrokenRule(_ mutation: Mutation) throws {
        guard let promtool = BundleTools.tool("promtool", installHint: Self.installHint) else { return }
        let directory = try TemporaryDirectory("outrider-rules")
        for file in ["recording.yaml", "alerts.yaml"] {
            var text = try String(contentsOfFile: BundleTools.path("config/prometheus/rules/\(file)"), encoding: .utf8)
            if file == mutation.rules { text = try Self.replacingOnce(in: text, mutation.original, with: mutation.broken) }
            try directory.write("rules/\(file)", text)
        }
        let unitTest = try String(contentsOfFile: BundleTools.path("\(Self.unitTestDirectory)/\(mutation.unitTest)"), encoding: .utf8)
        let path = try directory.write("tests/\(mutation.unitTest)", unitTest)
        let output = try BundleTools.check(promtool, ["test", "rules", path], expectStatus: 1)
        #expect(output.contains(mutation.failing), "the failure should name \(mutation.failing):\n\(output)")
    }

    /// Debian builds Prometheus without Kubernetes service discovery, so its promtool rejects
    /// `kubernetes_sd_configs`; everything else of the file is then checked on a copy that
    /// discovers from a file instead (the rules/ directory linked next to it, as in the pod).
    @Test func scrapeConfigPassesPromtoolCheck() throws {
        guard let promtool = BundleTools.tool("promtool", installHint: Self.installHint) else { return }
        let config = "config/prometheus/prometheus.yml"
        let direct = try Command.run("/usr/bin/env", ["-C", BundleTools.root, promtool, "check", "config", config])
        let output: String
        if direct.output.contains("field kubernetes_sd_configs not found") {
            print("note: this promtool has no Kubernetes service discovery (Debian's build): checking \(config) with file_sd_configs")
            let directory = try TemporaryDirectory("outrider-prometheus")
            let copy = try Self.fileDiscoveryCopy(in: directory, targets: "\(directory.path)/targets.json")
            output = try BundleTools.check(promtool, ["check", "config", copy])
        } else {
            #expect(direct.status == 0, "promtool check config \(config):\n\(direct.output)")
            output = direct.output
        }
        #expect(output.contains("SUCCESS: \(Self.ruleFiles.count) rule files found"), "\(output)")
    }

    /// The relabeling, run by a real Prometheus on pods as Kubernetes discovery describes them
    /// (one target per container port; `__meta_kubernetes_*` labels), all at 127.0.0.1.
    @Test func relabelingKeepsOnlyTheAnnotatedSidecars() async throws {
        guard let prometheus = BundleTools.tool("prometheus", installHint: Self.installHint) else { return }
        let directory = try TemporaryDirectory("outrider-prometheus")
        let config = try Self.fileDiscoveryCopy(in: directory, targets: "\(directory.path)/targets.json")
        let checkoutPort = freeLoopbackPort()
        let searchPort = freeLoopbackPort()

        func pod(_ name: String, service: String?, container: String, port: Int?, annotations: [String: String],
                 phase: String = "Running", initContainer: Bool = false) -> [String: Any] {
            var labels = [
                "__meta_kubernetes_namespace": "shop", "__meta_kubernetes_pod_name": name,
                "__meta_kubernetes_pod_container_name": container, "__meta_kubernetes_pod_phase": phase,
                "__meta_kubernetes_pod_container_init": initContainer ? "true" : "false",
            ]
            if let service { labels["__meta_kubernetes_pod_label_app_kubernetes_io_name"] = service }
            if let port { labels["__meta_kubernetes_pod_container_port_number"] = String(port) }
            for (key, value) in annotations { labels["__meta_kubernetes_pod_annotation_prometheus_io_\(key)"] = value }
            return ["targets": [port.map { "127.0.0.1:\($0)" } ?? "127.0.0.1"], "labels": labels]
        }
        let checkout = ["scrape": "true", "port": String(checkoutPort), "path": "/metrics"]
        let search = ["scrape": "true", "port": String(searchPort), "path": "/custom/metrics"]
        let pods: [[String: Any]] = [
            pod("checkout-7d9f", service: "checkout", container: "app", port: 8080, annotations: checkout),
            // A native sidecar: an init container with restartPolicy: Always (manifests/base).
            pod("checkout-7d9f", service: "checkout", container: "outrider", port: checkoutPort, annotations: checkout, initContainer: true),
            pod("checkout-7d9f", service: "checkout", container: "migrate", port: nil, annotations: checkout, initContainer: true),
            pod("search-5c4b", service: "search", container: "outrider", port: searchPort, annotations: search),
            pod("report-job-1", service: "report", container: "outrider", port: freeLoopbackPort(),
                annotations: ["scrape": "true", "port": "9"], phase: "Succeeded"),
            pod("legacy-0", service: "legacy", container: "outrider", port: freeLoopbackPort(), annotations: [:]),
            pod("noport-0", service: "noport", container: "outrider", port: freeLoopbackPort(), annotations: ["scrape": "true"]),
        ]
        try directory.write("targets.json", String(decoding: try JSONSerialization.data(withJSONObject: pods), as: UTF8.self))

        let port = freeLoopbackPort()
        let server = try ChildProcess([
            "--config.file=\(config)", "--storage.tsdb.path=\(directory.path)/data", "--web.listen-address=127.0.0.1:\(port)",
            "--web.enable-remote-write-receiver",
        ], executable: prometheus)
        defer { server.stop() }

        var targets: [String: Any] = [:]
        let discovered = await eventually(within: 30) {
            guard let response = try? RawHTTP.get("/api/v1/targets?state=any", port: port), response.status == 200,
                  let json = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
                  let data = json["data"] as? [String: Any] else { return false }
            targets = data
            return ((data["activeTargets"] as? [Any])?.count ?? 0) + ((data["droppedTargets"] as? [Any])?.count ?? 0) == pods.count
        }
        try #require(discovered, "Prometheus did not discover the \(pods.count) targets; targets: \(targets)\nlog:\n\(server.text)")

        let active = (targets["activeTargets"] as? [[String: Any]]) ?? []
        let labels = active.compactMap { $0["labels"] as? [String: String] }.sorted { ($0["pod"] ?? "") < ($1["pod"] ?? "") }
        #expect(labels == [
            ["job": "outrider", "instance": "127.0.0.1:\(checkoutPort)", "namespace": "shop", "pod": "checkout-7d9f",
             "service": "checkout", "container": "outrider"],
            ["job": "outrider", "instance": "127.0.0.1:\(searchPort)", "namespace": "shop", "pod": "search-5c4b",
             "service": "search", "container": "outrider"],
        ])
        let urls = Set(active.compactMap { $0["scrapeUrl"] as? String })
        #expect(urls == ["http://127.0.0.1:\(checkoutPort)/metrics", "http://127.0.0.1:\(searchPort)/custom/metrics"])
        #expect(((targets["droppedTargets"] as? [Any]) ?? []).count == pods.count - 2)
    }

    // MARK: - Helpers

    struct Alert {
        var name: String
        /// The rule's lines, trimmed.
        var lines: [String]
    }

    /// The alerting rules of alerts.yaml, read line by line (each starts with `- alert: `).
    static func alerts() throws -> [Alert] {
        let text = try String(contentsOfFile: BundleTools.path("config/prometheus/rules/alerts.yaml"), encoding: .utf8)
        var alerts: [Alert] = []
        for line in text.components(separatedBy: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("- alert: ") {
                alerts.append(Alert(name: String(line.dropFirst("- alert: ".count)), lines: []))
            } else if line.hasPrefix("- name: ") || line.hasPrefix("- record: ") {
                continue
            } else if !alerts.isEmpty {
                alerts[alerts.count - 1].lines.append(line)
            }
        }
        return alerts
    }

    struct MissingText: Error, CustomStringConvertible {
        var description: String
    }

    /// `text` with `original` replaced; it must occur exactly once, so that a test that
    /// breaks a rule cannot pass because the rule changed under it.
    static func replacingOnce(in text: String, _ original: String, with replacement: String) throws -> String {
        let occurrences = text.components(separatedBy: original).count - 1
        guard occurrences == 1 else {
            throw MissingText(description: "expected exactly one `\(original)`, found \(occurrences)")
        }
        return text.replacingOccurrences(of: original, with: replacement)
    }

    /// prometheus.yml with Kubernetes discovery swapped for file discovery of `targets`,
    /// Alertmanager pointed at a closed loopback port, and rules/ linked next to it.
    static func fileDiscoveryCopy(in directory: TemporaryDirectory, targets: String) throws -> String {
        var text = try String(contentsOfFile: BundleTools.path("config/prometheus/prometheus.yml"), encoding: .utf8)
        text = try replacingOnce(in: text, "    kubernetes_sd_configs:\n      - role: pod\n",
                                 with: "    file_sd_configs:\n      - files: [\"\(targets)\"]\n        refresh_interval: 1s\n")
        text = try replacingOnce(in: text, "\"alertmanager.monitoring.svc:9093\"", with: "\"127.0.0.1:\(freeLoopbackPort())\"")
        try FileManager.default.createSymbolicLink(
            atPath: "\(directory.path)/rules", withDestinationPath: BundleTools.path("config/prometheus/rules"))
        return try directory.write("prometheus.yml", text)
    }
}
