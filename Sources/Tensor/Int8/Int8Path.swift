import Foundation

/// Which int8 product kernels run (CInt8Kernels): chosen from CPUID once; tests may pick
/// the AVX2 path on a VNNI machine to check it.
public enum Int8Path: String, Sendable, CaseIterable {
    /// VPDPBUSD on 512-bit registers (AVX512-VNNI: Intel from Cascade Lake, AMD from Zen 4).
    case vnni
    /// 16-bit products with VPMADDWD: exact on every AVX2 CPU, about half VNNI's rate.
    case avx2

    /// The fastest path `features` can run (AVX2 when nothing is known).
    public static func best(for features: CPUFeatures) -> Int8Path {
        features.hasAVX512 && features.flags.contains("avx512_vnni") ? .vnni : .avx2
    }

    /// This machine's path: the best one, or the AVX2 path when the environment sets
    /// NMT_INT8_PATH=avx2 (to check or time it on a VNNI machine). A path the CPU lacks is
    /// never taken.
    public static let active: Int8Path = {
        let fastest = Int8Path.best(for: CPUFeatures.current)
        guard let name = ProcessInfo.processInfo.environment["NMT_INT8_PATH"], let asked = Int8Path(rawValue: name) else { return fastest }
        return asked == .vnni ? fastest : asked
    }()

    /// Whether this machine can run the path's instructions.
    public var isSupported: Bool {
        switch self {
        case .vnni: Int8Path.best(for: .current) == .vnni
        case .avx2: CPUFeatures.current.isUnknown || CPUFeatures.current.hasAVX2FMA
        }
    }

    var isVNNI: Int32 { self == .vnni ? 1 : 0 }

    /// Columns per packed panel.
    var panelWidth: Int { self == .vnni ? 16 : 8 }

    /// "int8 products: VPDPBUSD (avx512_vnni)", for `--version` and logs.
    public var summary: String {
        switch self {
        case .vnni: "VPDPBUSD (avx512_vnni)"
        case .avx2: "VPMADDWD (avx2, no VNNI)"
        }
    }
}

/// The arithmetic of translation's products (`nmt translate --precision`).
public enum DecodingPrecision: String, CaseIterable, Sendable, Codable {
    /// fp32 products (the trained weights as they are).
    case fp32
    /// int8 products as CTranslate2's int8: weights quantized per output row, activations
    /// per row at run time, int32 accumulation; layer norm, softmax and the attention
    /// products stay fp32.
    case int8

    /// Parses a `--precision` value; anything else is an error listing the allowed values.
    public init(parsing text: String) throws {
        guard let value = DecodingPrecision(rawValue: text) else {
            throw DecodingPrecisionError(value: text)
        }
        self = value
    }
}

/// A `--precision` value that translation does not have.
public struct DecodingPrecisionError: Error, CustomStringConvertible, Equatable {
    public let value: String
    public var description: String {
        "unknown precision '\(value)' for translation; allowed: \(DecodingPrecision.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}
