import Agent
import Testing
import YAML

@Suite("Config loading: the schema, validation and cross-references")
struct ConfigLoaderTests {
    let loader = ConfigLoader(
        catalog: .test,
        environment: EnvironmentSubstitution(["SERVICE_NAME": "checkout", "POD_NAME": "checkout-7d9f"]))

    func load(_ text: String) throws(ConfigLoadError) -> LoadedConfig {
        try loader.load(bytes: Array(text.utf8), file: "outrider.yaml")
    }

    /// The config errors as `validate` prints them, one per line.
    func errors(_ text: String) -> [String] {
        configErrors { () throws(ConfigLoadError) in try load(text) }
    }

    static let valid = """
        service:
          name: ${SERVICE_NAME}
          attributes:
            deployment.environment: production
            k8s.pod.name: ${POD_NAME}
        log: {level: debug, format: text}
        server:
          listen: 127.0.0.1:0
          shutdown_timeout: 5s
          paths: {metrics: /custom-metrics}
        sources:
          app:
            type: test_source
            interval: 250ms
        processors:
          tag:
            type: test_processor
        exporters:
          backend:
            type: test_exporter
            endpoint: http://127.0.0.1:9999
        pipelines:
          logs:
            sources: [app]
            processors: [tag]
            exporters: [backend]
          metrics/app:
            sources: [app]
            exporters: [backend]
        """

    @Test func decodesEverySectionWithDefaultsAndEnvironment() async throws {
        let config = try load(Self.valid).config
        #expect(config.service.name == "checkout")
        #expect(config.service.attributes == ["deployment.environment": "production", "k8s.pod.name": "checkout-7d9f"])
        #expect(config.log == LogSettings(level: .debug, format: .text))
        #expect(config.server.listen == HostPort(host: "127.0.0.1", port: 0))
        #expect(config.server.shutdownTimeout.duration == .seconds(5))
        #expect(config.server.paths.metrics == "/custom-metrics")
        #expect(config.server.paths.healthz == "/healthz")
        #expect(config.server.maxRequestBody.bytes == 65536)
        #expect(config.sources.map(\.name) == ["app"])
        #expect((config.sources[0].config as? TestSourceConfig)?.interval.duration == .milliseconds(250))
        #expect(config.pipelines.map(\.id) == ["logs", "metrics/app"])
        #expect(config.pipelines[0].signal == .logs && config.pipelines[1].signal == .metrics)
        #expect(config.pipelines[0].processors == ["tag"])
    }

    @Test func emptyFileRunsOnDefaultsWithAWarning() async throws {
        let loaded = try load("# nothing here\n")
        #expect(loaded.config.server.listen == ServerSettings.defaultListen)
        #expect(loaded.config.service.name == "unknown_service")
        #expect(loaded.warnings.map(\.description) == ["outrider.yaml: the config file is empty; running with defaults"])
    }

    @Test func unusedComponentsAreWarnedAbout() async throws {
        let loaded = try load("""
            sources:
              idle: {type: test_source}
            """)
        #expect(loaded.warnings.map(\.description) == [
            "outrider.yaml:2:3: sources.idle: source is not used by any pipeline and will not run"
        ])
    }

    @Test(arguments: [
        // Top-level typo, with a suggestion.
        ("servr:\n  listen: 0.0.0.0:1\n", ["outrider.yaml:1:1: servr: unknown key \"servr\" (did you mean \"server\"?)"]),
        // A value of the wrong shape, at the value.
        ("server:\n  shutdown_timeout: fast\n",
         ["outrider.yaml:2:21: server.shutdown_timeout: expected a duration like \"5s\", got \"fast\""]),
        ("log:\n  level: verbose\n",
         ["outrider.yaml:2:10: log.level: expected one of debug, info, warn, error, critical, got \"verbose\""]),
        ("log:\n  level: wran\n",
         ["outrider.yaml:2:10: log.level: expected one of debug, info, warn, error, critical, got \"wran\" (did you mean \"warn\"?)"]),
        // A component's own validation, placed at its key.
        ("server:\n  paths: {healthz: live}\n",
         ["outrider.yaml:2:20: server.paths.healthz: must start with \"/\", got \"live\""]),
        ("server:\n  paths:\n    healthz: /x\n    readyz: /x\n",
         ["outrider.yaml:4:13: server.paths.readyz: \"/x\" is already used by paths.healthz"]),
        // Unknown and missing component types.
        ("sources:\n  app:\n    type: test_sorce\n",
         ["outrider.yaml:3:11: sources.app.type: unknown source type \"test_sorce\" (did you mean \"test_source\"?)"]),
        ("sources:\n  app:\n    type: kafka\n",
         ["outrider.yaml:3:11: sources.app.type: unknown source type \"kafka\" (this build supports: host_metrics, test_source)"]),
        ("exporters:\n  out:\n    endpoint: http://x\n",
         ["outrider.yaml:3:5: exporters.out: missing required key \"type\" (one of: test_exporter)"]),
        // Unknown key inside a component, suggested from the component's own keys.
        ("sources:\n  app:\n    type: test_source\n    intervall: 1s\n",
         ["outrider.yaml:4:5: sources.app.intervall: unknown key \"intervall\" (did you mean \"interval\"?)"]),
        ("sources:\n  app:\n    type: test_source\n    interval: 0s\n",
         ["outrider.yaml:4:15: sources.app.interval: must be greater than 0s"]),
    ])
    func reportsErrorsAtTheirPosition(_ document: String, _ expected: [String]) {
        #expect(errors(document) == expected)
    }

    @Test func pipelineReferencesAreCheckedAtTheirLine() {
        let document = """
            sources:
              app: {type: test_source}
            exporters:
              backend: {type: test_exporter, endpoint: "http://127.0.0.1:1"}
            processors:
              tag: {type: test_processor}
            pipelines:
              logs:
                sources: [app, app]
                exporters: [backnd]
              traces:
                sources: [app]
                processors: [tag, nope]
                exporters: [backend]
              spans:
                sources: [app]
                exporters: [backend]
            """
        #expect(errors(document) == [
            "outrider.yaml:9:20: pipelines.logs.sources[1]: source \"app\" is listed twice",
            "outrider.yaml:10:17: pipelines.logs.exporters[0]: unknown exporter \"backnd\" (did you mean \"backend\"?)",
            "outrider.yaml:12:15: pipelines.traces.sources[0]: source \"app\" (type test_source) does not carry traces; it carries logs, metrics",
            "outrider.yaml:13:18: pipelines.traces.processors[0]: processor \"tag\" (type test_processor) does not carry traces; it carries logs",
            "outrider.yaml:13:23: pipelines.traces.processors[1]: unknown processor \"nope\" (declared processors: tag)",
            "outrider.yaml:15:3: pipelines.spans: pipeline keys are logs, metrics or traces, optionally followed by /name; got \"spans\"",
        ])
    }

    @Test func everyErrorInTheFileIsReportedInFileOrder() {
        let document = """
            log:
              format: xml
            server:
              listen: "nowhere"
              shutdown_timeout: 0s
            exporters:
              backend:
                type: test_exporter
                endpoint: ftp://x
            pipelines:
              logs:
                sources: [missing]
                exporters: [backend]
            """
        #expect(errors(document) == [
            "outrider.yaml:2:11: log.format: expected one of json, text, got \"xml\"",
            "outrider.yaml:4:11: server.listen: expected host:port like \"0.0.0.0:8686\", got \"nowhere\"",
            "outrider.yaml:9:15: exporters.backend.endpoint: expected an http:// or https:// URL, got \"ftp://x\"",
            "outrider.yaml:12:15: pipelines.logs.sources[0]: unknown source \"missing\" (no sources are declared)",
        ])
    }

    @Test func namesAreUniqueAcrossSections() {
        #expect(errors("""
            sources:
              app: {type: test_source}
              server: {type: test_source}
            exporters:
              app: {type: test_exporter, endpoint: "http://x"}
            """) == [
            "outrider.yaml:3:3: sources.server: the name \"server\" is already used by the local server; names must be unique across sources, processors and exporters",
            "outrider.yaml:5:3: exporters.app: the name \"app\" is already used by sources.app; names must be unique across sources, processors and exporters",
        ])
    }

    @Test func aComponentMustBeAMapping() {
        #expect(errors("sources:\n  app: test_source\n") == [
            "outrider.yaml:2:8: sources.app: expected a mapping with a \"type\" key (one of: host_metrics, test_source)"
        ])
    }

    @Test func aVariableSetToEmptyIsAnEmptyValueNotAMissingOne() {
        let loader = ConfigLoader(catalog: .test, environment: EnvironmentSubstitution(["SERVICE_NAME": ""]))
        do {
            _ = try loader.load(bytes: Array("service:\n  name: ${SERVICE_NAME}\n".utf8), file: "outrider.yaml")
            Issue.record("an empty service name must be refused")
        } catch {
            #expect(error.description == "outrider.yaml:2:9: service.name: must not be empty")
        }
    }

    @Test(arguments: [
        ("sources:\n  host: {type: host_metrics, collectors: [cpu, memry]}\n",
         "outrider.yaml:2:48: sources.host.collectors[1]: expected one of cpu, memory, load, pressure, network, disk, filesystem, cgroup, process, got \"memry\" (did you mean \"memory\"?)"),
        ("sources:\n  host: {type: host_metrics, collectors: [cpu, process]}\n",
         "outrider.yaml:2:42: sources.host.collectors: the process collector needs process: {pid: N} or process: {name: NAME}"),
        ("sources:\n  host: {type: host_metrics, process: {pid: 1, name: java}}\n",
         "outrider.yaml:2:39: sources.host.process: give either pid or name, not both"),
        ("sources:\n  host: {type: host_metrics, interval: 500ms}\n",
         "outrider.yaml:2:40: sources.host.interval: must be at least 1s"),
        ("sources:\n  host: {type: host_metrics, proc_root: host/proc}\n",
         "outrider.yaml:2:41: sources.host.proc_root: must be an absolute path, got \"host/proc\""),
        ("sources:\n  host: {type: host_metrics, filesystem: {mount_points_exclude: [dev]}}\n",
         "outrider.yaml:2:66: sources.host.filesystem.mount_points_exclude[0]: expected an absolute path (\"/dev\") or a path with /* (\"/var/lib/docker/*\"), got \"dev\""),
    ])
    func hostMetricsSettingsAreValidated(_ document: String, _ expected: String) {
        #expect(errors(document) == [expected])
    }

    @Test func everyUnknownKeyIsReportedNotJustTheFirst() {
        #expect(errors("""
            server:
              listn: 127.0.0.1:0
              shutdown_timout: 5s
            sources:
              app: {type: test_source, intervl: 1s, colour: blue}
            """) == [
            "outrider.yaml:2:3: server.listn: unknown key \"listn\" (did you mean \"listen\"?)",
            "outrider.yaml:3:3: server.shutdown_timout: unknown key \"shutdown_timout\" (did you mean \"shutdown_timeout\"?)",
            "outrider.yaml:5:28: sources.app.intervl: unknown key \"intervl\" (did you mean \"interval\"?)",
            "outrider.yaml:5:41: sources.app.colour: unknown key \"colour\" (valid keys: fail_after, ignore_shutdown, interval, type)",
        ])
    }

    @Test func unsetEnvironmentVariableIsNamed() {
        #expect(errors("service:\n  name: ${APP_NAME}\n") == [
            "outrider.yaml:2:9: service.name: environment variable \"APP_NAME\" is not set (write ${APP_NAME:-default} to give a default)"
        ])
    }

    @Test func syntaxErrorsStopAtTheFirstWithItsPosition() {
        let lines = errors("server:\n  listen: [unclosed\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("outrider.yaml:") == true)
    }

    @Test func unreadableFileIsItsOwnError() {
        do {
            _ = try loader.load(contentsOf: "/nonexistent/outrider.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/nonexistent/outrider.yaml: cannot read config file: No such file or directory")
        }
    }
}
