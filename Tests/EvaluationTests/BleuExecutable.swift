import Foundation
import TestSupport

/// Runs the built `bleu` command, as the command-line tests need it.
enum BleuExecutable {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The executable, built next to the test resources.
    static var url: URL {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("bleu")
    }

    /// Runs `bleu` with `arguments`, `stdin` as standard input, in `directory` when given, with
    /// the environment's `SACREBLEU_*` and `NO_COLOR` variables replaced by `environment`.
    static func run(_ arguments: [String], stdin: Data? = nil, directory: URL? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        var changes: [String: String?] = [:]
        for name in ProcessInfo.processInfo.environment.keys where name.hasPrefix("SACREBLEU_") || name == "NO_COLOR" {
            changes[name] = .some(nil)
        }
        for (name, value) in environment { changes[name] = value }
        let result = try runProcess(url, arguments, environment: changes, standardInput: stdin ?? Data(), directory: directory)
        return Result(status: result.status, stdout: result.standardOutput, stderr: result.error)
    }
}
