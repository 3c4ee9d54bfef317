/// What this process computes with: the CPU, the kernel path and the OpenBLAS core, for
/// training logs, benchmark reports and `--version` (figures are only comparable on the
/// same CPU, path and core).
public enum RuntimeReport {
    /// One line, e.g. "CPU AMD EPYC; kernels avx512 (of avx2, avx512); OpenBLAS core
    /// Cooperlake (OpenBLAS's own choice)". Loads OpenBLAS if it is not loaded yet.
    public static var line: String {
        let cpu = CPUFeatures.current.modelName.isEmpty ? "unknown CPU" : CPUFeatures.current.modelName
        return "CPU \(cpu); kernels \(kernelPath); \(OpenBLAS.library.summary)"
    }

    /// The active kernel path and the ones this CPU supports, e.g. "avx512 (of avx2, avx512)".
    public static var kernelPath: String {
        "\(VectorISA.active.rawValue) (of \(VectorISA.supported.map(\.rawValue).joined(separator: ", ")))"
    }
}
