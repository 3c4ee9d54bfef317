import Foundation

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
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SACREBLEU_") && $0.key != "NO_COLOR" }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(stdin ?? Data())
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}
