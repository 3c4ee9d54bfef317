import Basics
import Foundation
import Testing
import TestSupport
import Tensor

/// `nmt --version` reports the kernel path and the OpenBLAS core, and shows the core
/// selection at work in a fresh process (OpenBLAS picks its core when it loads).
@Suite(.timeLimit(.minutes(10))) struct VersionCommandTests {
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
        #expect(text.contains("OpenBLAS core Prescott (OPENBLAS_CORETYPE=PRESCOTT"), "\(text)")
        // Honoured, and named as slower than what the CPU runs.
        if let faster = OpenBLASCores.fasterCore(than: "PRESCOTT", for: .current) {
            #expect(text.contains("this CPU runs \(faster), unset OPENBLAS_CORETYPE for faster products)"), "\(text)")
        }
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

/// nmt's documented exit statuses (README, "Exit statuses").
@Suite(.timeLimit(.minutes(10))) struct ExitStatusTests {
    @Test func usageBadInputAndSettingsHaveTheirStatuses() throws {
        let usage = try runProcess(TrainCommandTests.nmt, ["translate", "--no-such-flag"])
        #expect(usage.status == ExitStatus.usage, "\(usage.error)")
        let badInput = try runProcess(TrainCommandTests.nmt, ["translate", "--model", "/nonexistent/checkpoint"],
                                      standardInput: Data("hola\n".utf8))
        #expect(badInput.status == ExitStatus.failure, "\(badInput.error)")
        #expect(badInput.error == "nmt: error: /nonexistent/checkpoint is not a checkpoint directory (expected model.safetensors, config.json and sentencepiece.model inside)\n")
        let setting = try runProcess(TrainCommandTests.nmt, ["--version"], environment: [VectorISA.environmentVariable: "sse"])
        #expect(setting.status == ExitStatus.usage, "\(setting.error)")
        #expect(setting.error.contains("NMT_ISA=sse is not a kernel path"))
    }
}
