import Foundation
import Testing
import TestSupport
@testable import Training

/// `nmt translate` and `nmt score` as a user runs them, on a checkpoint trained for a few
/// updates on the tiny corpus.
@Suite(.serialized, .timeLimit(.minutes(10))) struct TranslateCommandTests {
    static func trainedCheckpoint() throws -> URL {
        let output = try TrainCommandTests.temporaryDirectory("translate")
        let result = try TrainCommandTests.run(TrainCommandTests.arguments(output: output, maxUpdate: 3))
        #expect(result.status == 0, "\(result.stderr)")
        return output.appendingPathComponent("checkpoints/best")
    }

    static func nmt(_ arguments: [String], input: Data) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try runProcess(TrainCommandTests.nmt, arguments, standardInput: input)
        return (result.status, result.standardOutput, result.error)
    }

    @Test func translationsKeepTheLineCountAndScoresMatchSearch() throws {
        let checkpoint = try Self.trainedCheckpoint()
        defer { try? FileManager.default.removeItem(at: checkpoint.deletingLastPathComponent().deletingLastPathComponent()) }
        let long = Array(repeating: "palabra", count: 400).joined(separator: " ")
        let input = "Tengo sed.\n\n¿Dónde está la estación?\n\(long)\n"
        let greedy = try Self.nmt(["translate", "--model", checkpoint.path, "--beam", "1", "--threads", "1"], input: Data(input.utf8))
        #expect(greedy.status == 0, "\(greedy.stderr)")
        #expect(greedy.stdout.split(separator: "\n", omittingEmptySubsequences: false).count == 5, "4 lines and the final newline: \(greedy.stdout)")
        #expect(greedy.stdout.split(separator: "\n", omittingEmptySubsequences: false)[1].isEmpty, "an empty line stays empty")
        #expect(greedy.stderr.contains("warning: line 4"), "the over-long line is named: \(greedy.stderr)")

        // n-best lists carry scores; `nmt score` of the best hypothesis gives its log-probability.
        let nbest = try Self.nmt(["translate", "--model", checkpoint.path, "--beam", "2", "--nbest", "2", "--lenpen", "0",
                                  "--threads", "1"], input: Data("Tengo sed.\n".utf8))
        // Marian's four fields: index, translation, the model's feature score, the total.
        let lines = nbest.stdout.split(separator: "\n")
        let fields = lines.first!.components(separatedBy: " ||| ")
        #expect(lines.count == 2 && fields.count == 4 && fields[0] == "0" && fields[2].hasPrefix("F0= "), "\(nbest.stdout)")
        #expect(fields[2] == "F0= " + fields[3], "with lenpen 0 the total is the log-probability")
        let dir = checkpoint.deletingLastPathComponent().deletingLastPathComponent()
        let src = dir.appendingPathComponent("src.txt"), tgt = dir.appendingPathComponent("tgt.txt")
        try "Tengo sed.\n".write(to: src, atomically: true, encoding: .utf8)
        try (fields[1] + "\n").write(to: tgt, atomically: true, encoding: .utf8)
        let scored = try Self.nmt(["score", "--model", checkpoint.path, "--src", src.path, "--tgt", tgt.path, "--threads", "1"], input: Data())
        let sum = Double(scored.stdout.split(separator: "\t").first ?? "")
        // With lenpen 0 the beam score is the summed log-probability; the detokenized text
        // re-encodes to the same pieces for this corpus.
        #expect(sum != nil && abs(sum! - Double(fields[3])!) < 1e-3, "score \(scored.stdout) vs beam \(fields[3])")

        // --calibration: the same positions, their mean NLL from the scores, in a JSON file.
        let calibrationFile = dir.appendingPathComponent("calibration.json")
        let calibrated = try Self.nmt(["score", "--model", checkpoint.path, "--src", src.path, "--tgt", tgt.path, "--threads", "1",
                                       "--calibration", calibrationFile.path, "--calibration-bins", "10"], input: Data())
        #expect(calibrated.status == 0 && calibrated.stdout == scored.stdout, "\(calibrated.stderr)")
        let calibration = try JSONSerialization.jsonObject(with: Data(contentsOf: calibrationFile)) as? [String: Any]
        let average = Double(scored.stdout.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        let positions = sum.flatMap { s in average.map { Int(($0 == 0 ? 0 : s / $0).rounded()) } }
        #expect(calibration?["positions"] as? Int == positions && calibration?["bin_count"] as? Int == 10, "\(String(describing: calibration))")
        #expect(abs((calibration?["nll"] as? Double ?? .nan) + (average ?? .nan)) < 1e-4, "\(String(describing: calibration))")
        let noBins = try Self.nmt(["score", "--model", checkpoint.path, "--src", src.path, "--tgt", tgt.path,
                                   "--calibration", calibrationFile.path, "--calibration-bins", "0"], input: Data())
        #expect(noBins.status != 0 && noBins.stderr.contains("--calibration-bins must be at least 1"), "\(noBins.stderr)")

        // fairseq-generate's H and P lines, scores in base 2: the positional scores sum to the
        // hypothesis score when lenpen is 0.
        let fairseq = try Self.nmt(["translate", "--model", checkpoint.path, "--beam", "2", "--nbest", "1", "--lenpen", "0",
                                    "--nbest-format", "fairseq", "--threads", "1"], input: Data("Tengo sed.\n".utf8))
        let hp = fairseq.stdout.split(separator: "\n").map { $0.components(separatedBy: "\t") }
        #expect(hp.count == 2 && hp[0][0] == "H-0" && hp[1][0] == "P-0" && hp[0][2] == fields[1], "\(fairseq.stdout)")
        let positional = hp[1][1].split(separator: " ").compactMap { Double($0) }
        #expect(abs(positional.reduce(0, +) - Double(hp[0][1])!) < 1e-3 * Double(positional.count))
        #expect(abs(Double(hp[0][1])! * M_LN2 - Double(fields[3])!) < 1e-3)
    }

    @Test func badInputNamesTheLineOrFile() throws {
        let checkpoint = try Self.trainedCheckpoint()
        defer { try? FileManager.default.removeItem(at: checkpoint.deletingLastPathComponent().deletingLastPathComponent()) }
        var bad = Data("hola\nadiós\n".utf8)
        bad.append(contentsOf: [0x61, 0xFF, 0x0A])
        let invalid = try Self.nmt(["translate", "--model", checkpoint.path, "--threads", "1"], input: bad)
        #expect(invalid.status != 0 && invalid.stderr.contains("<stdin>:3"), "\(invalid.stderr)")

        let missing = try Self.nmt(["translate", "--model", "/nonexistent/checkpoint"], input: Data())
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/checkpoint"), "\(missing.stderr)")

        // A tag the model lacks, and a code that is no language code: each one sentence.
        let untagged = try Self.nmt(["translate", "--model", checkpoint.path, "--target-language", "de"], input: Data("hola\n".utf8))
        #expect(untagged.status != 0 && untagged.stderr.contains("--target-language de: this model has no target-language tokens (>>xx<<)"),
                "\(untagged.stderr)")
        let badCode = try Self.nmt(["translate", "--model", checkpoint.path, "--target-language", "German"], input: Data("hola\n".utf8))
        #expect(badCode.status != 0 && badCode.stderr.contains("'German' is not a target-language code"), "\(badCode.stderr)")

        let broken = checkpoint.resolvingSymlinksInPath()
        try Data("{}".utf8).write(to: broken.appendingPathComponent("model.safetensors"))
        let corrupt = try Self.nmt(["translate", "--model", checkpoint.path], input: Data("hola\n".utf8))
        #expect(corrupt.status != 0 && corrupt.stderr.contains("model.safetensors"), "\(corrupt.stderr)")
    }

    /// gzip input gives what plain input gives: `nmt translate` from a file, streaming
    /// and to a file, and `nmt score`; a corrupt file is one error naming it and its offset.
    @Test func gzipInputTranslatesAndScoresAsPlain() throws {
        let checkpoint = try Self.trainedCheckpoint()
        let run = checkpoint.deletingLastPathComponent().deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: run) }
        // Ten test pairs: a model of three updates translates every line up to its length limit.
        let corpus = TrainCommandTests.repository.appendingPathComponent("corpora/tiny-es-en")
        let es = run.appendingPathComponent("test.es"), en = run.appendingPathComponent("test.en")
        let esGz = run.appendingPathComponent("test.es.gz"), enGz = run.appendingPathComponent("test.en.gz")
        for (side, plainFile, compressedFile) in [("es", es, esGz), ("en", en, enGz)] {
            let lines = try String(contentsOf: corpus.appendingPathComponent("test.\(side)"), encoding: .utf8).split(separator: "\n")
            let text = Data(lines.prefix(10).map { $0 + "\n" }.joined().utf8)
            try text.write(to: plainFile)
            try gzipCompressed(text).write(to: compressedFile)
        }
        let translate = ["translate", "--model", checkpoint.path, "--beam", "1", "--max-len-b", "5", "--threads", "1"]
        let plain = try Self.nmt(translate + ["--input", es.path], input: Data())
        #expect(plain.status == 0 && plain.stdout.split(separator: "\n").count == 10, "\(plain.stderr)")
        let streamed = try Self.nmt(translate + ["--input", esGz.path], input: Data())
        let piped = try Self.nmt(translate, input: try Data(contentsOf: esGz))
        let written = run.appendingPathComponent("hyp.txt")
        let toFile = try Self.nmt(translate + ["--input", esGz.path, "--output", written.path], input: Data())
        #expect(streamed.stdout == plain.stdout && piped.stdout == plain.stdout, "\(streamed.stderr) \(piped.stderr)")
        let writtenText = try String(contentsOf: written, encoding: .utf8)
        #expect(toFile.status == 0 && writtenText == plain.stdout, "\(toFile.stderr)")

        let score = ["score", "--model", checkpoint.path, "--threads", "1"]
        let plainScores = try Self.nmt(score + ["--src", es.path, "--tgt", en.path], input: Data())
        let gzipScores = try Self.nmt(score + ["--src", esGz.path, "--tgt", enGz.path], input: Data())
        #expect(plainScores.status == 0 && gzipScores.stdout == plainScores.stdout, "\(gzipScores.stderr)")

        var damaged = try Data(contentsOf: esGz)
        damaged[10] = 0x07  // the first deflate block of the reserved type 3
        try damaged.write(to: esGz)
        for arguments in [translate + ["--input", esGz.path], translate + ["--input", esGz.path, "--output", written.path],
                          score + ["--src", esGz.path, "--tgt", en.path]] {
            let failed = try Self.nmt(arguments, input: Data())
            #expect(failed.status == 1 && failed.stderr.contains("nmt: error: \(esGz.path): corrupt gzip data at compressed byte offset 11"),
                    "\(arguments): \(failed.stderr)")
        }
    }

    /// SIGTERM while `nmt translate --output` translates (after a seeded number of its
    /// progress lines) leaves no output at all, not the lines translated so far: the
    /// output is published by rename only when complete. A build that wrote the file as
    /// it went fails here.
    @Test func sigtermWhileTranslatingLeavesNoOutput() throws {
        let checkpoint = try Self.trainedCheckpoint()
        let run = checkpoint.deletingLastPathComponent().deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: run) }
        let outputDirectory = run.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let output = outputDirectory.appendingPathComponent("hyp.txt")
        let lines = 20_000, chunk = 256       // the command's chunk at --batch-size 32
        let input = String(repeating: "¿Dónde está la estación de tren más cercana?\n", count: lines)
        var rng = TestRandom(seed: 26)
        let killAfter = chunk * (1 + Int(rng.next() % 4))
        func translated(_ standardError: String) -> Int {
            // "\rtranslated N/M lines" after each chunk.
            let last = standardError.components(separatedBy: "translated ").last ?? ""
            return Int(last.prefix { $0.isNumber }) ?? 0
        }
        let result = try runProcess(TrainCommandTests.nmt, ["translate", "--model", checkpoint.path, "--beam", "1", "--progress",
                                                            "--batch-size", "32", "--threads", "1", "--output", output.path],
                                    standardInput: Data(input.utf8), killWhen: { translated($0) >= killAfter }, killSignal: SIGTERM)
        let reached = translated(result.error)
        #expect(reached >= killAfter && reached < lines, "terminated after \(reached) of \(lines) lines (asked: \(killAfter))")
        #expect(result.status == SIGTERM, "ended by the signal: \(result.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputDirectory.path).isEmpty,
                "no output (not even the \(reached) lines translated) and no temporary file")
    }
}
