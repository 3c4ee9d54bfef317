import Foundation

/// What the CPU can run, as Linux reports it in /proc/cpuinfo (the kernel lists an
/// AVX-512 flag only when it also saves the 512-bit registers, so the flags are what a
/// program may use).
public struct CPUFeatures: Equatable, Sendable {
    /// The `flags` line's words (avx2, fma, avx512f, avx512_bf16, …).
    public let flags: Set<String>
    /// The `vendor_id` (GenuineIntel, AuthenticAMD, …), or "" if absent.
    public let vendor: String
    /// The `model name`, or "" if absent.
    public let modelName: String

    /// The `cpu family` and `model` numbers, e.g. "6/207" ("" if absent): the brand string
    /// may not name the CPU generation ("Intel(R) Xeon(R) Processor"), these do.
    public let familyAndModel: String

    public init(flags: Set<String>, vendor: String = "", modelName: String = "", familyAndModel: String = "") {
        self.flags = flags
        self.vendor = vendor
        self.modelName = modelName
        self.familyAndModel = familyAndModel
    }

    /// Parsed from the first processor's entry of a /proc/cpuinfo text.
    public init(cpuinfo text: String) {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if line.trimmingCharacters(in: .whitespaces).isEmpty, !fields.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        self.init(flags: Set((fields["flags"] ?? "").split(separator: " ").map(String.init)),
                  vendor: fields["vendor_id"] ?? "", modelName: fields["model name"] ?? "",
                  familyAndModel: fields["cpu family"].map { "\($0)/\(fields["model"] ?? "?")" } ?? "")
    }

    /// This machine's features (empty flags when /proc/cpuinfo cannot be read).
    public static let current = read()

    /// The features in a cpuinfo file (empty when it cannot be read).
    public static func read(cpuinfo path: String = "/proc/cpuinfo") -> CPUFeatures {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return CPUFeatures(flags: []) }
        return CPUFeatures(cpuinfo: text)
    }

    /// Whether nothing is known (cpuinfo unreadable): then nothing is refused.
    public var isUnknown: Bool { flags.isEmpty }

    /// AVX2 and FMA: what the default kernel path and the Haswell/Zen OpenBLAS cores need.
    public var hasAVX2FMA: Bool { flags.isSuperset(of: ["avx2", "fma"]) }

    /// AVX-512 F, CD, BW, DQ and VL: what Skylake-AVX512 code (the AVX-512 kernel path and
    /// OpenBLAS's SkylakeX core) may use.
    public var hasAVX512: Bool { flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) }

    /// AVX-512 with BF16: what OpenBLAS's Cooperlake core adds to SkylakeX.
    public var hasAVX512BF16: Bool { hasAVX512 && flags.contains("avx512_bf16") }

    /// The flags among `avx2` and `fma` that this CPU lacks; empty when it has both or when
    /// nothing is known.
    public var missingKernelFeatures: [String] {
        if isUnknown { return [] }
        return ["avx2", "fma"].filter { !flags.contains($0) }
    }

    /// Refuses a CPU without AVX2 or FMA: release builds are compiled for Haswell and
    /// would otherwise die on an illegal instruction.
    /// - Throws: `MachineUnavailable` naming the missing features.
    public func requireAVX2FMA() throws {
        let missing = missingKernelFeatures
        guard !missing.isEmpty else { return }
        throw MachineUnavailable(reason: "this build needs a CPU with AVX2 and FMA (x86-64 haswell or later); this CPU lacks \(missing.joined(separator: ", ")). Build without -target-cpu haswell to run here.")
    }
}
