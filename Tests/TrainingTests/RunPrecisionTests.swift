import Testing
@testable import Tensor
@testable import Training

/// Each run segment's precision from the setting, the run's precision so far and the CPU.
@Suite(.timeLimit(.minutes(10))) struct RunPrecisionTests {
    static let noBF16 = CPUFeatures(flags: ["avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])
    static let bf16 = CPUFeatures(flags: noBF16.flags.union(["avx512_bf16"]))

    @Test func newRunsFollowTheSettingAndTheCPU() throws {
        #expect(try RunPrecision.choose(request: .auto, previous: nil, resuming: false, features: Self.bf16).precision == .bf16)
        #expect(try RunPrecision.choose(request: .auto, previous: nil, resuming: false, features: Self.noBF16).precision == .fp32)
        #expect(try RunPrecision.choose(request: nil, previous: nil, resuming: false, features: Self.bf16).precision
                == (RunPrecision.defaultRequest == .fp32 ? .fp32 : .bf16))
        #expect(throws: PrecisionUnavailable.self) {
            try RunPrecision.choose(request: .bf16, previous: nil, resuming: false, features: Self.noBF16)
        }
    }

    @Test func autoKeepsAResumedRunsPrecisionWhereTheCPUHasIt() throws {
        let kept = try RunPrecision.choose(request: .auto, previous: .bf16, resuming: true, features: Self.bf16)
        #expect(kept.precision == .bf16 && kept.warning == nil)
        // An fp32 run stays fp32 under auto, even on a CPU with bf16.
        #expect(try RunPrecision.choose(request: .auto, previous: .fp32, resuming: true, features: Self.bf16).precision == .fp32)
        // A checkpoint from before precision was recorded trained in fp32.
        #expect(try RunPrecision.choose(request: .auto, previous: nil, resuming: true, features: Self.bf16).precision == .fp32)
        let moved = try RunPrecision.choose(request: .auto, previous: .bf16, resuming: true, features: Self.noBF16)
        #expect(moved.precision == .fp32)
        #expect(moved.warning?.contains("lacks avx512_bf16") == true)
    }

    @Test func anExplicitSettingOnResumeFollowsTheRuleForNewRuns() throws {
        #expect(try RunPrecision.choose(request: .fp32, previous: .bf16, resuming: true, features: Self.bf16).precision == .fp32)
        #expect(try RunPrecision.choose(request: .bf16, previous: .fp32, resuming: true, features: Self.bf16).precision == .bf16)
        #expect(throws: PrecisionUnavailable.self) {
            try RunPrecision.choose(request: .bf16, previous: .bf16, resuming: true, features: Self.noBF16)
        }
    }

    @Test func theConfigKeyListsTheAllowedValues() throws {
        var config = TrainingConfig()
        try config.set("precision", to: "auto", source: "test")
        #expect(config.precision == .auto)
        #expect(throws: ConfigError.invalidValue(key: "precision", value: "fp16", allowed: "one of fp32, bf16, auto")) {
            try config.set("precision", to: "fp16", source: "test")
        }
    }
}
