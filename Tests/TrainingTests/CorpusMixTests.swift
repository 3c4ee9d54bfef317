import Foundation
import Testing
import TestSupport
@testable import Training

/// Several training corpora with sampling weights: the shares each epoch draws, the
/// per-corpus cycles, and the config list's errors.
@Suite(.timeLimit(.minutes(10))) struct CorpusMixTests {
    /// Four corpora of 7, 300, 2,000 and 7,693 pairs (10,000 together) as consecutive index ranges.
    static func members(_ sizes: [Int]) -> [[Int]] {
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return Array(start..<(start + size))
        }
    }

    /// 10,000 draws of one epoch: each corpus' count is within 2 % (relative) of its share
    /// w_k/Σw, whatever its size (the 7-pair corpus is up-sampled 142-fold, the largest
    /// down-sampled to half).
    @Test func weightsSampleTheirShareOver10000Draws() {
        let sizes = [7, 300, 2000, 7693], weights = [1.0, 2.5, 0.5, 4]
        let mix = CorpusMix(weights: weights, members: Self.members(sizes), seed: 3)
        #expect(mix.epochSize == 10_000)
        let (pairs, _) = mix.draw(from: CorpusSamplerState(corpora: 4))
        #expect(pairs.count == 10_000)
        let ranges = Self.members(sizes).map { $0.first!...$0.last! }
        let counts = ranges.map { range in pairs.filter(range.contains).count }
        let total = weights.reduce(0, +)
        for k in 0..<4 {
            let share = 10_000 * weights[k] / total
            #expect(abs(Double(counts[k]) - share) <= 0.02 * share, "corpus \(k): \(counts[k]) draws, share \(share)")
        }
        #expect(counts == [1250, 3125, 625, 5000])
        #expect(CorpusMix.apportion(10, weights: [1, 1, 1]) == [4, 3, 3], "the leftover pair goes to the earlier corpus")
        #expect(CorpusMix.apportion(7, weights: [0.1, 0.6, 0.3]) == [1, 4, 2])
    }

    /// A corpus is drawn in passes: every pair once before any twice, across epochs; an
    /// epoch drawn from the saved state equals the same epoch drawn straight on.
    @Test func eachCorpusIsDrawnInFullPassesAcrossEpochs() {
        let members = Self.members([5, 40])
        let mix = CorpusMix(weights: [3, 1], members: members, seed: 9)
        var state = CorpusSamplerState(corpora: 2)
        var drawnOfSmall: [Int: Int] = [:], drawnOfLarge: [Int: Int] = [:]
        var states: [CorpusSamplerState] = []
        for _ in 1...3 {
            states.append(state)
            let epoch = mix.draw(from: state)
            for pair in epoch.pairs { if pair < 5 { drawnOfSmall[pair, default: 0] += 1 } else { drawnOfLarge[pair, default: 0] += 1 } }
            state = epoch.next
        }
        // 3 epochs of 45 draws: the small corpus gives 34 a time (102 = 20 passes of 5, and 2
        // pairs more), the large 11 a time (33 of its 40 pairs, none twice).
        #expect(drawnOfSmall.values.reduce(0, +) == 102 && Set(drawnOfSmall.values) == [20, 21])
        #expect(drawnOfLarge.count == 33 && Set(drawnOfLarge.values) == [1])
        #expect(state == CorpusSamplerState(passes: [20, 0], drawn: [2, 33]))
        #expect(mix.draw(from: states[2]).pairs == CorpusMix(weights: [3, 1], members: members, seed: 9).draw(from: states[2]).pairs)
        #expect(mix.order(corpus: 0, pass: 0) != mix.order(corpus: 0, pass: 1), "passes are reshuffled")
        #expect(mix.draw(from: states[1]).pairs != mix.draw(from: states[2]).pairs)
    }

    static func load(_ yaml: String) throws -> TrainingConfig {
        try TrainingConfig.load(yaml: yaml, source: "test.yaml")
    }

    @Test func theCorporaListIsRead() throws {
        let config = try Self.load("""
            data:
              corpora:
                - {name: bible, src: a.es, tgt: a.en, weight: 2.5}
                - tsv: b.tsv.gz
                  target_language: de
            """)
        let corpora = try config.trainingCorpora()
        #expect(corpora == [TrainingCorpus(name: "bible", files: .aligned(source: "a.es", target: "a.en"), weight: 2.5),
                            TrainingCorpus(name: "corpus2", files: .tabSeparated("b.tsv.gz"), weight: 1, targetLanguage: "de")])
        #expect(try config.targetLanguageTags().map(\.piece) == [">>de<<"])
        // A flag giving the training corpus replaces the list.
        var overridden = config
        try CommandLineSettings.apply(["--train-tsv", "c.tsv"], to: &overridden)
        #expect(overridden.corpora == nil)
        #expect(try overridden.trainingCorpora().map(\.files) == [.tabSeparated("c.tsv")])
    }

    /// A weight that is not a number > 0, a bad tag, an unknown or missing key: each an
    /// error naming the key (corpora numbered from 1).
    @Test(arguments: [
        ("weight: 0", ConfigError.invalidValue(key: "corpora[2].weight", value: "0", allowed: "a number > 0")),
        ("weight: -1.5", ConfigError.invalidValue(key: "corpora[2].weight", value: "-1.5", allowed: "a number > 0")),
        ("weight: heavy", ConfigError.invalidValue(key: "corpora[2].weight", value: "heavy", allowed: "a number > 0")),
        ("weight: .inf", ConfigError.invalidValue(key: "corpora[2].weight", value: ".inf", allowed: "a number > 0")),
        ("weight: [1, 2]", ConfigError.invalidValue(key: "corpora[2].weight", value: "not a single value", allowed: "a number > 0")),
        ("wieght: 2", ConfigError.unknownKey("corpora[2].wieght", source: "test.yaml")),
        ("target_language: German", ConfigError.invalidValue(
            key: "corpora[2].target_language", value: "German",
            allowed: "a language code: 2 or 3 ASCII letters with optional _ or - subtags (e.g. de, fra, pt_br)")),
    ])
    func badCorpusEntriesNameTheKey(line: String, error: ConfigError) throws {
        #expect(throws: error) {
            try Self.load("corpora:\n  - {src: a.es, tgt: a.en}\n  - src: b.es\n    tgt: b.en\n    \(line)\n")
        }
        #expect(error.localizedDescription.contains("corpora[2]."))
    }

    @Test func corporaExcludeTheSingleCorpusKeys() throws {
        #expect(throws: ConfigError.conflicting("test.yaml gives both corpora and train_src; give one")) {
            try Self.load("train_src: x.es\ncorpora:\n  - {src: a.es, tgt: a.en}\n")
        }
        #expect(throws: ConfigError.missing(key: "corpora[1].tgt")) { try Self.load("corpora:\n  - {src: a.es}\n") }
        #expect(throws: ConfigError.conflicting("corpora[1] gives both tsv and src/tgt; give one")) {
            try Self.load("corpora:\n  - {src: a.es, tgt: a.en, tsv: a.tsv}\n")
        }
        var config = TrainingConfig()
        #expect(throws: ConfigError.invalidValue(key: "corpora", value: "a.tsv",
                                                 allowed: TrainingCorpus.allowedList + ", in the YAML config file")) {
            try CommandLineSettings.apply(["--corpora", "a.tsv"], to: &config)
        }
    }
}
