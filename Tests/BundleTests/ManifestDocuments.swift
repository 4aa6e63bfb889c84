import Foundation
import Testing
import TestSupport

/// Kubernetes objects as Foundation trees: kustomize builds them, PyYAML (from the bundle
/// tools' venv, a checkov dependency) turns the YAML into JSON, so the assertions read the
/// same objects the API server would get.
struct ManifestDocuments {
    var objects: [[String: Any]]

    /// `kubectl kustomize DIR` (kustomize v5 built into kubectl), or nil after a skip note.
    static func build(_ directory: String) throws -> (yaml: String, documents: ManifestDocuments)? {
        guard let kubectl = BundleTools.tool("kubectl", installHint: "kubectl, with kustomize built in, is not in Debian's archive") else {
            return nil
        }
        let result = try Command.run(kubectl, ["kustomize", BundleTools.path(directory)])
        try #require(result.status == 0, "kubectl kustomize \(directory):\n\(result.output)")
        guard let documents = try parse(result.output) else { return nil }
        return (result.output, documents)
    }

    static func load(_ relativePath: String) throws -> ManifestDocuments? {
        try parse(String(contentsOfFile: BundleTools.path(relativePath), encoding: .utf8))
    }

    static func parse(_ yaml: String) throws -> ManifestDocuments? {
        guard let python = BundleTools.tool("python", installHint: "scripts/install-deps.sh --with-test-tools makes .build/bundle-tools") else {
            return nil
        }
        let script = "import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d is not None], sys.stdout)"
        let result = try Command.run(python, ["-c", script], input: Array(yaml.utf8))
        try #require(result.status == 0, "YAML did not parse:\n\(result.output)")
        let tree = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        return ManifestDocuments(objects: try #require(tree as? [[String: Any]]))
    }

    func all(_ kind: String) -> [[String: Any]] { objects.filter { $0["kind"] as? String == kind } }

    func one(_ kind: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let found = all(kind)
        try #require(found.count == 1, "expected one \(kind), found \(found.count)", sourceLocation: sourceLocation)
        return found[0]
    }
}

/// Reads a path of keys and indexes (`"spec", "template", "spec"`) out of a JSON tree.
func value(_ tree: Any?, _ path: Any...) -> Any? {
    var current = tree
    for step in path {
        if let key = step as? String {
            current = (current as? [String: Any])?[key]
        } else if let index = step as? Int, let array = current as? [Any], array.indices.contains(index) {
            current = array[index]
        } else {
            return nil
        }
    }
    return current
}

func objects(_ tree: Any?, _ path: Any...) -> [[String: Any]] {
    var current = tree
    for step in path { current = value(current, step) }
    return current as? [[String: Any]] ?? []
}

/// The element of a named list (`containers`, `volumes`, `env`, `ports`) with that `name`.
func named(_ list: [[String: Any]], _ name: String) -> [String: Any]? {
    list.first { $0["name"] as? String == name }
}
