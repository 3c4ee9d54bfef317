import Foundation

/// The collective operations data-parallel training needs, over the processes of one job
/// (ranks 0..<size). Every rank must call the same operations in the same order.
///
/// `Distributed.communicator()` gives Open MPI's when the process was started by mpirun,
/// and `SingleProcess` otherwise, so plain `nmt train` needs no MPI at all.
public protocol Communicator: AnyObject {
    /// This process's rank, 0..<size; rank 0 writes logs and checkpoints.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// What the log says about the job ("1 process", "Open MPI v4.1.4, 2 ranks").
    var description: String { get }

    /// Replaces `count` floats at `buffer` with their sum over all ranks (in place).
    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int, operation: String) throws
    /// Replaces `values` with their element-wise sum over all ranks.
    func allReduceSum(_ values: inout [Double], operation: String) throws
    /// Copies `bytes` bytes at `buffer` from rank `root` to every rank.
    func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int, operation: String) throws
    /// Every rank's `value`, in rank order.
    func allGather(_ value: UInt64, operation: String) throws -> [UInt64]
    func barrier(operation: String) throws
    /// Ends the job's communication (MPI_Finalize); call once, when every rank is done.
    func finish() throws
    /// Runs `body` with no time limit on its collectives: for waits whose length is the
    /// work of another rank (rank 0 preparing the corpus or validating), not a fault.
    func withoutTimeout<T>(_ body: () throws -> T) rethrows -> T
}

extension Communicator {
    public var isRoot: Bool { rank == 0 }

    /// `value` as rank `root` has it (the others pass anything, nil included): a Codable
    /// value sent as its JSON bytes, length first.
    public func broadcast<T: Codable>(_ value: T?, root: Int = 0, operation: String) throws -> T {
        if size == 1 { return value! }
        let data = try broadcast(rank == root ? try JSONEncoder().encode(value!) : nil, root: root, operation: operation)
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// What `decide` returns on rank 0, on every rank (the others do not call it): the
    /// decisions only rank 0 can take (its clock, its signals, its validation).
    public func fromRoot<T: Codable>(operation: String, _ decide: () throws -> T) throws -> T {
        try broadcast(isRoot ? try decide() : nil, root: 0, operation: operation)
    }

    /// Bytes as rank `root` has them.
    public func broadcast(_ data: Data?, root: Int = 0, operation: String) throws -> Data {
        if size == 1 { return data! }
        var bytes = rank == root ? data! : Data()
        var length = Int64(bytes.count)
        try broadcast(&length, bytes: 8, root: root, operation: operation)
        if rank != root { bytes = Data(count: Int(length)) }
        if length > 0 {
            try bytes.withUnsafeMutableBytes { try broadcast($0.baseAddress!, bytes: Int(length), root: root, operation: operation) }
        }
        return bytes
    }
}

/// Errors of the collective operations, naming the rank and the operation.
public enum DistributedError: Error, LocalizedError, Equatable {
    case mpi(rank: Int, operation: String, code: Int32, message: String)
    /// Replicas that should be identical are not (`hashes` in rank order).
    case replicasDiffer(operation: String, hashes: [UInt64])

    public var errorDescription: String? {
        switch self {
        case let .mpi(rank, operation, code, message):
            return "rank \(rank): MPI error \(code) in \(operation): \(message)"
        case let .replicasDiffer(operation, hashes):
            let reference = hashes[0]
            let differing = hashes.indices.filter { hashes[$0] != reference }.map(String.init).joined(separator: ", ")
            return "the ranks' model and optimizer states differ at \(operation): rank(s) \(differing) disagree with rank 0 "
                + "(hashes \(hashes.map { String($0, radix: 16) }.joined(separator: " ")))"
        }
    }
}

/// One process: rank 0 of 1; every collective is the identity.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var description: String { "1 process" }
    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int, operation: String) {}
    public func allReduceSum(_ values: inout [Double], operation: String) {}
    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int, operation: String) {}
    public func allGather(_ value: UInt64, operation: String) -> [UInt64] { [value] }
    public func barrier(operation: String) {}
    public func finish() {}
    public func withoutTimeout<T>(_ body: () throws -> T) rethrows -> T { try body() }
}

public enum Distributed {
    /// Whether mpirun (or another PMIx launcher of Open MPI) started this process.
    public static var launchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// Open MPI's world communicator when launched by mpirun, else `SingleProcess`.
    /// - Parameter timeout: seconds a collective may wait for the other ranks before this
    ///   process gives up with an error naming its rank (a rank that hangs or vanished
    ///   without mpirun noticing); 0 waits for ever.
    public static func communicator(timeout: Double) throws -> any Communicator {
        launchedByMPI ? try MPICommunicator(timeout: timeout) : SingleProcess()
    }
}
