import Foundation
import Testing
@testable import Tensor

@Suite(.timeLimit(.minutes(10))) struct OpenBLASCoreTests {
    static let intelAVX512BF16 = CPUFeatures(
        flags: ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"],
        vendor: "GenuineIntel")
    static let intelAVX512 = CPUFeatures(
        flags: ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"], vendor: "GenuineIntel")
    static let amdAVX2 = CPUFeatures(flags: ["sse3", "avx", "avx2", "fma"], vendor: "AuthenticAMD")
    static let intelAVX2 = CPUFeatures(flags: ["sse3", "avx", "avx2", "fma"], vendor: "GenuineIntel")
    static let avxOnly = CPUFeatures(flags: ["sse3", "avx"], vendor: "GenuineIntel")
    static let sseOnly = CPUFeatures(flags: ["sse3"], vendor: "GenuineIntel")
    static let allFeatures = [intelAVX512BF16, intelAVX512, amdAVX2, intelAVX2, avxOnly, sseOnly]
    static let reportedCores = ["Prescott", "Core2", "Nehalem", "Sandybridge", "Haswell", "Zen", "SkylakeX", "Cooperlake",
                                "SapphireRapids", "SomeFutureCore"]

    @Test func replacesAGenericFallbackWithTheBestCoreForTheFeatures() {
        #expect(OpenBLASCores.decide(features: Self.intelAVX512BF16, chosen: "Prescott", userCore: nil)
                == .force(core: "COOPERLAKE", replacing: "Prescott"))
        #expect(OpenBLASCores.decide(features: Self.intelAVX512, chosen: "Prescott", userCore: nil)
                == .force(core: "SKYLAKEX", replacing: "Prescott"))
        #expect(OpenBLASCores.decide(features: Self.intelAVX512, chosen: "Haswell", userCore: nil)
                == .force(core: "SKYLAKEX", replacing: "Haswell"))
        #expect(OpenBLASCores.decide(features: Self.amdAVX2, chosen: "Barcelona", userCore: nil)
                == .force(core: "ZEN", replacing: "Barcelona"))
        #expect(OpenBLASCores.decide(features: Self.intelAVX2, chosen: "Nehalem", userCore: nil)
                == .force(core: "HASWELL", replacing: "Nehalem"))
    }

    @Test func keepsAChoiceThatUsesWhatTheCPUHasOrThatItDoesNotKnow() {
        #expect(OpenBLASCores.decide(features: Self.intelAVX512, chosen: "SkylakeX", userCore: nil) == .keep("SkylakeX"))
        #expect(OpenBLASCores.decide(features: Self.amdAVX2, chosen: "Zen", userCore: nil) == .keep("Zen"))
        #expect(OpenBLASCores.decide(features: Self.intelAVX512, chosen: "SomeFutureCore", userCore: nil)
                == .keep("SomeFutureCore"))
        #expect(OpenBLASCores.decide(features: Self.sseOnly, chosen: "Prescott", userCore: nil) == .keep("Prescott"))
        #expect(OpenBLASCores.decide(features: CPUFeatures(flags: []), chosen: "Prescott", userCore: nil) == .keep("Prescott"),
                "nothing known about the CPU: nothing replaced")
    }

    @Test(arguments: allFeatures) func neverPicksACoreTheCPUCannotRun(features: CPUFeatures) throws {
        for chosen in Self.reportedCores {
            guard case .force(let core, _) = OpenBLASCores.decide(features: features, chosen: chosen, userCore: nil) else {
                continue
            }
            let needs = try #require(OpenBLASCores.level(ofCore: core))
            #expect(needs <= OpenBLASCores.level(of: features), "\(core) for \(features.flags.sorted())")
            #expect(needs > OpenBLASCores.level(ofCore: chosen)!, "\(core) must beat \(chosen)")
        }
    }

    @Test(arguments: allFeatures) func alwaysHonoursTheUsersCore(features: CPUFeatures) {
        for chosen in Self.reportedCores {
            for user in ["PRESCOTT", "HASWELL", "SKYLAKEX", "ZEN"] {
                #expect(OpenBLASCores.decide(features: features, chosen: chosen, userCore: user) == .userChoice(user))
            }
        }
        #expect(OpenBLASCores.decide(features: Self.intelAVX512, chosen: "Prescott", userCore: "")
                == .force(core: "SKYLAKEX", replacing: "Prescott"), "an empty variable is unset")
    }

    @Test func aUsersCoreBelowTheCPUIsHonouredAndNamesTheFasterOne() {
        #expect(OpenBLASCores.fasterCore(than: "Haswell", for: Self.intelAVX512) == "SKYLAKEX")
        #expect(OpenBLASCores.fasterCore(than: "PRESCOTT", for: Self.intelAVX512) == "SKYLAKEX")
        #expect(OpenBLASCores.fasterCore(than: "SKYLAKEX", for: Self.intelAVX512) == nil)
        #expect(OpenBLASCores.fasterCore(than: "SomeNewCore", for: Self.intelAVX512) == nil)
        #expect(OpenBLASCores.fasterCore(than: nil, for: Self.intelAVX512) == nil)
        // What this process runs says so when its environment holds a slower core.
        let library = OpenBLAS.library
        if case .userChoice(let core) = library.decision,
           let faster = OpenBLASCores.fasterCore(than: core, for: .current) {
            #expect(library.summary.contains("this CPU runs \(faster)"), "\(library.summary)")
        }
    }

    @Test func theLoadedCoreRunsOnThisCPU() {
        let library = OpenBLAS.library
        let level = OpenBLASCores.level(ofCore: library.coreName)
        if case .userChoice = library.decision { return }
        if let level, !CPUFeatures.current.isUnknown {
            #expect(level <= OpenBLASCores.level(of: .current), "\(library.summary)")
            #expect(level == OpenBLASCores.level(of: .current) || library.refusal != nil,
                    "not a fallback: \(library.summary)")
        }
        #expect(ProductCheck.largestError(library.sgemm) <= ProductCheck.tolerance)
    }
}

@Suite(.timeLimit(.minutes(10))) struct VectorISATests {
    @Test func choosesTheWidestPathUnlessOneIsRequested() throws {
        let avx512 = OpenBLASCoreTests.intelAVX512, avx2 = OpenBLASCoreTests.intelAVX2
        #expect(try VectorISA.choose(for: avx512, requested: nil) == .avx512)
        #expect(try VectorISA.choose(for: avx512, requested: "") == .avx512)
        #expect(try VectorISA.choose(for: avx512, requested: "avx2") == .avx2)
        #expect(try VectorISA.choose(for: avx512, requested: "AVX512") == .avx512)
        #expect(try VectorISA.choose(for: avx2, requested: nil) == .avx2)
        #expect(throws: VectorISA.SelectionError.self) { try VectorISA.choose(for: avx2, requested: "avx512") }
        #expect(throws: VectorISA.SelectionError.self) { try VectorISA.choose(for: avx512, requested: "sse") }
    }

    /// scripts/test.sh runs the kernel suites once per path with NMT_ISA set; this checks
    /// that such a run really is on the path it names.
    @Test func theActivePathIsTheRequestedOne() throws {
        let requested = ProcessInfo.processInfo.environment[VectorISA.environmentVariable]
        #expect(VectorISA.active == (try VectorISA.choose(for: .current, requested: requested)))
        #expect(VectorISA.kernels.laneCount == (VectorISA.active == .avx512 ? 16 : 8))
    }
}
