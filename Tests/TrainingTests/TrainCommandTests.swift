import Checkpoints
import Foundation
import Testing
import Tensor
import TestSupport
@testable import Training
import Transformer

/// `nmt train` as a user runs it: a subprocess on the tiny corpus.
@Suite(.serialized, .timeLimit(.minutes(10))) struct TrainCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let nmt = builtProduct("nmt")

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Arguments of a small, fast run on the tiny corpus (one thread: bitwise results are
    /// defined per thread count).
    static func arguments(output: URL, maxUpdate: Int) -> [String] {
        let corpus = repository.appendingPathComponent("corpora/tiny-es-en").path
        return ["train", "--config", repository.appendingPathComponent("configs/tiny.yaml").path, "--output", output.path,
                "--train-src", corpus + "/train.es", "--train-tgt", corpus + "/train.en",
                "--valid-src", corpus + "/valid.es", "--valid-tgt", corpus + "/valid.en",
                "--max-update", String(maxUpdate), "--validate-interval-updates", "4", "--log-interval", "1",
                "--max-tokens", "256", "--threads", "1", "--quiet"]
    }

    @discardableResult
    static func run(_ arguments: [String], killWhen: ((URL) -> Bool)? = nil, output: URL? = nil,
                    signal: Int32 = SIGKILL) throws -> (status: Int32, stderr: String) {
        let stop: ((String) -> Bool)? = killWhen.flatMap { condition in output.map { out in { _ in condition(out) } } }
        let result = try runProcess(nmt, arguments, directory: repository, killWhen: stop, killSignal: signal)
        return (result.status, result.error)
    }

    static func loggedUpdates(_ output: URL) -> Int {
        guard let text = try? String(contentsOf: output.appendingPathComponent("train.jsonl"), encoding: .utf8) else { return 0 }
        return text.split(separator: "\n").filter { $0.contains("\"kind\": \"train\"") }.count
    }

    /// SIGTERM at a random update between validations: the run finishes that update,
    /// writes its checkpoint, exits with status 75, and resuming it gives the straight
    /// run's weights.
    @Test func sigtermSavesACheckpointAndResumesBitwise() throws {
        let straight = try Self.temporaryDirectory("sigterm-straight"), stopped = try Self.temporaryDirectory("sigterm")
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: stopped) }
        let n = 12
        #expect(try Self.run(Self.arguments(output: straight, maxUpdate: n)).status == 0)
        // A kill point from the run's own log lines, drawn by a seeded generator: a failure
        // names an update that reproduces it.
        var rng = TestRandom(seed: 26)
        let signalAfter = 1 + Int(rng.next() % UInt64(n - 3))
        let first = try Self.run(Self.arguments(output: stopped, maxUpdate: n), killWhen: { Self.loggedUpdates($0) >= signalAfter },
                                 output: stopped, signal: SIGTERM)
        #expect(first.status == StopSignal.exitStatus, "signal after update \(signalAfter): \(first.stderr)")
        let checkpoints = stopped.appendingPathComponent("checkpoints")
        let last = try FileManager.default.destinationOfSymbolicLink(atPath: checkpoints.appendingPathComponent("last").path)
        let updates = Self.loggedUpdates(stopped)
        #expect(last == RunCheckpoints.name(update: updates), "the checkpoint is the update the signal interrupted")
        #expect(updates < n, "stopped early (at update \(updates))")
        let resumed = try Self.run(Self.arguments(output: stopped, maxUpdate: n) + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let name = "checkpoints/\(RunCheckpoints.name(update: n))/model.safetensors"
        #expect(try Data(contentsOf: straight.appendingPathComponent(name)) == Data(contentsOf: stopped.appendingPathComponent(name)))
    }

    /// `--quiet` hides progress, not warnings: skipped pairs reach standard error and
    /// train.jsonl as a warning record.
    @Test func warningsReachStandardErrorAndTheLogUnderQuiet() throws {
        let output = try Self.temporaryDirectory("quiet-warnings")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try Self.run(Self.arguments(output: output, maxUpdate: 2) + ["--max-positions", "8"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: skipping") && result.stderr.contains("max_positions 8"), "\(result.stderr)")
        let log = try String(contentsOf: output.appendingPathComponent("train.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").contains { $0.contains("\"kind\": \"warning\"") && $0.contains("\"skipped_pairs\"") })
    }

    /// A bf16 run stopped by its budget and resumed with `--precision auto` continues in
    /// bf16 (the CPU has it) and gives the straight bf16 run's weights; config.json records
    /// bf16, and train.jsonl opens each segment with a record naming the precision and why.
    @Test(.enabled(if: CPUFeatures.current.multipliesBF16Natively, "this CPU lacks AVX512-BF16: bf16 training is refused here"))
    func bf16RunResumesBitwiseUnderAuto() throws {
        let straight = try Self.temporaryDirectory("bf16-straight"), resumed = try Self.temporaryDirectory("bf16-resumed")
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: resumed) }
        #expect(try Self.run(Self.arguments(output: straight, maxUpdate: 8) + ["--precision", "bf16"]).status == 0)
        #expect(try Self.run(Self.arguments(output: resumed, maxUpdate: 4) + ["--precision", "bf16"]).status == 0)
        let second = try Self.run(Self.arguments(output: resumed, maxUpdate: 8) + ["--precision", "auto", "--resume"])
        #expect(second.status == 0, "\(second.stderr)")
        let name = "checkpoints/\(RunCheckpoints.name(update: 8))/model.safetensors"
        #expect(try Data(contentsOf: straight.appendingPathComponent(name)) == Data(contentsOf: resumed.appendingPathComponent(name)))
        #expect(try Checkpoint.storedPrecision(in: resumed.appendingPathComponent("checkpoints/last").resolvingSymlinksInPath()) == .bf16)
        let log = try String(contentsOf: resumed.appendingPathComponent("train.jsonl"), encoding: .utf8)
        let segments = log.split(separator: "\n").filter { $0.contains("\"kind\": \"segment\"") }
        #expect(segments.count == 2)
        #expect(segments.first?.contains("\"precision_reason\": \"requested") == true)
        #expect(segments.last?.contains("\"precision_reason\": \"auto: the run trained in bf16 so far") == true)
        #expect(segments.allSatisfy { $0.contains("\"bf16_products\": ") }, "each bf16 segment names the products' engine")
        #expect(log.split(separator: "\n").first?.contains("\"kind\": \"segment\"") == true, "the first record names the precision")
        // Each segment ends with its stop reason: the budget of 4, then that of 8.
        let done = log.split(separator: "\n").filter { $0.contains("\"kind\": \"done\"") }
        #expect(done.count == 2 && done.allSatisfy { $0.contains("\"stop_reason\": \"max_update\"") })
        #expect(done.last?.contains("\"update\": 8.0") == true)
    }

    /// Straight N updates and the same run killed twice (SIGKILL: after update 6, then as soon
    /// as a checkpoint's temporary directory is seen — inside a checkpoint write, when the
    /// 20 ms poll catches one — else once update 12's checkpoint exists) and resumed give
    /// bitwise-identical weights.
    @Test func resumeAfterSIGKILLIsBitwiseIdentical() throws {
        let straight = try Self.temporaryDirectory("straight"), interrupted = try Self.temporaryDirectory("interrupted")
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: interrupted) }
        let n = 14
        let first = try Self.run(Self.arguments(output: straight, maxUpdate: n))
        #expect(first.status == 0, "\(first.stderr)")

        let killed = try Self.run(Self.arguments(output: interrupted, maxUpdate: n), killWhen: { Self.loggedUpdates($0) >= 6 }, output: interrupted)
        #expect(killed.status != 0)
        let killedAgain = try Self.run(Self.arguments(output: interrupted, maxUpdate: n) + ["--resume"],
                                       killWhen: { run in
                                           let checkpoints = run.appendingPathComponent("checkpoints")
                                           let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
                                           // AtomicDirectory's temporary name: .update-NNNNNNNN.tmp-PID-RANDOM.
                                           return names.contains { $0.hasPrefix(".update-") && $0.contains(".tmp-") }
                                               || names.contains("update-00000012")
                                       },
                                       output: interrupted)
        #expect(killedAgain.status != 0, "the second kill landed before the run's end: \(killedAgain.stderr)")
        let resumed = try Self.run(Self.arguments(output: interrupted, maxUpdate: n) + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")

        let name = "checkpoints/update-\(String(format: "%08d", n))/model.safetensors"
        let a = try Data(contentsOf: straight.appendingPathComponent(name))
        let b = try Data(contentsOf: interrupted.appendingPathComponent(name))
        #expect(a == b, "weights after \(n) updates differ between the straight and the resumed run")
        let stateName = "checkpoints/update-\(String(format: "%08d", n))/training-state.safetensors"
        // Moments and Adam's step match too (the progress metadata differs only in wall-clock time).
        let stateA = try SafeTensorsFile.read(from: straight.appendingPathComponent(stateName))
        let stateB = try SafeTensorsFile.read(from: interrupted.appendingPathComponent(stateName))
        #expect(stateA.values == stateB.values && stateA.entries == stateB.entries)
        #expect(stateA.metadata["adam_step"] == stateB.metadata["adam_step"])
    }

    @Test func refusesAnOutputThatHoldsAnotherRun() throws {
        let output = try Self.temporaryDirectory("holds")
        defer { try? FileManager.default.removeItem(at: output) }
        try FileManager.default.createDirectory(at: output.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        let result = try Self.run(Self.arguments(output: output, maxUpdate: 1))
        #expect(result.status != 0)
        #expect(result.stderr.contains("already holds a training run") && result.stderr.contains("--resume"))
    }

    /// The run's arguments with the training pairs as one TSV file instead of two files.
    static func arguments(output: URL, maxUpdate: Int, trainTSV: String) -> [String] {
        var arguments = Self.arguments(output: output, maxUpdate: maxUpdate)
        for flag in ["--train-src", "--train-tgt"] {
            let index = arguments.firstIndex(of: flag)!
            arguments.removeSubrange(index...(index + 1))
        }
        return arguments + ["--train-tsv", trainTSV]
    }

    /// A gzip TSV training file with planted pairs for every rule, and gzip validation
    /// files: the run trains, and train.jsonl holds each corpus's counts.
    @Test func tsvGzipAndCleaningCountsReachTheLog() throws {
        let dir = try Self.temporaryDirectory("tsv-cleaning")
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = Self.repository.appendingPathComponent("corpora/tiny-es-en")
        let source = try String(contentsOf: corpus.appendingPathComponent("train.es"), encoding: .utf8).split(separator: "\n")
        let target = try String(contentsOf: corpus.appendingPathComponent("train.en"), encoding: .utf8).split(separator: "\n")
        // The tiny corpus has no repeated, identical or empty pair and no ratio above 3.5.
        var lines = zip(source, target).map { "\($0)\t\($1)" }
        lines += Array(lines.prefix(3))                                  // 3 duplicates
        lines += ["OK\tOK", "\tnothing", "uno\tone two three four five six seven eight nine ten", "no tab"]
        let tsv = dir.appendingPathComponent("train.tsv.gz")
        try gzipCompressed(Data(lines.map { $0 + "\n" }.joined().utf8)).write(to: tsv)
        var arguments = Self.arguments(output: dir.appendingPathComponent("run"), maxUpdate: 2, trainTSV: tsv.path)
        for side in ["es", "en"] {
            let compressed = dir.appendingPathComponent("valid.\(side).gz")
            try gzipCompressed(Data(contentsOf: corpus.appendingPathComponent("valid.\(side)"))).write(to: compressed)
            let flag = side == "es" ? "--valid-src" : "--valid-tgt"
            arguments[arguments.firstIndex(of: flag)! + 1] = compressed.path
        }
        arguments += ["--skip-invalid", "--filter-empty", "--filter-identical", "--filter-duplicates", "--filter-length-ratio", "9"]
        let result = try Self.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let log = try String(contentsOf: dir.appendingPathComponent("run/train.jsonl"), encoding: .utf8)
        let records = log.split(separator: "\n").filter { $0.contains("\"kind\": \"corpus\"") }
        #expect(records.count == 2, "\(log)")
        let train = records.first { $0.contains("\"corpus\": \"train\"") } ?? ""
        for field in ["\"pairs_read\": 312.0", "\"pairs_kept\": 305.0", "\"dropped_invalid_utf8\": 0.0",
                      "\"dropped_wrong_field_count\": 1.0", "\"dropped_empty\": 1.0", "\"dropped_identical\": 1.0",
                      "\"dropped_length_ratio\": 1.0", "\"dropped_duplicate\": 3.0", "\"files\": \"\(tsv.path)\""] {
            #expect(train.contains(field), "\(field) not in \(train)")
        }
        let valid = records.first { $0.contains("\"corpus\": \"valid\"") } ?? ""
        #expect(valid.contains("\"pairs_kept\": 40.0") && !valid.contains("dropped_duplicate"), "validation pairs are not cleaned: \(valid)")
        let config = try String(contentsOf: dir.appendingPathComponent("run/checkpoints/last/config.json"), encoding: .utf8)
        #expect(config.contains("\"filterDuplicates\" : true") && config.contains("\"trainTsv\""))

        // The same TSV without --skip-invalid: the line without a tab is named.
        let strict = try Self.run(Self.arguments(output: dir.appendingPathComponent("strict"), maxUpdate: 1, trainTSV: tsv.path))
        #expect(strict.status != 0 && strict.stderr.contains("\(tsv.path):312: expected 2 tab-separated fields"), "\(strict.stderr)")
    }

    @Test func badInputIsOneClearErrorLine() throws {
        let dir = try Self.temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let short = dir.appendingPathComponent("short.en"), badUTF8 = dir.appendingPathComponent("bad.en")
        let empty = dir.appendingPathComponent("empty.es"), emptyTgt = dir.appendingPathComponent("empty.en")
        try "one\ntwo\n".write(to: short, atomically: true, encoding: .utf8)
        var bytes = Data((0..<305).map { _ in "hello\n" }.joined().utf8)
        bytes.replaceSubrange(12..<13, with: [0xFF])   // inside line 3
        try bytes.write(to: badUTF8)
        try Data().write(to: empty); try Data().write(to: emptyTgt)
        let out = dir.appendingPathComponent("run").path
        let cases: [([String], [String])] = [
            (["--train-tgt", short.path, "--spm-model", "/nonexistent.model"], ["/nonexistent.model"]),
            (["--train-tgt", short.path], ["has 305 lines", "has 2", short.path]),
            (["--train-tgt", badUTF8.path], [badUTF8.path + ":3:", "utf-8"]),
            (["--train-src", empty.path, "--train-tgt", emptyTgt.path], ["empty"]),
            (["--max-tokenz", "10"], ["unknown config key 'max-tokenz'"]),
            (["--dropout", "1.5"], ["dropout", "[0.0, 0.99]"]),
            (["--valid-src", dir.appendingPathComponent("missing.es").path], ["missing.es"]),
            (["--train-tsv", short.path], ["gives both train_tsv and train_src and train_tgt"]),
            (["--filter-length-ratio", "0.5"], ["filter_length_ratio", "0 (off) or a number in [1, 1e9]"]),
        ]
        for (extra, expected) in cases {
            var arguments = Self.arguments(output: URL(fileURLWithPath: out), maxUpdate: 1)
            arguments += extra + ["--overwrite"]
            let result = try Self.run(arguments)
            #expect(result.status != 0, "\(extra) should fail")
            let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("nmt: error:") }
            #expect(lines.count == 1, "\(extra): \(result.stderr)")
            for fragment in expected { #expect(result.stderr.lowercased().contains(fragment.lowercased()), "\(extra): '\(fragment)' not in \(result.stderr)") }
        }
    }
}
