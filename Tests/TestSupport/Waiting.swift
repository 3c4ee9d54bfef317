import Foundation

/// A condition a test waited for did not come true in time.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public let what: String
    public let seconds: TimeInterval
    public var description: String { "waited \(Int(seconds)) s for \(what)" }
}

/// Polls `condition` about every millisecond until it holds, so that a test fails
/// (naming `what`) instead of hanging when it never does.
public func waitUntil(_ what: String, timeout: TimeInterval = 120, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        guard Date() < deadline else { throw WaitTimedOut(what: what, seconds: timeout) }
        usleep(1000)
    }
}

/// `waitUntil` for async tests: sleeps between polls instead of blocking one of the
/// concurrency pool's few threads (a blocked pool can deadlock the test). A name of its
/// own, so that an async test cannot pick the blocking overload by accident.
public func awaitUntil(_ what: String, timeout: TimeInterval = 120, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try await !condition() {
        guard Date() < deadline else { throw WaitTimedOut(what: what, seconds: timeout) }
        try await Task.sleep(nanoseconds: 1_000_000)
    }
}

/// One line (without its newline) from `handle`, waiting at most `timeout` seconds for it.
public func readLine(from handle: FileHandle, timeout: TimeInterval = 120) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var bytes: [UInt8] = []
    while true {
        var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        let left = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
        guard poll(&descriptor, 1, left) > 0 else { throw WaitTimedOut(what: "a line of output", seconds: timeout) }
        let byte = handle.readData(ofLength: 1)
        guard let first = byte.first else { throw CocoaError(.fileReadUnknown) }
        if first == 0x0A { return String(decoding: bytes, as: UTF8.self) }
        bytes.append(first)
    }
}

/// Runs `body` on a thread of its own and awaits its result: for a test's long blocking
/// work (training a model, translating a file), which on one of the concurrency pool's
/// threads (two on a 2-core machine) would starve every async test meanwhile, the
/// serving tests' request handlers among them.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
