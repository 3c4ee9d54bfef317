import Checkpoints
import Foundation
import Testing
import TestSupport
@testable import Training
import Transformer

/// `nmt train --init-from` (fine-tuning) and `--resume --reset-optimizer /
/// --reset-lr-scheduler`, as a user runs them: subprocesses on the tiny corpus.
@Suite(.serialized, .timeLimit(.minutes(10))) struct FineTuningTests {
    typealias Run = TrainCommandTests
    static let corpus = Run.repository.appendingPathComponent("corpora/tiny-es-en").path

    /// The JSON records of `kind` in the run's train.jsonl.
    static func records(_ output: URL, kind: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: output.appendingPathComponent("train.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["kind"] as? String == kind ? object : nil
        }
    }

    /// The learning rate train.jsonl logged for `update`.
    static func loggedLR(_ output: URL, update: Int) throws -> Double? {
        try records(output, kind: "train").first { $0["update"] as? Double == Double(update) }?["lr"] as? Double
    }

    /// The checkpoint `name`'s training state: Adam's step, the progress, and whether the
    /// moments are those of a single Adam step from zero: m = (1 − β₁)g and v = (1 − β₂)g²,
    /// so v = (1 − β₂)/(1 − β₁)² · m² element by element (β₁ 0.9, β₂ 0.98: a factor 2).
    static func state(_ checkpoint: URL) throws -> (step: String?, progress: TrainingProgress, momentsFromOneStep: Bool) {
        let state = try SafeTensorsFile.read(from: checkpoint.appendingPathComponent(CheckpointFiles.trainingState))
        let progress = try JSONDecoder().decode(TrainingProgress.self, from: Data(state.metadata["progress", default: ""].utf8))
        var fresh = true
        for name in state.names where name.hasPrefix("exp_avg.") {
            let m = try state.tensor(named: name).values, v = try state.tensor(named: "exp_avg_sq." + name.dropFirst(8)).values
            for (m, v) in zip(m, v) where abs(v - 2 * m * m) > 1e-3 * v + 1e-30 { fresh = false }
        }
        return (state.metadata["adam_step"], progress, fresh)
    }

    /// A run started from a checkpoint takes its weights bit for bit: with a learning rate
    /// of 0 for the first update (warmup_init_lr 0; weight decay is lr-scaled), the
    /// checkpoint after it holds the init weights, Adam has made one step from zero
    /// moments, the progress is update 1 of epoch 1, and config.json and train.jsonl's first
    /// record name the init checkpoint.
    @Test func initStartsFromTheCheckpointsWeightsWithFreshMoments() throws {
        let base = try Run.temporaryDirectory("init-base"), tuned = try Run.temporaryDirectory("init-tuned")
        defer { try? FileManager.default.removeItem(at: base); try? FileManager.default.removeItem(at: tuned) }
        #expect(try Run.run(Run.arguments(output: base, maxUpdate: 4)).status == 0)
        let initial = base.appendingPathComponent("checkpoints/\(RunCheckpoints.name(update: 4))")
        let result = try Run.run(Run.arguments(output: tuned, maxUpdate: 1)
                                 + ["--init-from", initial.path, "--warmup-init-lr", "0", "--dropout", "0.2"])
        #expect(result.status == 0, "\(result.stderr)")
        let after = tuned.appendingPathComponent("checkpoints/\(RunCheckpoints.name(update: 1))")
        let a = try SafeTensorsFile.read(from: initial.appendingPathComponent(CheckpointFiles.model))
        let b = try SafeTensorsFile.read(from: after.appendingPathComponent(CheckpointFiles.model))
        #expect(a.entries == b.entries && a.values == b.values, "the first update starts from the init checkpoint's weights")
        let (step, progress, fresh) = try Self.state(after)
        #expect(step == "1" && progress.update == 1 && progress.epoch == 1 && progress.scheduleStart == nil)
        #expect(fresh, "Adam's moments after the first update are one step's from zero, not the init run's")
        #expect(try Self.state(initial).momentsFromOneStep == false, "the check tells four steps' moments apart")
        let config = try RunCheckpointConfig.read(from: after)
        #expect(config.training.initFrom == initial.path)
        #expect(config.model.dropout == 0.2, "dropout may change")
        #expect(try Self.records(tuned, kind: "segment").first?["init_from"] as? String == initial.path)
    }

    /// The arguments of a fine-tuning run of `checkpoint` on the tiny corpus: no config file
    /// (tiny.yaml's arch and vocab_size would contradict an imported model).
    static func fineTuning(_ checkpoint: String, output: URL, maxUpdate: Int, validateEvery: Int = 4) -> [String] {
        ["train", "--init-from", checkpoint, "--output", output.path,
         "--train-src", corpus + "/train.es", "--train-tgt", corpus + "/train.en",
         "--valid-src", corpus + "/valid.es", "--valid-tgt", corpus + "/valid.en", "--valid-bleu-sentences", "8",
         "--max-update", String(maxUpdate), "--validate-interval-updates", String(validateEvery), "--log-interval", "1",
         "--lr", "0.003", "--warmup-updates", "4", "--dropout", "0.1", "--max-tokens", "256", "--threads", "1", "--quiet"]
    }

    /// The imported Marian fixture `name` at `output`.
    static func importMarian(_ name: String, to output: URL) throws {
        let fixture = Run.repository.appendingPathComponent("Tests/ImportTests/Fixtures/\(name)").path
        let result = try runProcess(Run.nmt, ["import", "--format", "marian", "--model", fixture, "--output", output.path])
        #expect(result.status == 0, "\(result.error)")
    }

    /// An imported MarianMT model fine-tuned for 100 updates, straight and as 50 + 50 (the
    /// import moved away before the resume: the init is not re-applied), gives the same
    /// weights; its checkpoints carry the Marian tokenizer files and translate.
    @Test func fineTunedImportedModelTranslatesAndResumesBitwise() throws {
        let work = try Run.temporaryDirectory("marian-finetune")
        defer { try? FileManager.default.removeItem(at: work) }
        let imported = work.appendingPathComponent("imported")
        try Self.importMarian("tied-swish", to: imported)
        let straight = work.appendingPathComponent("straight"), resumed = work.appendingPathComponent("resumed")
        let first = try Run.run(Self.fineTuning(imported.path, output: straight, maxUpdate: 100, validateEvery: 25))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try Run.run(Self.fineTuning(imported.path, output: resumed, maxUpdate: 50, validateEvery: 25)).status == 0)
        let moved = work.appendingPathComponent("imported-moved")
        try FileManager.default.moveItem(at: imported, to: moved)
        let second = try Run.run(Self.fineTuning(imported.path, output: resumed, maxUpdate: 100, validateEvery: 25) + ["--resume"])
        #expect(second.status == 0, "\(second.stderr)")
        let name = "checkpoints/\(RunCheckpoints.name(update: 100))/model.safetensors"
        #expect(try Data(contentsOf: straight.appendingPathComponent(name)) == Data(contentsOf: resumed.appendingPathComponent(name)))

        let last = straight.appendingPathComponent("checkpoints/last").resolvingSymlinksInPath()
        for file in [CheckpointFiles.marianSourceModel, CheckpointFiles.marianTargetModel, CheckpointFiles.marianVocabulary] {
            #expect(try Data(contentsOf: last.appendingPathComponent(file)) == Data(contentsOf: moved.appendingPathComponent(file)), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: last.appendingPathComponent(CheckpointFiles.tokenizer).path))
        let config = try RunCheckpointConfig.read(from: last)
        let importedModel = try CheckpointConfig<TrainingSection>.read(from: moved).model.withDropout(0.1)
        #expect(config.tokenizer?.kind == .marian && config.model == importedModel)
        let translated = try runProcess(Run.nmt, ["translate", "--model", last.path, "--beam", "1", "--input", Self.corpus + "/valid.es"])
        #expect(translated.status == 0, "\(translated.error)")
        #expect(translated.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).count == 41)
    }

    /// An architecture or tokenizer key the init checkpoint contradicts is one error line
    /// naming both values; so is an init_from that names no directory.
    @Test func conflictsAndAMissingCheckpointAreClearErrors() throws {
        let work = try Run.temporaryDirectory("init-conflicts")
        defer { try? FileManager.default.removeItem(at: work) }
        let imported = work.appendingPathComponent("imported")
        try Self.importMarian("tied-swish", to: imported)
        let model = try CheckpointConfig<TrainingSection>.read(from: imported).model
        let output = work.appendingPathComponent("run")
        let cases: [(arguments: [String], expected: [String])] = [
            (["--arch", "tiny"], ["arch tiny (model_dim 32", "which has model_dim \(model.modelDim),", "drop --arch"]),
            (["--activation", "relu"], ["activation relu conflicts", "which has activation swish"]),
            (["--vocab-size", "8000"], ["vocab_size 8000 conflicts", "which has vocab_size \(model.targetVocabularySize)"]),
            (["--spm-model", "/tmp/other.model"], ["spm_model /tmp/other.model", "its own tokenizer (source.spm, target.spm, vocab.json)"]),
            (["--max-positions", "1024"], ["max_positions 1024 conflicts", "which has max_positions \(model.maxPositions)"]),
        ]
        for (extra, expected) in cases {
            let result = try Run.run(Self.fineTuning(imported.path, output: output, maxUpdate: 1) + extra)
            #expect(result.status != 0, "\(extra) should fail")
            #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("nmt: error:") }.count == 1, "\(extra): \(result.stderr)")
            for fragment in expected { #expect(result.stderr.contains(fragment), "\(extra): '\(fragment)' not in \(result.stderr)") }
        }
        let missing = work.appendingPathComponent("no-such-checkpoint").path
        let result = try Run.run(Self.fineTuning(missing, output: output, maxUpdate: 1))
        #expect(result.status != 0 && result.stderr.contains("init_from \(missing): no such checkpoint directory"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("train.jsonl").path), "nothing was started")
    }

    /// A run of 4 updates resumed to 5: --reset-optimizer restarts Adam (step 1, moments of
    /// one step) while the schedule continues (the rate after 4 updates); --reset-lr-scheduler
    /// keeps Adam's step 5 and restarts the schedule (warmup_init_lr), which a later plain
    /// resume continues (the rate after 1 update at update 6).
    @Test func resetOptimizerAndResetLRSchedulerResetWhatTheySay() throws {
        let base = try Run.temporaryDirectory("reset-base"), work = try Run.temporaryDirectory("reset")
        defer { try? FileManager.default.removeItem(at: base); try? FileManager.default.removeItem(at: work) }
        #expect(try Run.run(Run.arguments(output: base, maxUpdate: 4)).status == 0)
        // tiny.yaml's schedule.
        let schedule = InverseSquareRootSchedule(lr: 0.003, warmupUpdates: 50, warmupInitLR: 1e-7)
        let checkpoint = { (run: URL, update: Int) in run.appendingPathComponent("checkpoints/\(RunCheckpoints.name(update: update))") }

        let optimizer = work.appendingPathComponent("optimizer")
        try FileManager.default.copyItem(at: base, to: optimizer)
        let reset = try Run.run(Run.arguments(output: optimizer, maxUpdate: 5) + ["--resume", "--reset-optimizer"])
        #expect(reset.status == 0, "\(reset.stderr)")
        let afterReset = try Self.state(checkpoint(optimizer, 5))
        #expect(afterReset.step == "1" && afterReset.progress.update == 5 && afterReset.progress.epoch == 1 && afterReset.momentsFromOneStep)
        #expect(try Self.loggedLR(optimizer, update: 5) == Double(schedule.rate(afterUpdates: 4)))
        #expect(try Self.records(optimizer, kind: "reset").first?["reset"] as? String == "optimizer")

        let lr = work.appendingPathComponent("lr")
        try FileManager.default.copyItem(at: base, to: lr)
        #expect(try Run.run(Run.arguments(output: lr, maxUpdate: 5) + ["--resume", "--reset-lr-scheduler"]).status == 0)
        let restarted = try Self.state(checkpoint(lr, 5))
        #expect(restarted.step == "5" && restarted.progress.scheduleStart == 4 && !restarted.momentsFromOneStep)
        #expect(try Self.loggedLR(lr, update: 5) == Double(schedule.rate(afterUpdates: 0)))
        #expect(try Run.run(Run.arguments(output: lr, maxUpdate: 6) + ["--resume"]).status == 0)
        #expect(try Self.loggedLR(lr, update: 6) == Double(schedule.rate(afterUpdates: 1)))
        #expect(try Self.state(checkpoint(lr, 6)).progress.scheduleStart == 4)

        let refused = try Run.run(Run.arguments(output: work.appendingPathComponent("new"), maxUpdate: 1) + ["--reset-optimizer"])
        #expect(refused.status != 0 && refused.stderr.contains("apply to --resume"), "\(refused.stderr)")
    }
}

extension TransformerConfig {
    /// This config with every dropout but attention's and the activation's set to `p`.
    func withDropout(_ p: Float) -> TransformerConfig {
        var config = self
        config.dropout = p
        return config
    }
}
