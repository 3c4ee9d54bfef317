import Foundation
import Tensor

/// The product precision of one run segment (a start, or a resume), chosen from the
/// `precision` setting, the precision the run trained in so far and the CPU.
///
/// - fp32 and bf16 are honoured as asked; bf16 on a CPU without native bf16 is an error
///   naming the missing flags.
/// - auto on a new run is bf16 exactly where the CPU multiplies bf16 natively.
/// - auto on a resumed run keeps the run's precision where the CPU has it; a bf16 run on a
///   CPU without bf16 continues in fp32, with a warning.
public struct RunPrecision: Codable, Equatable, Sendable {
    public let precision: ProductPrecision
    public let reason: String
    /// Set when the segment changes the run's precision against the user's expectation.
    public let warning: String?

    /// The default of the `precision` key: auto, since the bf16 quality check held
    /// (docs/RESULTS.md, "bf16 against fp32": 2 seeds, test BLEU within 0.03, validation
    /// NLL within 1 % at every validation). On a CPU without native bf16 auto is fp32.
    public static let defaultRequest = PrecisionRequest.auto

    public init(precision: ProductPrecision, reason: String, warning: String? = nil) {
        self.precision = precision
        self.reason = reason
        self.warning = warning
    }

    /// - Parameters:
    ///   - request: the `precision` setting (nil: `defaultRequest`).
    ///   - previous: the precision of the checkpoint being resumed (nil for a new run, or a
    ///     checkpoint written before precision was recorded, which trained in fp32).
    public static func choose(request: PrecisionRequest?, previous: ProductPrecision?, resuming: Bool,
                              features: CPUFeatures) throws -> RunPrecision {
        let request = request ?? defaultRequest
        guard request == .auto, resuming else {
            let choice = try ProductPrecision.choose(request, features: features)
            return RunPrecision(precision: choice.precision, reason: choice.reason)
        }
        switch previous ?? .fp32 {
        case .fp32:
            return RunPrecision(precision: .fp32, reason: "auto: the run trained in fp32 so far")
        case .bf16 where features.multipliesBF16Natively:
            return RunPrecision(precision: .bf16, reason: "auto: the run trained in bf16 so far and the CPU has it")
        case .bf16:
            let missing = features.missingBF16Features.joined(separator: ", ")
            return RunPrecision(precision: .fp32, reason: "auto: the CPU lacks \(missing)",
                                warning: "the run trained in bf16 so far, but this CPU lacks \(missing): it continues in fp32 from here")
        }
    }

    /// "bf16 (auto: the CPU multiplies bf16 natively (avx512_bf16, amx_bf16))".
    public var summary: String { "\(precision.rawValue) (\(reason))" }
}
