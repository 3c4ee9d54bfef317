import Foundation

/// A finished subprocess: exit status and everything it wrote.
public struct ProcessResult: Sendable {
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
///   - killWhen: polled every 20 ms while the process runs, with its standard error so
///     far; when it returns true the process is sent `killSignal` (fault tests), once.
///   - timeLimit: seconds after which a process still running is killed and the call
///     throws `ProcessTimedOut`, so that a hung child fails its test instead of hanging it.
public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String?] = [:],
                       standardInput: Data? = nil, directory: URL? = nil,
                       killWhen: ((_ standardErrorSoFar: String) -> Bool)? = nil, killSignal: Int32 = SIGKILL,
                       timeLimit: TimeInterval = 480) throws -> ProcessResult {
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
    // so a child writing much output can never block on a full pipe; standard error is
    // read as it comes, for `killWhen`.
    final class Collected: @unchecked Sendable {
        // @unchecked: `data` is guarded by `lock`.
        let lock = NSLock()
        var data = Data()
        var snapshot: Data { lock.withLock { data } }
    }
    let outputData = Collected(), errorData = Collected()
    let readers = [Thread { outputData.data = output.fileHandleForReading.readDataToEndOfFile() },
                   Thread {
                       let handle = errors.fileHandleForReading
                       while case let chunk = handle.availableData, !chunk.isEmpty {
                           errorData.lock.withLock { errorData.data.append(chunk) }
                       }
                   }]
    readers.forEach { $0.start() }
    if let standardInput { input.fileHandleForWriting.write(standardInput) }
    try input.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(timeLimit)
    var killed = false
    while process.isRunning {
        if Date() > deadline {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ProcessTimedOut(command: ([executable.lastPathComponent] + arguments).joined(separator: " "), seconds: timeLimit,
                                  standardError: String(decoding: errorData.snapshot, as: UTF8.self))
        }
        if !killed, let killWhen, killWhen(String(decoding: errorData.snapshot, as: UTF8.self)) {
            kill(process.processIdentifier, killSignal)
            killed = true
        }
        usleep(20_000)
    }
    process.waitUntilExit()
    while readers.contains(where: { !$0.isFinished }) { usleep(1000) }
    return ProcessResult(status: process.terminationStatus, output: outputData.data,
                         error: String(decoding: errorData.data, as: UTF8.self))
}

/// A child process ran past its time limit and was killed.
public struct ProcessTimedOut: Error, CustomStringConvertible {
    public let command: String
    public let seconds: TimeInterval
    public let standardError: String
    public var description: String { "\(command) still ran after \(Int(seconds)) s and was killed; its standard error: \(standardError)" }
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
