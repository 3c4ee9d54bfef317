import Foundation

/// A finished subprocess: exit status and everything it wrote.
public struct ProcessResult {
    public let status: Int32
    /// Standard output, as bytes (some tests compare binary output).
    public let output: Data
    /// Standard error.
    public let error: String

    /// Standard output as text.
    public var standardOutput: String { String(decoding: output, as: UTF8.self) }
}

/// The built executable `name` of this package (tests run beside the products).
public func builtProduct(_ name: String) -> URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
}

/// Runs `executable` with `arguments` and waits for it to exit.
/// - Parameters:
///   - environment: changes to the test process's environment (a nil value removes the
///     variable).
///   - standardInput: what the process reads (nothing when nil).
///   - directory: the working directory (the test process's when nil).
///   - killWhen: polled every 20 ms while the process runs; when it returns true the
///     process is sent `killSignal` (fault tests), once.
public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String?] = [:],
                       standardInput: Data? = nil, directory: URL? = nil,
                       killWhen: (() -> Bool)? = nil, killSignal: Int32 = SIGKILL) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var variables = ProcessInfo.processInfo.environment
    for (name, value) in environment { variables[name] = value }
    process.environment = variables
    let output = Pipe(), errors = Pipe(), input = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input
    try process.run()
    // Both pipes are drained on their own threads while this one feeds standard input,
    // so a child writing much output can never block on a full pipe.
    final class Collected: @unchecked Sendable { var data = Data() }
    let outputData = Collected(), errorData = Collected()
    let readers = [Thread { outputData.data = output.fileHandleForReading.readDataToEndOfFile() },
                   Thread { errorData.data = errors.fileHandleForReading.readDataToEndOfFile() }]
    readers.forEach { $0.start() }
    if let standardInput { input.fileHandleForWriting.write(standardInput) }
    try input.fileHandleForWriting.close()
    if let killWhen {
        while process.isRunning && !killWhen() { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, killSignal) }
    }
    process.waitUntilExit()
    while readers.contains(where: { !$0.isFinished }) { usleep(1000) }
    return ProcessResult(status: process.terminationStatus, output: outputData.data,
                         error: String(decoding: errorData.data, as: UTF8.self))
}

/// `bytes` compressed by the system's gzip (`gzip -c -n`), as users' `.gz` files are made.
public func gzipCompressed(_ bytes: Data, level: Int = 6) throws -> Data {
    let result = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-c", "-n", "-\(level)"], standardInput: bytes)
    guard result.status == 0 else { throw GzipFailed(message: result.error) }
    return result.output
}

/// gzip exited with an error.
public struct GzipFailed: Error {
    public let message: String
}
