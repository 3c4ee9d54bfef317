import Foundation

/// What a program checks before any work, reported as errors that it maps to its exit
/// statuses (Tensor itself never exits): that this CPU runs the build's kernels, that
/// NMT_ISA names a kernel path the CPU has, and that OpenBLAS loads.
public enum Runtime {
    /// - Throws: `MachineUnavailable` (this machine cannot run the program) or
    ///   `VectorISA.SelectionError` (a wrong setting).
    public static func prepare() throws {
        #if !DEBUG
        try CPUFeatures.current.requireAVX2FMA()
        #endif
        try VectorISA.prepare()
        _ = try OpenBLAS.prepare()
    }
}

/// This machine lacks what the program needs: a CPU feature or a library.
public struct MachineUnavailable: Error, LocalizedError, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var errorDescription: String? { reason }
    public var description: String { reason }
}
