import FileIO
import Foundation
import Testing
@testable import Training

/// The cleaning rules on a fixture where each pair is there for one rule: each rule alone
/// drops exactly its pairs, and all together count each pair under the first that applies.
@Suite(.timeLimit(.minutes(10))) struct CorpusCleaningTests {
    /// (source, target) pairs, numbered by position.
    static let pairs: [(String, String)] = [
        ("hola mundo", "hello world"),                 // 0  kept by every rule
        ("", "empty source"),                          // 1  empty; 0 words against 2
        ("   ", "white-space source"),                 // 2  empty; 0 words against 2
        ("texto", ""),                                 // 3  empty; 1 word against 0
        ("Copyright 2024", "Copyright 2024"),          // 4  identical
        (" same ", "same"),                            // 5  identical once trimmed
        ("uno", "one two three four five"),            // 6  ratio 5 > 3
        ("uno dos", "one two three four five six"),    // 7  ratio 3, not over 3
        ("hola mundo", "hello world"),                 // 8  duplicate of 0
        ("hola mundo", "hello world!"),                // 9  not a duplicate: the target differs
        ("caf\u{E9}", "coffee"),                       // 10 é as one code point
        ("cafe\u{301}", "coffee"),                     // 11 é as e + accent: other bytes, no duplicate of 10
        ("caf\u{E9}", "coffee"),                       // 12 duplicate of 10
        ("x", "y y y y"),                              // 13 ratio 4 > 3
        ("", ""),                                      // 14 empty; identical; two sides without words pass the ratio
    ]

    /// Each rule alone and the pairs it drops.
    static let rules: [(CorpusRule, CorpusCleaning, Set<Int>)] = [
        (.empty, CorpusCleaning(dropEmpty: true), [1, 2, 3, 14]),
        (.identical, CorpusCleaning(dropIdentical: true), [4, 5, 14]),
        (.lengthRatio, CorpusCleaning(maxLengthRatio: 3), [1, 2, 3, 6, 13]),
        (.duplicate, CorpusCleaning(dropDuplicates: true), [8, 12]),
    ]

    static func read(_ cleaning: CorpusCleaning, name: String) throws -> (source: [String], target: [String], report: CorpusReport?) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-cleaning-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("train.src"), target = dir.appendingPathComponent("train.tgt")
        try Data(pairs.map { $0.0 + "\n" }.joined().utf8).write(to: source)
        try Data(pairs.map { $0.1 + "\n" }.joined().utf8).write(to: target)
        return try ParallelCorpus.read(.aligned(source: source.path, target: target.path), cleaning: cleaning)
    }

    static func expectKept(_ result: (source: [String], target: [String], report: CorpusReport?), dropping dropped: Set<Int>) {
        let kept = pairs.indices.filter { !dropped.contains($0) }
        #expect(result.source == kept.map { pairs[$0].0 } && result.target == kept.map { pairs[$0].1 })
        #expect(result.report?.read == pairs.count && result.report?.kept == kept.count)
    }

    @Test(arguments: 0..<4) func eachRuleDropsExactlyItsPairs(rule index: Int) throws {
        let (rule, cleaning, dropped) = Self.rules[index]
        let result = try Self.read(cleaning, name: rule.rawValue)
        Self.expectKept(result, dropping: dropped)
        #expect(result.report?.dropped == [rule: dropped.count], "only the rule that is on is counted")
    }

    /// All rules: empty first, then identical, ratio, and duplicates of kept pairs only.
    @Test func allRulesCountEachPairOnceInTheirOrder() throws {
        let cleaning = CorpusCleaning(dropEmpty: true, maxLengthRatio: 3, dropIdentical: true, dropDuplicates: true)
        let result = try Self.read(cleaning, name: "all")
        Self.expectKept(result, dropping: [1, 2, 3, 14, 4, 5, 6, 13, 8, 12])
        #expect(result.report?.dropped == [.empty: 4, .identical: 2, .lengthRatio: 2, .duplicate: 2])
        #expect(result.report?.summary == "15 pairs read, 5 kept; dropped: empty 4, identical 2, length_ratio 2, duplicate 2")
        #expect(result.report?.fields == ["pairs_read": 15, "pairs_kept": 5, "dropped_empty": 4, "dropped_identical": 2,
                                          "dropped_length_ratio": 2, "dropped_duplicate": 2])
    }

    /// Off (the default), nothing is dropped and there is no report: the files are read as
    /// they always were.
    @Test func cleaningOffKeepsEveryPair() throws {
        let result = try Self.read(CorpusCleaning(), name: "off")
        #expect(result.source == Self.pairs.map(\.0) && result.target == Self.pairs.map(\.1) && result.report == nil)
    }

    /// A corpus that cleaning empties is an error naming it and the counts.
    @Test func aCorpusLeftEmptyIsAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-cleaning-emptied-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("same.tsv")
        try Data("a\ta\nb\tb\n".utf8).write(to: file)
        #expect {
            try ParallelCorpus.read(.tabSeparated(file.path), cleaning: CorpusCleaning(dropIdentical: true))
        } throws: { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            return message.contains(file.path) && message.contains("identical 2")
        }
    }

    /// Every cleaning key is a config key and a flag, off by default; a ratio below 1
    /// would drop every pair and is refused.
    @Test func cleaningKeysAreConfigKeysAndFlags() throws {
        #expect(TrainingConfig().cleaning(.train).isOff)
        var config = TrainingConfig()
        try CommandLineSettings.apply(["--filter-empty", "--filter-identical", "--filter-duplicates", "--filter-length-ratio", "9",
                                       "--skip-invalid"], to: &config)
        #expect(config.cleaning(.train) == CorpusCleaning(skipInvalid: true, dropEmpty: true, maxLengthRatio: 9, dropIdentical: true,
                                                         dropDuplicates: true))
        #expect(config.cleaning(.valid) == CorpusCleaning(skipInvalid: true), "the validation set is not cleaned")
        let yaml = try TrainingConfig.load(yaml: "data:\n  filter_length_ratio: 1.5\n  skip_invalid: true\n", source: "test.yaml")
        #expect(yaml.filterLengthRatio == 1.5 && yaml.skipInvalid)
        #expect(throws: ConfigError.invalidValue(key: "filter_length_ratio", value: "0.5", allowed: "0 (off) or a number in [1, 1e9]")) {
            try config.set("filter_length_ratio", to: "0.5", source: "test")
        }
    }
}
