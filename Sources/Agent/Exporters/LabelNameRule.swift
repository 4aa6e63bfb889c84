import Exporters

/// Label names a config may give an exporter (remote_write external or resource labels,
/// Loki stream labels and structured metadata): Prometheus' charset, which Loki shares,
/// and not the `__` prefix both keep for themselves.
enum LabelNameRule {
    /// Why `name` is not usable, or nil when it is.
    static func problem(_ name: String, reserved: Set<String> = []) -> String? {
        if !PrometheusName.isValidLabelName(name) {
            let suggestion = PrometheusName.label(name)
            let hint = suggestion.isEmpty ? "" : " (e.g. \"\(suggestion)\")"
            return "\"\(name)\" is not a valid label name: letters, digits and _, not starting with a digit\(hint)"
        }
        if name.hasPrefix("__") { return "\"\(name)\" starts with __, which is reserved for the backend's own labels" }
        if reserved.contains(name) { return "\"\(name)\" is set by the exporter itself" }
        return nil
    }
}
