import Agent

/// The errors a config load reports, as `validate` prints them (one per line, with their
/// file:line:column); empty when it loads. Anything but a list of config errors is an
/// "unexpected:" entry, so a test expecting messages fails on it and shows what came.
func configErrors<Loaded>(_ load: () throws(ConfigLoadError) -> Loaded) -> [String] {
    do {
        _ = try load()
        return []
    } catch {
        guard case .invalid(let errors) = error else { return ["unexpected: \(error)"] }
        return errors.errors.map(\.description)
    }
}
