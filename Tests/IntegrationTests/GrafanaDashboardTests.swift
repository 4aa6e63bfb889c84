import Foundation
import TestSupport
import Testing

/// config/grafana/dashboards/*.json as Grafana would load them: the structure a provisioned
/// dashboard needs, and every panel's PromQL run by a real Prometheus (started here on
/// 127.0.0.1) that scrapes a real sidecar, receives a service's OTLP metrics through the
/// sidecar's remote_write and evaluates the bundle's recording rules. A query Prometheus
/// refuses, and a query that runs but finds nothing ("No data" on the panel: a wrong metric or
/// label name), both fail, each reported with its dashboard and panel.
@Suite("Grafana dashboards: structure, and every panel's PromQL in a real Prometheus")
struct GrafanaDashboardTests {
    static let dashboardsDirectory = AgentProcess.repositoryRoot + "/config/grafana/dashboards"
    static let rulesDirectory = AgentProcess.repositoryRoot + "/config/prometheus/rules"
    static let files = ["platform-overview.json", "outrider-agent.json"]

    struct PanelQuery: Sendable, CustomStringConvertible {
        var dashboard: String
        var panel: String
        var refId: String
        var expr: String
        var description: String { "\(dashboard) › \"\(panel)\" [\(refId)]" }
    }

    struct VariableQuery: Sendable {
        var dashboard: String
        var name: String
        var query: String
    }

    struct Panel: Sendable {
        var title: String
        var type: String
        var thresholds: [Double]
        var metrics: Set<String>
    }

    struct Dashboard: Sendable {
        var file: String
        var variables: Set<String> = []
        var variableQueries: [VariableQuery] = []
        var panels: [Panel] = []
        var queries: [PanelQuery] = []
        var problems: [String] = []
        var metrics: Set<String> { panels.reduce(into: []) { $0.formUnion($1.metrics) } }
    }

    // MARK: - Reading a dashboard

    /// What Grafana puts in for its own variables when it runs a query; values a test
    /// Prometheus with a few seconds of data answers sensibly for.
    static let builtins = ["__rate_interval": "1m", "__interval": "15s", "__range": "5m"]
    /// The units these dashboards use: a typo would show raw numbers. `count:` is Grafana's
    /// custom count unit ("1.2 K events/s"); `cores` has no built-in id and shows as a suffix.
    static let units: Set<String> = ["reqps", "s", "percentunit", "bytes", "Bps", "cores", "short", "none"]
    static let scopedByExporter = ["outrider_exporter_", "outrider_buffer_"]

    static func isTemplated(_ value: Any?) -> Bool {
        guard let object = value as? [String: Any] else { return false }
        return object["type"] as? String == "prometheus" && object["uid"] as? String == "${datasource}"
    }

    static func load(_ file: String) throws -> Dashboard {
        inspect(try Data(contentsOf: URL(fileURLWithPath: "\(dashboardsDirectory)/\(file)")), file: file)
    }

    /// The dashboard's queries and everything wrong with it, all at once.
    static func inspect(_ data: Data, file: String) -> Dashboard {
        var board = Dashboard(file: file)
        func problem(_ text: String) { board.problems.append("\(file): \(text)") }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            problem("not a JSON object")
            return board
        }
        for key in ["uid", "title", "refresh"] where ((root[key] as? String) ?? "").isEmpty { problem("no \(key)") }
        if ((root["tags"] as? [String]) ?? []).isEmpty { problem("no tags") }
        if !(root["time"] is [String: Any]) { problem("no time range") }
        if ((root["schemaVersion"] as? Int) ?? 0) < 36 { problem("schemaVersion missing or below 36") }

        let variables = ((root["templating"] as? [String: Any])?["list"] as? [[String: Any]]) ?? []
        let hasDatasource = variables.contains {
            $0["name"] as? String == "datasource" && $0["type"] as? String == "datasource" && $0["query"] as? String == "prometheus"
        }
        if !hasDatasource { problem("no datasource variable (type datasource, query prometheus)") }
        for variable in variables {
            guard let name = variable["name"] as? String else {
                problem("a variable without a name")
                continue
            }
            board.variables.insert(name)
            guard variable["type"] as? String == "query" else { continue }
            if !isTemplated(variable["datasource"]) { problem("variable \(name): datasource is not ${datasource}") }
            let query = ((variable["query"] as? [String: Any])?["query"] as? String) ?? (variable["query"] as? String) ?? ""
            if query.isEmpty { problem("variable \(name): no query") }
            board.variableQueries.append(VariableQuery(dashboard: file, name: name, query: query))
        }

        var ids = Set<Int>()
        func walk(_ panels: [[String: Any]]) {
            for panel in panels {
                let title = (panel["title"] as? String) ?? "?"
                let type = (panel["type"] as? String) ?? "?"
                let label = "panel \"\(title)\""
                if let id = panel["id"] as? Int {
                    if !ids.insert(id).inserted { problem("\(label): id \(id) is used twice") }
                } else {
                    problem("\(label): no id")
                }
                let grid = panel["gridPos"] as? [String: Any]
                if ["h", "w", "x", "y"].contains(where: { grid?[$0] as? Int == nil }) { problem("\(label): no gridPos {h, w, x, y}") }
                if !isTemplated(panel["datasource"]) { problem("\(label): datasource is not ${datasource}") }
                // A collapsed row keeps its panels inside it.
                if type == "row" {
                    walk((panel["panels"] as? [[String: Any]]) ?? [])
                    continue
                }
                if ((panel["description"] as? String) ?? "").isEmpty { problem("\(label): no description") }
                let defaults = (panel["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any]
                let unit = (defaults?["unit"] as? String) ?? ""
                if !units.contains(unit) && !unit.hasPrefix("count:") { problem("\(label): unit \"\(unit)\" is not one the dashboards use") }
                let steps = ((defaults?["thresholds"] as? [String: Any])?["steps"] as? [[String: Any]]) ?? []
                let targets = (panel["targets"] as? [[String: Any]]) ?? []
                if targets.isEmpty { problem("\(label): no targets") }
                var metrics = Set<String>()
                for target in targets {
                    let refId = (target["refId"] as? String) ?? "?"
                    if !isTemplated(target["datasource"]) { problem("\(label) [\(refId)]: datasource is not ${datasource}") }
                    guard let expr = target["expr"] as? String, !expr.isEmpty else {
                        problem("\(label) [\(refId)]: no expr")
                        continue
                    }
                    for text in expressionProblems(expr, variables: board.variables) { problem("\(label) [\(refId)]: \(text)") }
                    metrics.formUnion(selectors(expr).map(\.name))
                    board.queries.append(PanelQuery(dashboard: file, panel: title, refId: refId, expr: expr))
                }
                board.panels.append(Panel(
                    title: title, type: type, thresholds: steps.compactMap { $0["value"] as? Double }, metrics: metrics))
            }
        }
        walk((root["panels"] as? [[String: Any]]) ?? [])
        return board
    }

    /// `name{matchers}` in an expression (every selector here names its metric).
    static func selectors(_ expr: String) -> [(name: String, matchers: String)] {
        expr.matches(of: #/([a-zA-Z_:][a-zA-Z0-9_:]*)?\{([^}]*)\}/#).map { (String($0.output.1 ?? ""), String($0.output.2)) }
    }

    /// What would make a panel wrong in Grafana although Prometheus would run it: a query
    /// that ignores the dashboard's filters, a window that breaks at another scrape interval,
    /// a variable the dashboard does not define.
    static func expressionProblems(_ expr: String, variables: Set<String>) -> [String] {
        var problems: [String] = []
        for match in expr.matches(of: #/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)/#) {
            let name = String(match.output.1 ?? match.output.2 ?? "")
            if name == "datasource" {
                problems.append("${datasource} belongs in the datasource field, not in the query")
            } else if builtins[name] == nil && !variables.contains(name) {
                problems.append("$\(name) is not a dashboard variable")
            }
        }
        for window in expr.matches(of: #/\[([^\]]+)\]/#).map({ String($0.output.1) }) where !window.hasPrefix("$__") {
            problems.append("window [\(window)] is fixed: use $__rate_interval")
        }
        for selector in selectors(expr) {
            var scopes = ["namespace", "service", "pod"].filter(variables.contains)
            if variables.contains("exporter") && scopedByExporter.contains(where: selector.name.hasPrefix) { scopes.append("exporter") }
            for scope in scopes where !selector.matchers.contains("\(scope)=~\"$\(scope)\"") {
                problems.append("selector \(selector.name){\(selector.matchers)} does not filter on \(scope)=~\"$\(scope)\"")
            }
        }
        return problems
    }

    /// The query Prometheus gets: Grafana's interval variables as a short test needs them,
    /// the dashboard's selection variables as "All" (`.*`).
    static func promQL(_ expr: String) -> String {
        expr.replacing(#/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)/#) { match in
            builtins[String(match.output.1 ?? match.output.2 ?? "")] ?? ".*"
        }
    }

    // MARK: - Asking Prometheus

    struct Answer: Sendable {
        var error: String?
        var series: [[String: String]]
    }

    static func query(_ promql: String, port: Int) -> Answer {
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
        do {
            let response = try RawHTTP.get("/api/v1/query?query=\(encoded)", port: port)
            guard let root = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] else {
                return Answer(error: "HTTP \(response.status): \(response.body.prefix(300))", series: [])
            }
            guard root["status"] as? String == "success" else {
                return Answer(error: (root["error"] as? String) ?? "HTTP \(response.status): \(response.body.prefix(300))", series: [])
            }
            let result = ((root["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
            return Answer(error: nil, series: result.map { ($0["metric"] as? [String: String]) ?? [:] })
        } catch {
            return Answer(error: "\(error)", series: [])
        }
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var query: PanelQuery
        var error: String
        var description: String { "\(query): \(error)\n    \(query.expr)" }
    }

    /// Every query Prometheus refuses, with its panel and Prometheus' reason.
    static func refused(_ queries: [PanelQuery], port: Int) -> [Refusal] {
        queries.compactMap { item in query(promQL(item.expr), port: port).error.map { Refusal(query: item, error: $0) } }
    }

    /// Every query that runs but returns no series: the panel would say "No data".
    static func empty(_ queries: [PanelQuery], port: Int) -> [PanelQuery] {
        queries.filter { query(promQL($0.expr), port: port).series.isEmpty }
    }

    /// `label_values(selector, label)`: the selector must find series that carry the label,
    /// or the variable's drop-down is empty.
    static func variableProblem(_ variable: VariableQuery, port: Int) -> String? {
        guard let match = variable.query.wholeMatch(of: #/label_values\((.+),\s*(\w+)\)/#) else {
            return "\(variable.dashboard) › $\(variable.name): not label_values(selector, label): \(variable.query)"
        }
        let label = String(match.output.2)
        let answer = query(promQL(String(match.output.1)), port: port)
        if let error = answer.error { return "\(variable.dashboard) › $\(variable.name): \(error)" }
        if answer.series.isEmpty || answer.series.contains(where: { $0[label] == nil }) {
            return "\(variable.dashboard) › $\(variable.name): no series with \(label) for \(variable.query)"
        }
        return nil
    }

    // MARK: - Structure

    @Test("both dashboards are provisionable as they are, with the panels the platform asked for")
    func dashboardsAreWellFormed() throws {
        let overview = try Self.load("platform-overview.json")
        let agent = try Self.load("outrider-agent.json")
        #expect(overview.problems.isEmpty, "\(overview.problems.joined(separator: "\n"))")
        #expect(agent.problems.isEmpty, "\(agent.problems.joined(separator: "\n"))")
        #expect(overview.variables.isSuperset(of: ["datasource", "namespace", "service"]))
        #expect(agent.variables.isSuperset(of: ["datasource", "namespace", "service", "pod", "exporter"]))

        let overviewNeeds: Set<String> = [
            "up", "service:http_availability:ratio_rate5m", "service:http_requests:rate5m", "service:http_error_ratio:rate5m",
            "service:http_request_duration_seconds:p50_5m", "service:http_request_duration_seconds:p95_5m",
            "service:http_request_duration_seconds:p99_5m", "service:process_cpu_seconds:rate5m",
            "service:process_resident_memory_bytes:sum", "outrider_exporter_sent_events_total",
            "outrider_buffer_dropped_total", "outrider_buffer_bytes", "outrider_buffer_capacity_bytes",
            "outrider_exporter_requests_total",
        ]
        #expect(overviewNeeds.subtracting(overview.metrics).isEmpty, "missing: \(overviewNeeds.subtracting(overview.metrics))")
        let agentNeeds: Set<String> = [
            "outrider_exporter_sent_events_total", "outrider_exporter_sent_bytes_total", "outrider_exporter_requests_total",
            "outrider_exporter_retries_total", "outrider_buffer_bytes", "outrider_buffer_capacity_bytes",
            "outrider_buffer_dropped_total", "outrider_receiver_requests_total", "outrider_receiver_refused_items_total",
            "outrider_file_logs_lines_total", "outrider_file_logs_unread_bytes", "outrider_traces_sampled_total",
            "process_cpu_seconds_total", "process_resident_memory_bytes", "outrider_build_info",
        ]
        #expect(agentNeeds.subtracting(agent.metrics).isEmpty, "missing: \(agentNeeds.subtracting(agent.metrics))")

        // The platform's alerting thresholds show on the panels that plot those ratios.
        let charts = overview.panels.filter { $0.type != "table" }
        let errorRatio = charts.filter { $0.metrics == ["service:http_error_ratio:rate5m"] }
        let availability = charts.filter { $0.metrics == ["service:http_availability:ratio_rate5m"] }
        #expect(!errorRatio.isEmpty && errorRatio.allSatisfy { $0.thresholds.contains(0.05) }, "\(errorRatio)")
        #expect(!availability.isEmpty && availability.allSatisfy { $0.thresholds.contains(0.999) }, "\(availability)")
    }

    @Test("a hard-wired datasource, duplicate ids, a fixed window, an unfiltered selector are each reported")
    func brokenDashboardIsReported() throws {
        let templated = #"{"type": "prometheus", "uid": "${datasource}"}"#
        let json = """
            {"uid": "broken", "title": "Broken", "tags": ["t"], "time": {"from": "now-1h", "to": "now"}, "refresh": "30s",
             "schemaVersion": 39,
             "templating": {"list": [
               {"name": "namespace", "type": "query", "datasource": \(templated), "query": "label_values(up, namespace)"},
               {"name": "service", "type": "custom", "query": "a,b"}]},
             "panels": [
               {"id": 1, "type": "timeseries", "title": "Hard-wired", "description": "d", "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                "datasource": {"type": "prometheus", "uid": "prometheus"}, "fieldConfig": {"defaults": {"unit": "reqps"}},
                "targets": [{"refId": "A", "datasource": \(templated),
                             "expr": "rate(up{namespace=~\\"$namespace\\", service=~\\"$service\\"}[5m])"}]},
               {"id": 2, "type": "row", "title": "Folded", "collapsed": true, "gridPos": {"h": 1, "w": 24, "x": 0, "y": 8},
                "datasource": \(templated),
                "panels": [{"id": 1, "type": "stat", "title": "Inside", "datasource": \(templated),
                            "fieldConfig": {"defaults": {"unit": "percent_unit"}},
                            "targets": [{"refId": "A", "datasource": \(templated),
                                         "expr": "up{namespace=~\\"$namespace\\", cluster=~\\"$cluster\\"}"}]}]}]}
            """
        let board = Self.inspect(Data(json.utf8), file: "broken.json")
        let expected = [
            "broken.json: no datasource variable (type datasource, query prometheus)",
            #"broken.json: panel "Hard-wired": datasource is not ${datasource}"#,
            #"broken.json: panel "Hard-wired" [A]: window [5m] is fixed: use $__rate_interval"#,
            #"broken.json: panel "Inside": id 1 is used twice"#,
            #"broken.json: panel "Inside": no gridPos {h, w, x, y}"#,
            #"broken.json: panel "Inside": no description"#,
            #"broken.json: panel "Inside": unit "percent_unit" is not one the dashboards use"#,
            #"broken.json: panel "Inside" [A]: $cluster is not a dashboard variable"#,
            #"broken.json: panel "Inside" [A]: selector up{namespace=~"$namespace", cluster=~"$cluster"} does not filter on service=~"$service""#,
        ]
        #expect(board.problems.sorted() == expected.sorted(), "\(board.problems.joined(separator: "\n"))")
        // The folded row's panel is found, and its query is collected for Prometheus.
        #expect(board.queries.map(\.panel) == ["Hard-wired", "Inside"])
        #expect(Self.promQL(board.queries[0].expr) == #"rate(up{namespace=~".*", service=~".*"}[5m])"#)
    }

    // MARK: - In a real Prometheus

    static let pod = "checkout-7d9f-x2lq"

    static func prometheusConfig(agentPort: Int) -> String {
        """
        global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
        rule_files: ["rules/*.yaml", "rules/*.yml"]
        scrape_configs:
          - job_name: outrider
            metrics_path: /metrics
            static_configs:
              - targets: ["127.0.0.1:\(agentPort)"]
                labels: {namespace: shop, service: checkout, pod: \(pod), container: outrider}
        """
    }

    /// The bundle's rule files, each group evaluated every second: the 1-day latency baseline's
    /// group runs once a minute, and its first sample would otherwise take that long. The
    /// expressions are left as they are.
    static func copyRules(into directory: TemporaryDirectory) throws -> Int {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: rulesDirectory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
        for name in names {
            let lines = try String(contentsOfFile: "\(rulesDirectory)/\(name)", encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false)
                .map { line in
                    let indent = line.prefix { $0 == " " }
                    return line.dropFirst(indent.count).hasPrefix("interval:") ? "\(indent)interval: 1s" : String(line)
                }
            try directory.write("rules/\(name)", lines.joined(separator: "\n"))
        }
        return names.count
    }

    /// The sidecar as the bundle deploys it, on 127.0.0.1: host metrics (cgroup included) and
    /// its own metrics on /metrics, a followed log file, an OTLP receiver whose metrics go to
    /// Prometheus by remote_write with the contract's resource labels, sampled traces.
    static func agentConfig(directory: TemporaryDirectory, agentPort: Int, prometheusPort: Int) -> String {
        """
        log: {level: info, format: json}
        server: {listen: "127.0.0.1:\(agentPort)"}
        service: {name: checkout}
        sources:
          # `process` watches the agent itself: the service's process in a pod (sidecar.yaml).
          host: {type: host_metrics, interval: 1s, collectors: [cpu, memory, load, cgroup, process], process: {name: outrider}}
          files:
            type: file_logs
            include: ["\(directory.path)/logs/*.log"]
            start_at: beginning
            checkpoint_dir: \(directory.path)/checkpoints
          app_otlp: {type: otlp, listen: "127.0.0.1:0"}
        processors:
          head: {type: sample, ratio: 50%}
        exporters:
          archive:
            type: file
            path: \(directory.path)/archive.jsonl
            batch: {max_wait: 100ms}
          prometheus:
            type: prometheus_remote_write
            endpoint: http://127.0.0.1:\(prometheusPort)/api/v1/write
            resource_labels: {service.name: service, k8s.namespace.name: namespace, k8s.pod.name: pod, service.instance.id: instance}
            batch: {max_wait: 100ms}
        pipelines:
          metrics/host: {sources: [host], exporters: [archive]}
          metrics/app: {sources: [app_otlp], exporters: [prometheus]}
          logs: {sources: [files, app_otlp], exporters: [archive]}
          traces: {sources: [app_otlp], processors: [head], exporters: [archive]}
        """
    }

    /// What a service's OpenTelemetry SDK exports for http.server.request.duration: a
    /// cumulative histogram per status code, `total` requests of which `errors` answered 503.
    static func requestDurations(total: Int, errors: Int, start: UInt64, now: UInt64) -> String {
        func attribute(_ key: String, _ value: String) -> String { #"{"key": "\#(key)", "value": {"stringValue": "\#(value)"}}"# }
        func point(code: Int, count: Int) -> String {
            let buckets = [count / 2, count / 4, count / 8]
            let counts = (buckets + [count - buckets.reduce(0, +)]).map { "\"\($0)\"" }.joined(separator: ", ")
            return """
                {"attributes": [{"key": "http.response.status_code", "value": {"intValue": "\(code)"}},
                  \(attribute("http.request.method", "GET")), \(attribute("http.route", "/cart"))],
                 "startTimeUnixNano": "\(start)", "timeUnixNano": "\(now)", "count": "\(count)", "sum": \(Double(count) * 0.1),
                 "bucketCounts": [\(counts)], "explicitBounds": [0.05, 0.25, 1.0]}
                """
        }
        return """
            {"resourceMetrics": [{"resource": {"attributes": [\(attribute("service.name", "checkout")),
               \(attribute("k8s.namespace.name", "shop")), \(attribute("k8s.pod.name", pod)), \(attribute("service.instance.id", pod))]},
             "scopeMetrics": [{"scope": {"name": "checkout"}, "metrics": [{"name": "http.server.request.duration", "unit": "s",
               "histogram": {"aggregationTemporality": 2, "dataPoints": [\(point(code: 200, count: total - errors)), \(point(code: 503, count: errors))]}}]}]}]}
            """
    }

    static func post(_ path: String, json: String, port: Int) throws -> Int {
        let body = Array(json.utf8)
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return try RawHTTP.exchange(Array(head.utf8) + body, port: port).status
    }

    static func otlpPort(_ agent: AgentProcess) async -> Int? {
        var port: Int?
        _ = await eventually(within: 30) {
            for line in agent.text.split(separator: "\n") where line.contains("otlp receiver listening") {
                if let range = line.range(of: #""address":"127.0.0.1:"#) { port = Int(line[range.upperBound...].prefix { $0.isNumber }) }
            }
            return port != nil
        }
        return port
    }

    static func usesRecordingRules(_ query: PanelQuery) -> Bool {
        selectors(query.expr).contains { $0.name.hasPrefix("service:") }
    }

    @Test("every panel's query runs in a real Prometheus and, fed by a real sidecar, shows data", .timeLimit(.minutes(3)))
    func everyQueryRunsAndShowsData() async throws {
        guard let executable = Prerequisite.executable("prometheus", installHint: "apt-get install prometheus") else { return }
        let boards = try Self.files.map(Self.load)
        let queries = boards.flatMap(\.queries)
        let directory = try TemporaryDirectory("outrider-grafana")
        let rules = try Self.copyRules(into: directory)
        if rules == 0 {
            _ = Prerequisite.missing("no rule files in \(Self.rulesDirectory): the recording-rule panels are only checked for errors")
        }
        try directory.write("logs/app.log", (1...20).map { "request \($0) served\n" }.joined())
        let agentPort = freeLoopbackPort()
        var prometheusPort = freeLoopbackPort()
        for _ in 0..<10 where prometheusPort == agentPort { prometheusPort = freeLoopbackPort() }
        let config = try directory.write("prometheus.yml", Self.prometheusConfig(agentPort: agentPort))
        let prometheus = try AgentProcess([
            "--config.file=\(config)", "--storage.tsdb.path=\(directory.path)/prometheus-data",
            "--web.listen-address=127.0.0.1:\(prometheusPort)", "--web.enable-remote-write-receiver", "--log.level=warn",
        ], executable: executable)
        let ready = await eventually(within: 30) { (try? RawHTTP.get("/-/ready", port: prometheusPort).status) == 200 }
        try #require(ready, "Prometheus did not become ready:\n\(prometheus.text)")

        let agentFile = try directory.write(
            "outrider.yaml", Self.agentConfig(directory: directory, agentPort: agentPort, prometheusPort: prometheusPort))
        let agent = try AgentProcess(["run", "--config", agentFile])
        try #require(await agent.listeningPort() == agentPort, "\(agent.text)")
        let otlp = try #require(await Self.otlpPort(agent), "\(agent.text)")

        // Two exports of the cumulative histogram: rate() needs two samples.
        let start = UInt64(Date().timeIntervalSince1970 * 1e9) - 60_000_000_000
        for (round, total) in [100, 250].enumerated() {
            if round > 0 { try await Task.sleep(for: .seconds(2)) }
            let now = UInt64(Date().timeIntervalSince1970 * 1e9)
            let json = Self.requestDurations(total: total, errors: total / 20, start: start, now: now)
            #expect(try Self.post("/v1/metrics", json: json, port: otlp) == 200, "\(agent.text)")
        }
        let scraped = await eventually(within: 30) {
            Self.query(#"count_over_time(up{job="outrider"}[1m]) >= 3"#, port: prometheusPort).series.count == 1
        }
        try #require(scraped, "Prometheus did not scrape the sidecar three times:\n\(prometheus.text)\n\(agent.text)")

        let refused = Self.refused(queries, port: prometheusPort)
        #expect(refused.isEmpty, "Prometheus refused:\n\(refused.map(\.description).joined(separator: "\n"))")

        // Rate windows and recording rules fill within seconds; bounded, then every panel
        // still empty is named (a refused query is reported above, not again here).
        let refusedQueries = Set(refused.map(\.query.description))
        let mustShowData = queries.filter {
            (rules > 0 || !Self.usesRecordingRules($0)) && !refusedQueries.contains($0.description)
        }
        var noData = mustShowData
        for _ in 0..<60 where !noData.isEmpty {
            try await Task.sleep(for: .milliseconds(500))
            noData = Self.empty(noData, port: prometheusPort)
        }
        #expect(noData.isEmpty, "No data on:\n\(noData.map { "\($0)\n    \(Self.promQL($0.expr))" }.joined(separator: "\n"))")

        let variables = boards.flatMap(\.variableQueries).compactMap { Self.variableProblem($0, port: prometheusPort) }
        #expect(variables.isEmpty, "\(variables.joined(separator: "\n"))")

        // The same checks catch what they are for: a syntax error is refused with its panel
        // named; a misspelt metric runs without error but shows no data.
        let syntax = Self.PanelQuery(
            dashboard: "broken.json", panel: "Unbalanced", refId: "A",
            expr: #"sum by (namespace (rate(outrider_exporter_sent_events_total{job="outrider"}[$__rate_interval]))"#)
        let syntaxReport = Self.refused([syntax], port: prometheusPort)
        #expect(syntaxReport.map(\.query.panel) == ["Unbalanced"], "\(syntaxReport)")
        #expect(syntaxReport.first?.error.contains("parse error") == true, "\(syntaxReport)")
        let misspelt = Self.PanelQuery(
            dashboard: "broken.json", panel: "Misspelt", refId: "A",
            expr: #"sum by (exporter) (rate(outrider_exporter_sent_event_total{job="outrider", namespace=~"$namespace"}[$__rate_interval]))"#)
        #expect(Self.refused([misspelt], port: prometheusPort).isEmpty)
        #expect(Self.empty([misspelt], port: prometheusPort).map(\.panel) == ["Misspelt"])
        let wrongLabel = Self.VariableQuery(dashboard: "broken.json", name: "pod", query: #"label_values(up{job="outrider"}, pod_name)"#)
        #expect(Self.variableProblem(wrongLabel, port: prometheusPort) != nil)

        agent.signal(SIGTERM)
        #expect(await agent.waitForExit(within: 20) == 0, "\(agent.text)")
        prometheus.signal(SIGTERM)
        #expect(await prometheus.waitForExit(within: 20) == 0, "\(prometheus.text)")
    }
}
