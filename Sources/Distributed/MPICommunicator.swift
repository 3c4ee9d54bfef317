import COpenMPI
import Foundation

/// Open MPI's world communicator (MPI_Init_thread at creation, FUNNELED: only the
/// training thread calls MPI). Errors come back as `DistributedError` naming the rank.
///
/// A watchdog thread bounds every collective: one that has waited `timeout` seconds for
/// the other ranks ends this process with a message naming the rank and the operation
/// (mpirun then stops the job), so a hung or vanished rank never hangs the job for ever.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public let library: String
    private let watchdog: CollectiveWatchdog

    public init(timeout: Double) throws {
        try Self.check(nmt_mpi_init(), rank: -1, operation: "MPI_Init_thread")
        var rank: Int32 = 0, size: Int32 = 0
        try Self.check(nmt_mpi_rank(&rank), rank: -1, operation: "MPI_Comm_rank")
        try Self.check(nmt_mpi_size(&size), rank: Int(rank), operation: "MPI_Comm_size")
        self.rank = Int(rank)
        self.size = Int(size)
        var text = [CChar](repeating: 0, count: Int(nmt_mpi_max_library_version()) + 1)
        _ = nmt_mpi_library_version(&text, Int32(text.count))
        library = String(cString: text).split(whereSeparator: \.isNewline).first.map(String.init)?
            .split(separator: ",").first.map(String.init) ?? "MPI"
        watchdog = CollectiveWatchdog(rank: Int(rank), timeout: timeout)
    }

    public var description: String { "\(library), \(size) ranks" }

    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int, operation: String) throws {
        try watched(operation) { nmt_mpi_allreduce_sum_float(buffer, Int64(count)) }
    }

    public func allReduceSum(_ values: inout [Double], operation: String) throws {
        let count = Int32(values.count)
        try values.withUnsafeMutableBufferPointer { buffer in
            try watched(operation) { nmt_mpi_allreduce_sum_double(buffer.baseAddress, count) }
        }
    }

    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int, operation: String) throws {
        try watched(operation) { nmt_mpi_broadcast(buffer, Int64(bytes), Int32(root)) }
    }

    public func allGather(_ value: UInt64, operation: String) throws -> [UInt64] {
        var values = [UInt64](repeating: 0, count: size)
        try values.withUnsafeMutableBufferPointer { buffer in
            try watched(operation) { nmt_mpi_allgather_u64(value, buffer.baseAddress) }
        }
        return values
    }

    public func barrier(operation: String) throws {
        try watched(operation) { nmt_mpi_barrier() }
    }

    public func finish() throws {
        watchdog.stop()
        try Self.check(nmt_mpi_finalize(), rank: rank, operation: "MPI_Finalize")
    }

    public func withoutTimeout<T>(_ body: () throws -> T) rethrows -> T {
        watchdog.suspended += 1
        defer { watchdog.suspended -= 1 }
        return try body()
    }

    private func watched(_ operation: String, _ body: () -> Int32) throws {
        watchdog.begin(operation)
        let code = body()
        watchdog.end()
        try Self.check(code, rank: rank, operation: operation)
    }

    private static func check(_ code: Int32, rank: Int, operation: String) throws {
        guard code != 0 else { return }
        var text = [CChar](repeating: 0, count: Int(nmt_mpi_max_error_text()) + 1)
        nmt_mpi_error_text(code, &text, Int32(text.count))
        throw DistributedError.mpi(rank: rank, operation: operation, code: code, message: String(cString: text))
    }
}

/// Ends the process when a collective waits longer than the timeout.
final class CollectiveWatchdog: @unchecked Sendable {
    // @unchecked: `operation`, `started` and `stopped` are guarded by `lock`.
    private let lock = NSLock()
    private var operation: String?
    private var started = Date()
    private var stopped = false
    private var suspensions = 0
    private let rank: Int
    private let timeout: Double

    init(rank: Int, timeout: Double) {
        self.rank = rank
        self.timeout = timeout
        guard timeout > 0 else { return }
        let thread = Thread { [self] in watch() }
        thread.name = "nmt-mpi-watchdog"
        thread.start()
    }

    /// While positive, collectives are not timed.
    var suspended: Int {
        get { lock.withLock { suspensions } }
        set { lock.withLock { suspensions = newValue } }
    }

    func begin(_ operation: String) {
        lock.withLock {
            self.operation = suspensions > 0 ? nil : operation
            started = Date()
        }
    }

    func end() { lock.withLock { operation = nil } }

    func stop() { lock.withLock { stopped = true } }

    private func watch() {
        while true {
            Thread.sleep(forTimeInterval: min(1, timeout / 4))
            let (pending, waited, done) = lock.withLock { (operation, Date().timeIntervalSince(started), stopped) }
            if done { return }
            if let pending, waited > timeout {
                let message = "nmt: error: rank \(rank): \(pending) waited \(Int(waited)) s for the other ranks "
                    + "(collective timeout \(Int(timeout)) s): a rank has stopped or hangs; the last checkpoint is intact\n"
                FileHandle.standardError.write(Data(message.utf8))
                _exit(75)
            }
        }
    }
}
