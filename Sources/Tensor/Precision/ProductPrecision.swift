/// The arithmetic of the matrix products in training.
///
/// Mixed precision as PyTorch's CPU autocast and fairseq's `--bf16` do it: master weights,
/// gradients, Adam moments and every elementwise kernel stay fp32; only the products take
/// bfloat16 inputs, with fp32 accumulation and fp32 results.
public enum ProductPrecision: String, CaseIterable, Sendable, Codable {
    /// fp32 inputs and accumulation (OpenBLAS).
    case fp32
    /// Inputs rounded to bfloat16 (to nearest, ties to even), fp32 accumulation and
    /// results (oneDNN for the layer products, VDPBF16PS for the per-head attention ones).
    case bf16
}

/// What a user asks for with `--precision`: a precision, or `auto` (bf16 where the CPU
/// multiplies bf16 natively, fp32 elsewhere).
public enum PrecisionRequest: String, CaseIterable, Sendable, Codable {
    case fp32, bf16, auto
}

/// The precision a run uses and why, for the first log line, train.jsonl and reports.
public struct PrecisionChoice: Equatable, Sendable {
    public let precision: ProductPrecision
    /// e.g. "auto: the CPU multiplies bf16 natively (avx512_bf16, amx_bf16)".
    public let reason: String

    public init(precision: ProductPrecision, reason: String) {
        self.precision = precision
        self.reason = reason
    }

    /// "bf16 (auto: the CPU multiplies bf16 natively (avx512_bf16, amx_bf16))".
    public var summary: String { "\(precision.rawValue) (\(reason))" }
}

/// `--precision bf16` on a CPU that cannot multiply bf16 natively.
public struct PrecisionUnavailable: Error, CustomStringConvertible, Equatable {
    public let missing: [String]
    public init(missing: [String]) { self.missing = missing }
    public var description: String {
        "precision bf16 needs a CPU that multiplies bfloat16 natively; this CPU lacks \(missing.joined(separator: ", ")) "
            + "(AVX-512 BF16). Use --precision fp32, or auto to pick bf16 only where the CPU has it"
    }
}

extension CPUFeatures {
    /// The CPU flags bf16 products need and this CPU lacks: AVX-512 F/CD/BW/DQ/VL and
    /// avx512_bf16 (VDPBF16PS, which the attention products and the rounding use; oneDNN
    /// adds AMX-BF16 tiles where present). All of them when nothing is known.
    public var missingBF16Features: [String] {
        ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"].filter { !flags.contains($0) }
    }

    /// Whether the CPU multiplies bf16 natively (no emulation): AVX-512 with BF16.
    public var multipliesBF16Natively: Bool { missingBF16Features.isEmpty }

    /// The native bf16 features present, e.g. "avx512_bf16, amx_bf16".
    var bf16FeatureNames: String {
        ["avx512_bf16", "amx_bf16"].filter { flags.contains($0) }.joined(separator: ", ")
    }
}

extension ProductPrecision {
    /// The precision for `request` on a CPU with `features`: `auto` is bf16 exactly where
    /// the CPU multiplies bf16 natively; an explicit bf16 on any other CPU throws, naming
    /// the missing flags (no slow emulation).
    public static func choose(_ request: PrecisionRequest, features: CPUFeatures) throws -> PrecisionChoice {
        switch request {
        case .fp32:
            return PrecisionChoice(precision: .fp32, reason: "requested")
        case .bf16:
            guard features.multipliesBF16Natively else { throw PrecisionUnavailable(missing: features.missingBF16Features) }
            return PrecisionChoice(precision: .bf16, reason: "requested; the CPU has \(features.bf16FeatureNames)")
        case .auto:
            if features.multipliesBF16Natively {
                return PrecisionChoice(precision: .bf16, reason: "auto: the CPU multiplies bf16 natively (\(features.bf16FeatureNames))")
            }
            let missing = features.isUnknown ? "its features are unknown" : "it lacks \(features.missingBF16Features.joined(separator: ", "))"
            return PrecisionChoice(precision: .fp32, reason: "auto: the CPU does not multiply bf16 natively (\(missing))")
        }
    }
}
