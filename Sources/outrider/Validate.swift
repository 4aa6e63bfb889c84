import Agent
import ArgumentParser

/// `outrider validate`: checks a config file and prints every problem in it.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a config file and print every error in it.",
        discussion: "Exit status: 0 valid, 1 invalid, 2 the file could not be read.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let path = options.path
        let loaded = try options.load(with: ConfigLoader()) { count in "\(path): \(count) error\(count == 1 ? "" : "s")" }
        for warning in loaded.warnings { StandardError.writeLine("warning: \(warning)") }
        print("\(path): valid")
    }
}
