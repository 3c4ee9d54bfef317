import Checkpoints
import Foundation
import Tensor
import Testing
import TestSupport
import Translation

/// int8 decoding (`--precision int8`) on a model trained long enough to translate the tiny
/// corpus: its greedy translations agree with fp32's on most lines, as CTranslate2's int8
/// does (77 % of Bible verses); both kernel paths give the same translations; scores stay
/// close; unknown precisions are refused.
@Suite(.serialized, .timeLimit(.minutes(10))) struct Int8DecodingTests {
    static let repository = TrainCommandTests.repository
    static let corpus = repository.appendingPathComponent("corpora/tiny-es-en")

    /// The tiny preset trained for 300 updates (about 60 epochs of the tiny corpus). Tests
    /// first reach it with `trained()`, off the concurrency pool.
    nonisolated(unsafe) static let checkpoint: URL = {
        let output = try! TrainCommandTests.temporaryDirectory("int8")
        let result = try! runProcess(TrainCommandTests.nmt, [
            "train", "--config", repository.appendingPathComponent("configs/tiny.yaml").path, "--output", output.path,
            "--max-update", "300", "--validate-interval-updates", "1000", "--max-tokens", "512", "--threads", "1",
            "--precision", "fp32", "--quiet"])
        precondition(result.status == 0, "nmt train failed: \(result.error)")
        return output.appendingPathComponent("checkpoints/last").resolvingSymlinksInPath()
    }()

    static func trained() async throws -> URL { try await offPool { checkpoint } }

    static func sourceLines() throws -> [String] {
        try ["test.es", "valid.es"].flatMap { name in
            try String(contentsOf: corpus.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map(String.init)
        }
    }

    static func translate(_ lines: [String], precision: DecodingPrecision) throws -> [SentenceTranslation] {
        let checkpoint = try ModelCheckpoint(directory: Self.checkpoint)
        let translator = try TextTranslator(model: checkpoint.model, tokenizer: checkpoint.tokenizer,
                                            options: SearchOptions(beam: 1), batchSize: 16, precision: precision)
        return try translator.translate(lines)
    }

    @Test func greedyTranslationsMostlyEqualFP32() async throws {
        _ = try await Self.trained()
        let lines = try Self.sourceLines()
        let (fp32, int8) = try await offPool { (try Self.translate(lines, precision: .fp32), try Self.translate(lines, precision: .int8)) }
        let same = zip(fp32, int8).filter { $0.best == $1.best }.count
        #expect(Double(same) >= 0.7 * Double(lines.count), "int8 equals fp32 on \(same) of \(lines.count) lines")
        // The int8 path really ran: its scores are not fp32's.
        let scores = zip(fp32, int8).compactMap { a, b -> (Float, Float)? in
            guard a.best == b.best, let x = a.hypotheses.first?.score, let y = b.hypotheses.first?.score else { return nil }
            return (x, y)
        }
        #expect(scores.contains { $0.0 != $0.1 }, "identical scores: int8 products did not run")
        for (a, b) in scores { #expect(abs(a - b) <= 0.05 * abs(a) + 0.05, "score \(a) vs \(b)") }
        print("int8 greedy equals fp32 on \(same) of \(lines.count) lines")
    }

    /// Integer sums are exact on both paths and the scaling is the same arithmetic, so the
    /// AVX2 path (forced with NMT_INT8_PATH) translates exactly as the VNNI path does.
    @Test func bothKernelPathsTranslateAlike() async throws {
        _ = try await Self.trained()
        let input = Data(try Self.sourceLines().joined(separator: "\n").utf8)
        @Sendable func run(_ path: String) throws -> (status: Int32, stdout: String, stderr: String) {
            let result = try runProcess(TrainCommandTests.nmt, ["translate", "--model", Self.checkpoint.path, "--precision", "int8",
                                                                 "--beam", "2", "--threads", "2"],
                                        environment: ["NMT_INT8_PATH": path], standardInput: input)
            return (result.status, result.standardOutput, result.error)
        }
        let (avx2, best) = try await offPool { (try run("avx2"), try run("vnni")) }
        #expect(avx2.status == 0 && best.status == 0, "\(avx2.stderr) \(best.stderr)")
        #expect(avx2.stderr.contains("precision int8 (VPMADDWD"), "\(avx2.stderr)")
        #expect(avx2.stdout == best.stdout && !avx2.stdout.isEmpty)
    }

    @Test func scoresInInt8StayCloseToFP32() async throws {
        _ = try await Self.trained()
        let arguments = ["score", "--model", Self.checkpoint.path, "--src", Self.corpus.appendingPathComponent("test.es").path,
                         "--tgt", Self.corpus.appendingPathComponent("test.en").path, "--threads", "1"]
        let (fp32, int8) = try await offPool {
            (try runProcess(TrainCommandTests.nmt, arguments), try runProcess(TrainCommandTests.nmt, arguments + ["--precision", "int8"]))
        }
        #expect(fp32.status == 0 && int8.status == 0, "\(fp32.error) \(int8.error)")
        #expect(int8.error.contains("precision int8"), "\(int8.error)")
        func sums(_ text: String) -> [Double] { text.split(separator: "\n").map { Double($0.split(separator: "\t")[0])! } }
        let a = sums(fp32.standardOutput), b = sums(int8.standardOutput)
        #expect(a.count == 40 && b.count == 40)
        #expect(a != b, "int8 scores equal fp32's: the int8 products did not run")
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= 0.05 * abs(x) + 0.1, "log-probability \(x) vs \(y)") }
    }

    @Test func unknownPrecisionIsRefused() async throws {
        _ = try await Self.trained()
        for command in ["translate", "score", "serve"] {
            let result = try runProcess(TrainCommandTests.nmt, [command, "--model", Self.checkpoint.path, "--precision", "int4"])
            #expect(result.status != 0)
            #expect(result.error.contains("int4") && result.error.contains("fp32") && result.error.contains("int8"), "\(result.error)")
        }
    }
}
