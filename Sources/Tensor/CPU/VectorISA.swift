import Foundation
import Synchronization
import Kernels
import KernelsAVX2
import KernelsAVX512

/// The instruction set the project's own kernels run with: one generic source per kernel,
/// specialised for 8 lanes (AVX2) and 16 lanes (AVX-512), chosen at run time.
///
/// The choice is the widest path the CPU supports, unless the environment variable
/// NMT_ISA names one (`avx2` or `avx512`; for comparisons and for testing the other path
/// on an AVX-512 machine). Benchmarks may switch with `use(_:)` between measurements.
public enum VectorISA: String, CaseIterable, Sendable {
    case avx2
    case avx512

    /// The variable that forces a path.
    public static let environmentVariable = "NMT_ISA"

    /// The paths `features` can run, narrowest first.
    public static func supported(by features: CPUFeatures) -> [VectorISA] {
        features.hasAVX512 ? [.avx2, .avx512] : [.avx2]
    }

    /// The paths this machine can run, narrowest first.
    public static var supported: [VectorISA] { supported(by: .current) }

    /// The path for `features` given the value of NMT_ISA (nil when unset). Throws for a
    /// value that is not a path, or a path the CPU cannot run.
    public static func choose(for features: CPUFeatures, requested: String?) throws -> VectorISA {
        let available = supported(by: features)
        guard let requested, !requested.isEmpty else { return available.last! }
        guard let isa = VectorISA(rawValue: requested.lowercased()) else {
            throw SelectionError(message: "\(environmentVariable)=\(requested) is not a kernel path; use one of: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard available.contains(isa) else {
            throw SelectionError(message: "\(environmentVariable)=\(requested): this CPU lacks AVX-512 F/CD/BW/DQ/VL; it supports \(available.map(\.rawValue).joined(separator: ", "))")
        }
        return isa
    }

    /// A value of NMT_ISA that cannot be honoured.
    public struct SelectionError: Error, LocalizedError, CustomStringConvertible {
        public let message: String
        public var description: String { message }
        public var errorDescription: String? { message }
    }

    /// The path in use: the one `prepare()` chose, or on first use without it, the one
    /// NMT_ISA asks for where it can be honoured and the best for this CPU otherwise
    /// (executables call `Runtime.prepare()`, so a bad NMT_ISA is reported there).
    public static var active: VectorISA {
        switch chosen.load(ordering: .relaxed) {
        case 1: return .avx2
        case 2: return .avx512
        default: break
        }
        let requested = ProcessInfo.processInfo.environment[environmentVariable]
        let isa = (try? choose(for: .current, requested: requested)) ?? (try? choose(for: .current, requested: nil)) ?? .avx2
        use(isa)
        return isa
    }

    /// Chooses the path from CPUID and NMT_ISA and switches every kernel to it.
    /// - Throws: `SelectionError` for an NMT_ISA this CPU cannot honour (a setting error).
    @discardableResult
    public static func prepare() throws -> VectorISA {
        let isa = try choose(for: .current, requested: ProcessInfo.processInfo.environment[environmentVariable])
        use(isa)
        return isa
    }

    /// Switches every kernel to `isa` (which the CPU must support). Not for use while
    /// kernels run on other threads.
    public static func use(_ isa: VectorISA) {
        precondition(supported.contains(isa) || CPUFeatures.current.isUnknown,
                     "kernel path \(isa.rawValue) is not supported by this CPU")
        chosen.store(isa == .avx2 ? 1 : 2, ordering: .relaxed)
    }

    /// The kernels specialised for this path.
    public var kernels: KernelTable {
        switch self {
        case .avx2: return kernelsAVX2
        case .avx512: return kernelsAVX512
        }
    }

    /// The path in use: 0 until one is chosen, 1 AVX2, 2 AVX-512. Atomic, because tests
    /// switch paths while other tests' kernels read it on other threads.
    private static let chosen = Atomic<UInt8>(0)

    /// The active path's kernels (what every kernel in Tensor calls through).
    @inline(__always)
    public static var kernels: KernelTable { active.kernels }
}
