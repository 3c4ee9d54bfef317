import Foundation
import Testing
import TestSupport
import Tensor

/// `nmt --version` reports the kernel path and the OpenBLAS core, and shows the core
/// selection at work in a fresh process (OpenBLAS picks its core when it loads).
@Suite struct VersionCommandTests {
    func version(_ environment: [String: String?]) throws -> String {
        var cleared: [String: String?] = [OpenBLAS.coreVariable: nil, OpenBLAS.initialCoreVariable: nil,
                                          VectorISA.environmentVariable: nil]
        for (name, value) in environment { cleared[name] = value }
        let result = try runProcess(TrainCommandTests.nmt, ["--version"], environment: cleared)
        #expect(result.status == 0, "\(result.error)")
        return result.standardOutput
    }

    @Test func reportsTheKernelPathAndTheCore() throws {
        let text = try version([:])
        #expect(text.hasPrefix("nmt "))
        #expect(text.contains("kernels: \(VectorISA.supported.last!.rawValue) "))
        #expect(text.contains("OpenBLAS core "))
        let forced = try version([VectorISA.environmentVariable: "avx2"])
        #expect(forced.contains("kernels: avx2 "))
    }

    @Test func aUsersCoreAlwaysWins() throws {
        let text = try version([OpenBLAS.coreVariable: "PRESCOTT"])
        #expect(text.contains("OpenBLAS core Prescott (OPENBLAS_CORETYPE=PRESCOTT)"), "\(text)")
    }

    @Test(.enabled(if: CPUFeatures.current.hasAVX2FMA, "the CPU has nothing better than the generic core"))
    func aGenericFallbackIsReplacedByACoreTheCPURuns() throws {
        let text = try version([OpenBLAS.initialCoreVariable: "PRESCOTT"])
        #expect(text.contains("OpenBLAS picked Prescott"), "\(text)")
        let best = try #require(OpenBLASCores.bestCore(for: .current))
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("OpenBLAS core") })
        let core = String(line.dropFirst("OpenBLAS core ".count).prefix { $0 != " " })
        #expect(core.lowercased() == best.lowercased(), "\(line)")
        #expect(OpenBLASCores.level(ofCore: core)! <= OpenBLASCores.level(of: .current))
    }
}
