import Foundation

/// OpenBLAS, loaded with `dlopen` at first use, running the core `OpenBLASCores` chooses.
///
/// Why load it here instead of linking it: OpenBLAS reads OPENBLAS_CORETYPE once, in the
/// constructor that runs when the library loads, so a core can only be changed before a
/// load. Loading it ourselves lets every process (nmt, nmt-bench, the test runners) first
/// load it as it is, ask which core it chose, and, where that core is below what the CPU
/// can run, unload it and load it again with the variable set — in the same process, with
/// its arguments, standard input and pid intact (re-executing the process would also
/// work for the executables, but not for test runners or any other program that uses the
/// library). The reloaded core is checked on a small product in every transpose
/// combination before it is trusted; on a mismatch OpenBLAS's own choice is loaded again.
public final class OpenBLAS: @unchecked Sendable {
    // @unchecked: the function pointers are set once, when the library is loaded.
    /// cblas_sgemm: order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc.
    typealias SGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    private typealias SetThreads = @convention(c) (Int32) -> Void
    private typealias Text = @convention(c) () -> UnsafePointer<CChar>?

    /// The library, loaded and its core chosen on first use. Executables load it in
    /// `Runtime.prepare()`, which reports a failure as an error; `library` after a failed
    /// load is a programming error.
    public static var library: OpenBLAS {
        guard case .success(let library) = loading else {
            preconditionFailure("OpenBLAS did not load; call Runtime.prepare() first, which says why")
        }
        return library
    }

    /// Loads the library (once) or says why it cannot: the message names the package to install.
    /// - Throws: `MachineUnavailable`.
    public static func prepare() throws -> OpenBLAS {
        do { return try loading.get() } catch { throw MachineUnavailable(reason: "\(error)") }
    }

    private static let loading = Result { try OpenBLAS(features: .current, environment: ProcessInfo.processInfo.environment) }

    /// The variable OpenBLAS reads its core from.
    public static let coreVariable = "OPENBLAS_CORETYPE"
    /// Loads OpenBLAS first with this core as if OpenBLAS had chosen it, so that the
    /// selection can be exercised on machines whose CPU OpenBLAS knows (tests, diagnosis).
    public static let initialCoreVariable = "NMT_OPENBLAS_INITIAL_CORETYPE"

    /// The core in use, as OpenBLAS names it (SkylakeX, Haswell, Prescott, …).
    public let coreName: String
    /// How that core was chosen.
    public let decision: OpenBLASCores.Decision
    /// Why a core this project chose was not used (it failed the product check, or this
    /// OpenBLAS build does not have it); nil when nothing was refused.
    public let refusal: String?
    /// When the user's OPENBLAS_CORETYPE names a core below what the CPU runs: the core
    /// it could run instead (the choice is honoured, and the summary says what it costs).
    public let fasterCore: String?
    /// OpenBLAS's build description (version, DYNAMIC_ARCH, threading).
    public let configuration: String

    let sgemm: SGEMM
    private let setThreadCount: SetThreads
    private let handle: UnsafeMutableRawPointer

    /// Sets OpenBLAS's own thread count (the project keeps it at 1, see `Threads`).
    public func setThreads(_ n: Int) { setThreadCount(Int32(n)) }

    /// c = a·b (row-major, contiguous) in one call threaded by OpenBLAS itself with
    /// `threads` threads: the reference the benchmarks compare `MatMul` with.
    /// Shapes: a (m, k), b (k, n), c (m, n).
    public func multiplyThreadedByOpenBLAS(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                           c: UnsafeMutablePointer<Float>, threads: Int) {
        setThreads(threads)
        defer { setThreads(1) }
        sgemm(CBLASCode.rowMajor, CBLASCode.noTranspose, CBLASCode.noTranspose, Int32(m), Int32(n), Int32(k),
              1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }

    /// One line for logs and version output, e.g. "OpenBLAS core SkylakeX (chosen for
    /// AVX-512; OpenBLAS picked Prescott)".
    public var summary: String {
        var text = "OpenBLAS core \(coreName)"
        switch decision {
        case .userChoice(let core):
            text += " (\(Self.coreVariable)=\(core)"
            if let fasterCore { text += "; this CPU runs \(fasterCore), unset \(Self.coreVariable) for faster products" }
            text += ")"
        case .keep: text += " (OpenBLAS's own choice)"
        case .force(_, let replacing):
            text += refusal == nil ? " (chosen from CPUID; OpenBLAS picked \(replacing))" : ""
        }
        if let refusal { text += " (\(refusal))" }
        return text
    }

    private init(features: CPUFeatures, environment: [String: String]) throws {
        let userCore = environment[Self.coreVariable].flatMap { $0.isEmpty ? nil : $0 }
        var loaded = try Loaded(core: userCore ?? environment[Self.initialCoreVariable])
        let decision = OpenBLASCores.decide(features: features, chosen: loaded.coreName, userCore: userCore)
        var refusal: String?
        if case .force(let core, let replacing) = decision {
            loaded.close()
            loaded = try Loaded(core: core)
            if OpenBLASCores.level(ofCore: loaded.coreName) != OpenBLASCores.level(ofCore: core) {
                refusal = "this OpenBLAS build has no \(core) core; kept \(replacing)"
            } else {
                let error = ProductCheck.largestError(loaded.sgemm)
                if !(error <= ProductCheck.tolerance) {
                    refusal = "\(core) failed the product check (|error| \(error)); kept \(replacing)"
                }
            }
            if refusal != nil {
                loaded.close()
                loaded = try Loaded(core: environment[Self.initialCoreVariable])
                FileHandle.standardError.write(Data("warning: OpenBLAS: \(refusal!)\n".utf8))
            }
        }
        coreName = loaded.coreName
        configuration = loaded.configuration
        sgemm = loaded.sgemm
        setThreadCount = loaded.setThreads
        handle = loaded.handle
        self.decision = decision
        self.refusal = refusal
        fasterCore = OpenBLASCores.fasterCore(than: userCore, for: features)
    }

    /// One dlopen of the library with OPENBLAS_CORETYPE set to `core` (nil: unset) during
    /// the load; the variable is restored afterwards, so child processes see the user's
    /// environment and make their own choice.
    private struct Loaded {
        static let names = ["libopenblas.so.0", "libopenblas.so"]
        let handle: UnsafeMutableRawPointer
        let sgemm: SGEMM
        let setThreads: SetThreads
        let coreName: String
        let configuration: String

        init(core: String?) throws {
            let previous = getenv(OpenBLAS.coreVariable).map { String(cString: $0) }
            if let core { setenv(OpenBLAS.coreVariable, core, 1) } else { unsetenv(OpenBLAS.coreVariable) }
            defer {
                if let previous { setenv(OpenBLAS.coreVariable, previous, 1) } else { unsetenv(OpenBLAS.coreVariable) }
            }
            var opened: UnsafeMutableRawPointer?
            var reasons: [String] = []
            for name in Self.names where opened == nil {
                opened = dlopen(name, RTLD_NOW | RTLD_LOCAL)
                if opened == nil { reasons.append(String(cString: dlerror())) }
            }
            guard let handle = opened else {
                throw LoadError(message: "OpenBLAS could not be loaded (\(reasons.joined(separator: "; "))); install Debian's libopenblas0 or libopenblas-dev (bash scripts/install-system-packages.sh)")
            }
            func symbol<T>(_ name: String, as type: T.Type) throws -> T {
                guard let address = dlsym(handle, name) else {
                    throw LoadError(message: "the loaded OpenBLAS has no \(name)")
                }
                return unsafeBitCast(address, to: type)
            }
            self.handle = handle
            sgemm = try symbol("cblas_sgemm", as: SGEMM.self)
            setThreads = try symbol("openblas_set_num_threads", as: SetThreads.self)
            let corename = try symbol("openblas_get_corename", as: Text.self)
            let config = try symbol("openblas_get_config", as: Text.self)
            coreName = corename().map { String(cString: $0) }?.trimmingCharacters(in: .whitespaces) ?? "unknown"
            configuration = config().map { String(cString: $0) }?.trimmingCharacters(in: .whitespaces) ?? ""
        }

        func close() { dlclose(handle) }
    }

    struct LoadError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
