import Foundation

/// Start-up check for the instruction sets release builds are compiled for.
///
/// Release builds of the kernel targets use `-target-cpu haswell` (AVX2, FMA). On an
/// older CPU they would die on an illegal instruction at the first kernel; executables
/// call `CPUFeatures.requireAVX2FMA()` first to fail with a message instead.
public enum CPUFeatures {
    /// The CPU flags Linux reports in /proc/cpuinfo (empty if unreadable).
    public static func flags(cpuinfo path: String = "/proc/cpuinfo") -> Set<Substring> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }

    /// The flags among `avx2` and `fma` that this CPU lacks; empty when it has both or when
    /// /proc/cpuinfo cannot be read (then nothing can be said and the program runs).
    public static func missingKernelFeatures(cpuinfo path: String = "/proc/cpuinfo") -> [String] {
        let present = flags(cpuinfo: path)
        if present.isEmpty { return [] }
        return ["avx2", "fma"].filter { !present.contains(Substring($0)) }
    }

    /// Exits with a clear message if this CPU lacks AVX2 or FMA.
    public static func requireAVX2FMA(program: String) {
        let missing = missingKernelFeatures()
        guard !missing.isEmpty else { return }
        FileHandle.standardError.write(Data(
            "\(program): this build needs a CPU with AVX2 and FMA (x86-64 haswell or later); this CPU lacks \(missing.joined(separator: ", ")). Build without -target-cpu haswell to run here.\n".utf8))
        exit(70)
    }
}
