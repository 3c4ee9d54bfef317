/// Which OpenBLAS core (OPENBLAS_CORETYPE) a CPU should run, from its CPUID features and
/// the core OpenBLAS chose by itself.
///
/// OpenBLAS built with DYNAMIC_ARCH picks its kernels from a table of CPU models; a model
/// newer than the library falls back to generic SSE3 kernels (Debian's 0.3.21 on Intel
/// family 6 model 207: Prescott, 4–6× slower products). Features, not models, decide here:
/// a core is replaced only when it needs less than the CPU has.
public enum OpenBLASCores {
    /// Instruction-set levels, ordered.
    public enum Level: Int, Comparable, Sendable, CustomStringConvertible {
        case sse = 0, avx, avx2, avx512

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        public var description: String { ["SSE", "AVX", "AVX2", "AVX-512"][rawValue] }
    }

    /// The level a core's kernels need, from the name `openblas_get_corename` reports (or
    /// an OPENBLAS_CORETYPE value); nil for a name this table does not know (then it is
    /// never replaced: it may be a newer core than the table).
    public static func level(ofCore name: String) -> Level? {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return .avx512
        case "haswell", "zen", "excavator": return .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": return .avx
        case "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "opteron", "opteron_sse3",
             "barcelona", "bobcat", "nano", "katmai", "coppermine", "northwood", "banias", "athlon":
            return .sse
        default: return nil
        }
    }

    /// The highest level `features` can run.
    public static func level(of features: CPUFeatures) -> Level {
        if features.hasAVX512 { return .avx512 }
        if features.hasAVX2FMA { return .avx2 }
        if features.flags.contains("avx") { return .avx }
        return .sse
    }

    /// The best core Debian's OpenBLAS offers for `features`: AVX-512 with BF16 →
    /// Cooperlake, AVX-512 → SkylakeX, AVX2 + FMA → Zen on AMD and Hygon, Haswell
    /// elsewhere, AVX → Sandybridge; nil when nothing beats the generic kernels.
    public static func bestCore(for features: CPUFeatures) -> String? {
        switch level(of: features) {
        case .avx512: return features.hasAVX512BF16 ? "COOPERLAKE" : "SKYLAKEX"
        case .avx2: return ["AuthenticAMD", "HygonGenuine"].contains(features.vendor) ? "ZEN" : "HASWELL"
        case .avx: return "SANDYBRIDGE"
        case .sse: return nil
        }
    }

    /// The best core for `features` when the user's OPENBLAS_CORETYPE (`userCore`) is a
    /// known core of a lower level (a machine-wide Haswell on an AVX-512 CPU: half the
    /// product rate); nil otherwise.
    public static func fasterCore(than userCore: String?, for features: CPUFeatures) -> String? {
        guard let userCore, !features.isUnknown, let have = level(ofCore: userCore), have < level(of: features) else {
            return nil
        }
        return bestCore(for: features)
    }

    /// What to do at start-up.
    public enum Decision: Equatable, Sendable {
        /// The user set OPENBLAS_CORETYPE: always honoured.
        case userChoice(String)
        /// OpenBLAS's own choice uses what the CPU has (or is a core this table does not know).
        case keep(String)
        /// OpenBLAS fell back to `replacing`; reload it with `core`.
        case force(core: String, replacing: String)
    }

    /// The decision for a CPU with `features`, where OpenBLAS chose `chosen` by itself and
    /// the user set OPENBLAS_CORETYPE to `userCore` (nil or empty: not set).
    public static func decide(features: CPUFeatures, chosen: String, userCore: String?) -> Decision {
        if let userCore, !userCore.isEmpty { return .userChoice(userCore) }
        guard !features.isUnknown, let have = level(ofCore: chosen), have < level(of: features),
              let best = bestCore(for: features) else { return .keep(chosen) }
        return .force(core: best, replacing: chosen)
    }
}
