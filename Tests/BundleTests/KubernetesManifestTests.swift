import Foundation
import Testing
import TestSupport

/// manifests/: every variant builds with kustomize, passes Kubernetes' schemas and checkov,
/// and wires the sidecar the way its config (manifests/base/sidecar.yaml) expects.
@Suite("Bundle: Kubernetes manifests", .serialized)
struct KubernetesManifestTests {
    static let variants = ["manifests", "manifests/overlays/servicemonitor", "manifests/overlays/persistent-buffer"]
    /// Native sidecars are beta (on by default) from 1.29; 1.37 is current.
    static let kubernetesVersions = ["1.29.0", "1.37.0"]

    @Test(arguments: variants)
    func buildsAndPassesTheKubernetesSchemas(variant: String) throws {
        guard let (yaml, _) = try ManifestDocuments.build(variant),
              let validate = BundleTools.tool("kubernetes-validate", installHint: "pip install kubernetes-validate")
        else { return }
        let directory = try TemporaryDirectory()
        let file = try directory.write("build.yaml", yaml)
        for version in Self.kubernetesVersions {
            let output = try BundleTools.check(validate, ["--strict", "-k", version, file])
            // Only the Prometheus Operator's CRDs have no schema here; the tests below check
            // the ServiceMonitor's wiring and the PrometheusRule's content instead.
            for line in output.split(separator: "\n") where !line.hasPrefix("INFO") {
                #expect(line.contains("with api version monitoring.coreos.com/v1 for kubernetes version"), "\(variant) on \(version): \(line)")
            }
        }
    }

    @Test func everyManifestFilePassesTheKubernetesSchemasOnItsOwn() throws {
        guard let validate = BundleTools.tool("kubernetes-validate", installHint: "pip install kubernetes-validate") else { return }
        let files = Self.resourceFiles()
        #expect(files.count >= 8, "\(files)")
        let output = try BundleTools.check(validate, ["--strict", "-k", "1.37.0"] + files)
        #expect(!output.contains("ERROR"), "\(output)")
    }

    @Test func kubernetesValidateRefusesAnUnknownField() throws {
        guard let (yaml, _) = try ManifestDocuments.build("manifests"),
              let validate = BundleTools.tool("kubernetes-validate", installHint: "pip install kubernetes-validate")
        else { return }
        let directory = try TemporaryDirectory()
        let broken = yaml.replacingOccurrences(of: "restartPolicy: Always", with: "restartPolicy: Always\n        restartPolicyy: Always")
        let file = try directory.write("broken.yaml", broken)
        let output = try BundleTools.check(validate, ["--strict", "-k", "1.37.0", file], expectStatus: 1)
        #expect(output.contains("restartPolicyy"), "\(output)")
    }

    @Test(arguments: variants)
    func checkovFailsNoCheck(variant: String) throws {
        guard let (yaml, _) = try ManifestDocuments.build(variant),
              let checkov = BundleTools.tool("checkov", installHint: "pip install checkov")
        else { return }
        let directory = try TemporaryDirectory()
        let file = try directory.write("build.yaml", yaml)
        let output = try BundleTools.check(checkov, ["--framework", "kubernetes", "--skip-download", "--compact", "-f", file])
        #expect(output.contains("Failed checks: 0,"), "\(output)")
    }

    @Test func checkovFailsNoCheckOnTheFilesAsWritten() throws {
        guard let checkov = BundleTools.tool("checkov", installHint: "pip install checkov") else { return }
        let output = try BundleTools.check(checkov, ["--framework", "kubernetes", "--skip-download", "--compact", "-d", "manifests"])
        #expect(output.contains("Failed checks: 0,"), "\(output)")
    }

    /// Each in-place skip names its check and gives the reason, as checkov's
    /// `checkov.io/skipN: CHECK=reason` annotation allows.
    @Test func everyCheckovSkipSaysWhy() throws {
        guard let (_, documents) = try ManifestDocuments.build("manifests") else { return }
        var skips = 0
        for object in documents.objects {
            let annotations = value(object, "metadata", "annotations") as? [String: String] ?? [:]
            for (key, text) in annotations where key.hasPrefix("checkov.io/skip") {
                skips += 1
                let parts = text.split(separator: "=", maxSplits: 1)
                #expect(parts.count == 2 && parts[0].hasPrefix("CKV_") && parts[1].count >= 20, "\(key): \(text)")
            }
        }
        #expect(skips == 2)
    }

    @Test func checkovCatchesAWritableRootFilesystem() throws {
        guard let (yaml, _) = try ManifestDocuments.build("manifests"),
              let checkov = BundleTools.tool("checkov", installHint: "pip install checkov")
        else { return }
        let directory = try TemporaryDirectory()
        let file = try directory.write("build.yaml", yaml.replacingOccurrences(of: "readOnlyRootFilesystem: true", with: "readOnlyRootFilesystem: false"))
        let output = try BundleTools.check(checkov, ["--framework", "kubernetes", "--skip-download", "--compact", "-f", file], expectStatus: 1)
        #expect(output.contains("CKV_K8S_22"), "\(output)")
    }

    @Test func yamllintIsClean() throws {
        guard let yamllint = BundleTools.tool("yamllint", installHint: "apt-get install yamllint") else { return }
        try BundleTools.check(yamllint, ["--strict", "-c", ".yamllint", "manifests", "config", ".yamllint"])
    }

    // MARK: - The sidecar's wiring

    @Test func outriderIsANativeSidecarWithProbesOnItsOwnEndpoints() throws {
        guard let (_, documents) = try ManifestDocuments.build("manifests"),
              let config = try ManifestDocuments.load("manifests/base/sidecar.yaml")?.objects.first
        else { return }
        let pod = try #require(value(try documents.one("Deployment"), "spec", "template") as? [String: Any])
        let agent = try #require(named(objects(pod, "spec", "initContainers"), "outrider"))
        #expect(agent["restartPolicy"] as? String == "Always", "a native sidecar: starts before the app, stops after it")
        #expect(objects(pod, "spec", "containers").allSatisfy { $0["name"] as? String != "outrider" })

        let listen = try #require(value(config, "server", "listen") as? String)
        let port = try #require(Int(listen.split(separator: ":").last ?? ""))
        let metricsPort = try #require(named(objects(agent, "ports"), "metrics"))
        #expect(metricsPort["containerPort"] as? Int == port)
        #expect(value(agent, "startupProbe", "httpGet", "path") as? String == "/readyz")
        #expect(value(agent, "livenessProbe", "httpGet", "path") as? String == "/healthz")
        #expect(value(agent, "readinessProbe", "httpGet", "path") as? String == "/readyz")
        for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
            #expect(value(agent, probe, "httpGet", "port") as? String == "metrics", "\(probe)")
        }
        let annotations = try #require(value(pod, "metadata", "annotations") as? [String: String])
        #expect(annotations["prometheus.io/scrape"] == "true")
        #expect(annotations["prometheus.io/port"] == String(port))
        #expect(annotations["prometheus.io/path"] == "/metrics")
    }

    @Test func theGracePeriodCoversTheAgentsDrain() throws {
        guard let (_, documents) = try ManifestDocuments.build("manifests"),
              let config = try ManifestDocuments.load("manifests/base/sidecar.yaml")?.objects.first
        else { return }
        let grace = try #require(value(try documents.one("Deployment"), "spec", "template", "spec", "terminationGracePeriodSeconds") as? Int)
        let timeout = try #require(value(config, "server", "shutdown_timeout") as? String)
        let seconds = try #require(Int(timeout.dropLast()), "shutdown_timeout \(timeout) in whole seconds")
        #expect(timeout.hasSuffix("s"))
        // The agent exits at most 2 s after its shutdown_timeout; the app stops first.
        #expect(grace >= seconds + 2 + 10, "terminationGracePeriodSeconds \(grace) for a \(timeout) drain")
    }

    @Test func theAgentRunsLockedDown() throws {
        guard let (_, documents) = try ManifestDocuments.build("manifests") else { return }
        let pod = try #require(value(try documents.one("Deployment"), "spec", "template", "spec") as? [String: Any])
        let agent = try #require(named(objects(pod, "initContainers"), "outrider"))
        let context = try #require(agent["securityContext"] as? [String: Any])
        #expect(context["runAsNonRoot"] as? Bool == true)
        #expect(context["readOnlyRootFilesystem"] as? Bool == true)
        #expect(context["allowPrivilegeEscalation"] as? Bool == false)
        #expect(value(context, "capabilities", "drop") as? [String] == ["ALL"])
        #expect(value(context, "seccompProfile", "type") as? String == "RuntimeDefault")
        #expect(pod["automountServiceAccountToken"] as? Bool == false)
        // With a shared process namespace, a shared user would let the app signal the agent
        // and read its tokens through /proc/<pid>/root.
        if pod["shareProcessNamespace"] as? Bool == true {
            let app = try #require(objects(pod, "containers").first)
            let appUser = value(app, "securityContext", "runAsUser") as? Int ?? value(pod, "securityContext", "runAsUser") as? Int
            #expect(appUser != nil && appUser != context["runAsUser"] as? Int, "app \(appUser ?? -1), agent \(context["runAsUser"] ?? "")")
        }
        let namespace = try documents.one("Namespace")
        #expect(value(namespace, "metadata", "labels", "pod-security.kubernetes.io/enforce") as? String == "restricted")
        let resources = try #require(agent["resources"] as? [String: Any])
        for key in ["cpu", "memory"] {
            #expect(value(resources, "requests", key) != nil && value(resources, "limits", key) != nil, "\(key)")
        }
    }

    /// Every path the config reads or writes is on a volume mounted where the config expects
    /// it, writable where it writes; every variable it uses without a default is set.
    @Test func theConfigsPathsAndVariablesExistInThePod() throws {
        guard let (_, documents) = try ManifestDocuments.build("manifests"),
              let config = try ManifestDocuments.load("manifests/base/sidecar.yaml")?.objects.first
        else { return }
        let pod = try #require(value(try documents.one("Deployment"), "spec", "template", "spec") as? [String: Any])
        let agent = try #require(named(objects(pod, "initContainers"), "outrider"))
        let mounts = objects(agent, "volumeMounts")
        func mount(for path: String) -> [String: Any]? {
            mounts.filter { path.hasPrefix(($0["mountPath"] as? String ?? "\u{0}") + "/") }
                .max { ($0["mountPath"] as? String ?? "").count < ($1["mountPath"] as? String ?? "").count }
        }
        var written: [String] = []
        var read: [String] = []
        for (_, source) in config["sources"] as? [String: [String: Any]] ?? [:] {
            if let directory = source["checkpoint_dir"] as? String { written.append(directory) }
            for glob in source["include"] as? [String] ?? [] { read.append(glob) }
        }
        for (_, exporter) in config["exporters"] as? [String: [String: Any]] ?? [:] {
            if let path = value(exporter, "buffer", "path") as? String { written.append(path) }
            if let token = value(exporter, "auth", "bearer_token_file") as? String { read.append(token) }
        }
        #expect(written.count == 4 && read.count == 4, "written \(written), read \(read)")
        for path in written {
            let found = try #require(mount(for: path), "\(path) is on no volume")
            #expect(found["readOnly"] as? Bool != true, "\(path) must be writable")
        }
        for path in read { #expect(mount(for: path) != nil, "\(path) is on no volume") }

        // The log files: the app writes them, the agent reads them, one emptyDir between them.
        let app = try #require(objects(pod, "containers").first)
        let logGlob = try #require(read.first { $0.hasSuffix("*.log") })
        let agentLogs = try #require(mount(for: logGlob))
        let appLogs = try #require(objects(app, "volumeMounts").first { $0["name"] as? String == agentLogs["name"] as? String })
        #expect(appLogs["mountPath"] as? String == agentLogs["mountPath"] as? String)
        #expect(value(named(objects(pod, "volumes"), agentLogs["name"] as! String), "emptyDir") != nil)
        // The token files are the Secret's keys.
        let tokenFile = try #require(read.first { $0.contains("token") })
        let tokens = try #require(mount(for: tokenFile))
        #expect(value(named(objects(pod, "volumes"), tokens["name"] as! String), "secret", "secretName") as? String == "outrider-backend-tokens")
        // The config is the ConfigMap built from sidecar.yaml, byte for byte.
        let configMap = try documents.one("ConfigMap")
        let text = try String(contentsOfFile: BundleTools.path("config/sidecar.yaml"), encoding: .utf8)
        #expect(value(configMap, "data", "outrider.yaml") as? String == text)
        let args = agent["args"] as? [String] ?? []
        let configMount = try #require(mount(for: args.last ?? ""))
        #expect(value(named(objects(pod, "volumes"), configMount["name"] as! String), "configMap", "name") as? String
            == value(configMap, "metadata", "name") as? String)

        // ${NAME} without a default must come from the pod; the Downward API gives the rest.
        let environment = Set(objects(agent, "env").compactMap { $0["name"] as? String })
        let raw = try String(contentsOfFile: BundleTools.path("manifests/base/sidecar.yaml"), encoding: .utf8)
        var required: [String] = []
        var rest = raw[...]
        while let start = rest.range(of: "${") {
            let tail = rest[start.upperBound...]
            guard let end = tail.firstIndex(of: "}") else { break }
            let reference = tail[..<end]
            if !reference.contains(":-") { required.append(String(reference)) }
            rest = tail[end...]
        }
        for name in required { #expect(environment.contains(name), "${\(name)} is not set in the pod") }
        for name in ["SERVICE_NAME", "POD_NAME", "POD_NAMESPACE", "POD_UID", "NODE_NAME", "POD_IP"] {
            #expect(value(named(objects(agent, "env"), name), "valueFrom", "fieldRef", "fieldPath") != nil, "\(name) from the Downward API")
        }
        // The app sizes itself from its container's limits.
        for name in ["MEMORY_LIMIT", "CPU_LIMIT"] {
            #expect(value(named(objects(app, "env"), name), "valueFrom", "resourceFieldRef", "containerName") as? String == app["name"] as? String, "\(name)")
        }
    }

    /// The recording rules group the service's own metrics by (namespace, service): the
    /// labels the sidecar's remote_write must give them, as the scrape gives its own series.
    @Test func remoteWriteLabelsTheServicesMetricsAsTheRulesGroupThem() throws {
        guard let config = try ManifestDocuments.load("manifests/base/sidecar.yaml")?.objects.first else { return }
        let exporters = config["exporters"] as? [String: [String: Any]] ?? [:]
        let remoteWrite = try #require(exporters.values.first { $0["type"] as? String == "prometheus_remote_write" })
        let labels = try #require(remoteWrite["resource_labels"] as? [String: String])
        #expect(labels["service.name"] == "service" && labels["k8s.namespace.name"] == "namespace", "\(labels)")
        let rules = try String(contentsOfFile: BundleTools.path("config/prometheus/rules/recording.yaml"), encoding: .utf8)
        #expect(rules.contains("sum by (namespace, service) (rate(http_server_request_duration_count[5m]))"))
    }

    @Test func servicePodDisruptionBudgetAndNetworkPolicySelectThePods() throws {
        guard let (_, documents) = try ManifestDocuments.build("manifests") else { return }
        let deployment = try documents.one("Deployment")
        let labels = try #require(value(deployment, "spec", "template", "metadata", "labels") as? [String: String])
        func selects(_ selector: Any?) -> Bool {
            guard let selector = selector as? [String: String], !selector.isEmpty else { return false }
            return selector.allSatisfy { labels[$0.key] == $0.value }
        }
        let service = try documents.one("Service")
        #expect(selects(value(service, "spec", "selector")))
        // By number: named ports of native sidecars reach EndpointSlices only from 1.32 on.
        let agent = try #require(named(objects(deployment, "spec", "template", "spec", "initContainers"), "outrider"))
        let agentPort = try #require(named(objects(agent, "ports"), "metrics")?["containerPort"] as? Int)
        #expect(objects(service, "spec", "ports").contains { $0["name"] as? String == "metrics" && $0["targetPort"] as? Int == agentPort })
        #expect(selects(value(try documents.one("PodDisruptionBudget"), "spec", "selector", "matchLabels")))
        let policy = try documents.one("NetworkPolicy")
        #expect(selects(value(policy, "spec", "podSelector", "matchLabels")))
        #expect(value(policy, "spec", "policyTypes") as? [String] == ["Ingress", "Egress"])
        let ingressPorts = objects(policy, "spec", "ingress").flatMap { objects($0, "ports") }.compactMap { $0["port"].map { "\($0)" } }
        #expect(Set(ingressPorts) == ["http", String(agentPort)])
        // Egress reaches DNS and the port of every backend URL the agent is given.
        let egressPorts = Set(objects(policy, "spec", "egress").flatMap { objects($0, "ports") }.compactMap { $0["port"] as? Int })
        for variable in ["OTLP_ENDPOINT", "REMOTE_WRITE_URL", "LOKI_URL"] {
            let text = try #require(named(objects(agent, "env"), variable)?["value"] as? String)
            let port = try #require(URL(string: text)?.port, "\(variable) \(text)")
            #expect(egressPorts.contains(port), "\(variable) \(text)")
        }
        #expect(egressPorts.contains(53))
    }

    @Test func theServiceMonitorOverlayScrapesTheMetricsPortInsteadOfTheAnnotations() throws {
        guard let (_, documents) = try ManifestDocuments.build("manifests/overlays/servicemonitor") else { return }
        let monitor = try documents.one("ServiceMonitor")
        #expect(monitor["apiVersion"] as? String == "monitoring.coreos.com/v1")
        let service = try documents.one("Service")
        let serviceLabels = try #require(value(service, "metadata", "labels") as? [String: String])
        let selector = try #require(value(monitor, "spec", "selector", "matchLabels") as? [String: String])
        #expect(selector.allSatisfy { serviceLabels[$0.key] == $0.value })
        let endpoint = try #require(objects(monitor, "spec", "endpoints").first)
        let portNames = objects(service, "spec", "ports").compactMap { $0["name"] as? String }
        let port = try #require(endpoint["port"] as? String)
        #expect(portNames.contains(port))
        let relabelings = objects(endpoint, "relabelings")
        #expect(relabelings.contains { $0["targetLabel"] as? String == "job" && $0["replacement"] as? String == "outrider" })
        #expect(relabelings.contains {
            $0["targetLabel"] as? String == "service"
                && $0["sourceLabels"] as? [String] == ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
        })
        let annotations = value(try documents.one("Deployment"), "spec", "template", "metadata", "annotations") as? [String: String] ?? [:]
        #expect(!annotations.keys.contains { $0.hasPrefix("prometheus.io/") }, "scraped twice: \(annotations)")
    }

    /// The Operator's overlay carries the same rules as config/prometheus/rules, regenerated
    /// by the committed script: a rule changed in one place only is caught here.
    @Test func thePrometheusRuleIsTheRuleFiles() throws {
        guard let (_, documents) = try ManifestDocuments.build("manifests/overlays/servicemonitor") else { return }
        let directory = try TemporaryDirectory()
        let regenerated = directory.path + "/prometheusrule.yaml"
        let script = BundleTools.path("scripts/generate-prometheusrule.sh")
        let environment = ["PYTHON": BundleTools.path(".build/bundle-tools/bin/python")]
        let result = try Command.run("/bin/bash", [script, regenerated], environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
        try #require(result.status == 0, "\(result.output)")
        let committed = try String(contentsOfFile: BundleTools.path("manifests/overlays/servicemonitor/prometheusrule.yaml"), encoding: .utf8)
        #expect(try String(contentsOfFile: regenerated, encoding: .utf8) == committed, "run scripts/generate-prometheusrule.sh")

        let rule = try documents.one("PrometheusRule")
        #expect(value(rule, "metadata", "namespace") as? String == "monitoring")
        var groups: [Any] = []
        for file in ["alerts.yaml", "recording.yaml"] {  // the script's order: sorted by name
            let tree = try #require(try ManifestDocuments.load("config/prometheus/rules/" + file)?.objects.first)
            groups += tree["groups"] as? [Any] ?? []
        }
        let inRule = try #require(value(rule, "spec", "groups") as? [Any])
        #expect(inRule.count == groups.count && inRule.count >= 5)
        #expect(NSArray(array: inRule).isEqual(to: groups), "the PrometheusRule's groups differ from config/prometheus/rules")
    }

    @Test func thePersistentBufferOverlayPutsTheStateOnAClaim() throws {
        guard let (_, documents) = try ManifestDocuments.build("manifests/overlays/persistent-buffer") else { return }
        let deployment = try documents.one("Deployment")
        #expect(value(deployment, "spec", "replicas") as? Int == 1)
        #expect(value(deployment, "spec", "strategy", "type") as? String == "Recreate")
        let volume = try #require(named(objects(deployment, "spec", "template", "spec", "volumes"), "outrider-state"))
        #expect(volume["emptyDir"] == nil)
        let claim = try documents.one("PersistentVolumeClaim")
        #expect(value(volume, "persistentVolumeClaim", "claimName") as? String == value(claim, "metadata", "name") as? String)
        #expect(value(try documents.one("PodDisruptionBudget"), "spec", "minAvailable") as? Int == 0)
    }

    /// Resource files (not kustomizations or patches) under manifests/.
    static func resourceFiles() -> [String] {
        let root = BundleTools.path("manifests")
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".yaml") && !$0.hasSuffix("kustomization.yaml") && !$0.hasSuffix("sidecar.yaml") }
            .sorted().map { root + "/" + $0 }
    }
}
