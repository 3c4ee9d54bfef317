import Checkpoints
import Foundation
@testable import Serving
import Testing
import TestSupport
import Translation

/// `nmt translate`'s --prefix, sampling and --print-alignment flags, and the native
/// endpoint's prefix and alignment, on the tiny trained model.
@Suite(.timeLimit(.minutes(10))) struct DecodingOptionsTests {
    let lines = ServedModel.sources(4)

    func file(_ lines: [String]) throws -> URL {
        let url = ServedModel.scratch.appendingPathComponent("prefix-\(UUID().uuidString)")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func outputLines(_ text: String) -> [String] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

    @Test func prefixesAreKeptExactly() throws {
        let prefixes = ["The", "", "I", "We"]
        for beam in ["1", "3"] {
            let out = outputLines(try ServedModel.translated(lines, ["--prefix", try file(prefixes).path, "--beam", beam]))
            #expect(out.count == lines.count)
            for (line, prefix) in zip(out, prefixes) where !prefix.isEmpty {
                #expect(line.hasPrefix(prefix), "\(line) should start with \(prefix)")
                #expect(line.count > prefix.count, "search goes on after \(prefix)")
            }
        }
    }

    @Test func badPrefixFilesNameTheLine() throws {
        let input = try file(lines)
        func run(_ prefixes: [String]) throws -> ProcessResult {
            try runProcess(builtProduct("nmt"), ["translate", "--model", ServedModel.checkpoint.path, "--input", input.path,
                                                 "--output", ServedModel.scratch.appendingPathComponent("out-\(UUID())").path,
                                                 "--prefix", try file(prefixes).path, "--max-len-a", "0", "--max-len-b", "3"])
        }
        let long = try run(["", "", "one two three four five six seven eight", ""])
        #expect(long.status != 0)
        #expect(long.error.contains("line 3: the target prefix of sentence 3 has"), "\(long.error)")
        let short = try run(["", ""])
        #expect(short.status != 0)
        #expect(short.error.contains("has 2 lines, but the input has 4") || short.error.contains("input line 3 needs one"),
                "\(short.error)")
    }

    @Test func seededSamplingDoesNotDependOnBatchSizeOrThreads() throws {
        let flags = ["--sampling", "--seed", "7", "--nbest", "3", "--sampling-topk", "5", "--temperature", "1.2"]
        // The samples, sorted per line: their scores may differ in the last digit with the
        // batch (float rounding), which can swap two samples of equal score.
        func samples(_ text: String) -> [String] {
            outputLines(text).map { $0.components(separatedBy: " ||| ") }.map { $0[0] + " ||| " + $0[1] }.sorted()
        }
        let one = try ServedModel.translated(lines, flags + ["--batch-size", "1"])
        let all = try ServedModel.translated(lines, flags + ["--batch-size", "8", "--threads", "2"])
        #expect(samples(one) == samples(all))
        #expect(samples(one).count == 3 * lines.count)
        let other = try ServedModel.translated(lines, ["--sampling", "--seed", "8", "--nbest", "3", "--sampling-topk", "5",
                                                       "--temperature", "1.2"])
        #expect(samples(other) != samples(one))
    }

    @Test func alignmentsHaveOnePairPerTargetToken() throws {
        let checkpoint = try ModelCheckpoint(directory: ServedModel.checkpoint)
        let out = outputLines(try ServedModel.translated(lines, ["--print-alignment"]))
        #expect(out.count == lines.count)
        for (source, line) in zip(lines, out) {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            #expect(columns.count == 2, "\(line)")
            let targetTokens = try checkpoint.tokenizer.encodeTargets([String(columns[0])], threads: 1)[0].count
            let sourceTokens = try checkpoint.tokenizer.encode([source], threads: 1)[0].count
            let pairs = columns[1].split(separator: " ").map { $0.split(separator: "-").map { Int($0)! } }
            #expect(pairs.map { $0[1] } == Array(0..<pairs.count))
            #expect(pairs.allSatisfy { $0[0] >= 0 && $0[0] < sourceTokens })
            // Decoding and re-encoding can merge pieces, never add them.
            #expect(targetTokens <= pairs.count)
        }
        let fairseq = try ServedModel.translated(lines, ["--print-alignment", "--nbest", "2", "--nbest-format", "fairseq"])
        #expect(outputLines(fairseq).filter { $0.hasPrefix("A-") }.count == 2 * lines.count)
    }

    @Test(arguments: [
        (["--sampling", "--sampling-topp", "1.5"], "sampling-topp must be a number in (0, 1], got 1.5"),
        (["--sampling", "--sampling-topk=-1"], "sampling-topk must not be negative, got -1"),
        (["--temperature", "0"], "temperature must be a number > 0, got 0.0"),
        (["--repetition-penalty=-2"], "repetition-penalty must be a number > 0, got -2.0"),
        (["--sampling-topk", "3"], "sampling-topk must be 0 without sampling, got 3"),
    ])
    func badFlagsAreNamed(flags: [String], message: String) throws {
        let result = try runProcess(builtProduct("nmt"), ["translate", "--model", ServedModel.checkpoint.path] + flags)
        #expect(result.status != 0)
        #expect(result.error.contains(message), "\(result.error)")
    }

    @Test func nativeEndpointTakesPrefixAndAlignment() async throws {
        let checkpoint = try ModelCheckpoint(directory: ServedModel.checkpoint)
        let settings = ServingSettings(source: Language(code: "es", name: "Spanish"), target: Language(code: "en", name: "English"),
                                       search: SearchOptions(maxLenA: 0, maxLenB: 6, minLen: 3), modelName: "tiny")
        let batcher = DynamicBatcher(translator: try CheckpointTranslator(checkpoint: checkpoint, batchSize: 8))
        defer { batcher.stop() }
        let api = TranslationAPI(settings: settings, batcher: batcher)
        let (data, _) = try await api.native(RequestFields(values: [
            "texts": .array(lines.prefix(2).map { .string($0) }), "prefix": .array([.string("The"), .string("")]),
            "alignment": .bool(true), "beam": .integer(2), "nbest": .integer(2),
        ]))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let translations = try #require(json["translations"] as? [[String: Any]])
        #expect(translations.count == 2)
        for (i, translation) in translations.enumerated() {
            for hypothesis in try #require(translation["hypotheses"] as? [[String: Any]]) {
                let text = try #require(hypothesis["text"] as? String), tokens = try #require(hypothesis["tokens"] as? Int)
                if i == 0 { #expect(text.hasPrefix("The"), "\(text)") }
                let alignment = try #require(hypothesis["alignment"] as? [Int])
                #expect(alignment.count == tokens)
                #expect(alignment.allSatisfy { $0 >= 0 && $0 < (translation["source_tokens"] as? Int ?? 0) })
            }
        }
        await #expect(throws: APIError.self) {
            try await api.native(RequestFields(values: ["texts": .array([.string("hola")]),
                                                        "prefix": .array([.string("a"), .string("b")])]))
        }
    }
}
