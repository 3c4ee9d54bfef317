import Tensor

/// `nmt --version`: the version and what this machine computes with (figures from
/// different CPUs, kernel paths or OpenBLAS cores are not comparable).
enum Version {
    static let number = "0.2.0"

    static var report: String {
        let features = CPUFeatures.current
        let library = OpenBLAS.library
        return """
            nmt \(number)
            CPU: \(features.modelName.isEmpty ? "unknown" : features.modelName) (\(OpenBLASCores.level(of: features)))
            kernels: \(RuntimeReport.kernelPath); \(VectorISA.environmentVariable) forces one
            \(library.summary); \(library.configuration)
            """
    }
}
