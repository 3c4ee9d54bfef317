import Tensor
import Training

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
            training precision: \(precisionLine(features))
            """
    }

    /// What `--precision auto` picks here and why, and oneDNN where bf16 is available.
    static func precisionLine(_ features: CPUFeatures) -> String {
        let auto = (try? ProductPrecision.choose(.auto, features: features))?.summary ?? "fp32"
        let defaultRequest = RunPrecision.defaultRequest.rawValue
        let engine = features.multipliesBF16Natively ? "; \(BF16Engine.summary)" : ""
        return "default \(defaultRequest); auto → \(auto)\(engine)"
    }
}
