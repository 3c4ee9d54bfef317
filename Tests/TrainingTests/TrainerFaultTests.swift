import Checkpoints
import Foundation
import Testing
import TestSupport
import Tensor
import Tokenizer
@testable import Training
import Transformer

/// The trainer under faults: non-finite gradients and a checkpoint write cut short.
@Suite(.serialized, .timeLimit(.minutes(10))) struct TrainerFaultTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func config(maxUpdate: Int) throws -> TrainingConfig {
        var config = try TrainingConfig.load(yamlFile: repository.appendingPathComponent("configs/tiny.yaml").path)
        let corpus = repository.appendingPathComponent("corpora/tiny-es-en").path
        config.trainSrc = corpus + "/train.es"; config.trainTgt = corpus + "/train.en"
        config.validSrc = corpus + "/valid.es"; config.validTgt = corpus + "/valid.en"
        config.maxUpdate = maxUpdate
        config.validateIntervalUpdates = 3
        config.maxTokens = 256
        config.threads = 1
        return config
    }

    static func output(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-fault-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        return url
    }

    /// From update 4 on every gradient is NaN: each update is skipped (parameters kept), and
    /// after 10 in a row training stops with an error naming the last good checkpoint,
    /// which still loads.
    @Test func tenNonFiniteUpdatesInARowStopTraining() throws {
        let out = Self.output("nan")
        defer { try? FileManager.default.removeItem(at: out) }
        let trainer = try Trainer(config: try Self.config(maxUpdate: 50), output: out, resume: false, overwrite: false,
                                  showProgress: false)
        var calls = 0
        trainer.inspectGradients = { gradients, update in
            calls += 1
            if update >= 4 { gradients.base[0] = .nan }
        }
        #expect(throws: TrainingError.nonFiniteLoss(updates: 10, lastCheckpoint: "update-00000003")) { try trainer.run() }
        #expect(calls == 4 + 10, "updates 0–3 pass, then ten are skipped")
        let last = out.appendingPathComponent("checkpoints/last")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: last.path)) == "update-00000003")
        let checkpoint = try ModelCheckpoint(directory: last.resolvingSymlinksInPath())
        #expect(GradientArena.isFinite(checkpoint.model.parameters))
    }

    /// A run killed while writing a checkpoint leaves a temporary directory and the previous
    /// `last`; resuming loads that one, removes the leftover and finishes as a straight run.
    @Test func interruptedCheckpointWriteLeavesThePreviousOneLoadable() throws {
        let straight = Self.output("straight"), interrupted = Self.output("interrupted")
        defer { try? FileManager.default.removeItem(at: straight); try? FileManager.default.removeItem(at: interrupted) }
        _ = try Trainer(config: try Self.config(maxUpdate: 6), output: straight, resume: false, overwrite: false, showProgress: false).run()
        _ = try Trainer(config: try Self.config(maxUpdate: 3), output: interrupted, resume: false, overwrite: false, showProgress: false).run()

        // What a kill in the middle of Checkpoint.save leaves: a partial temporary directory
        // (AtomicDirectory's name for it).
        let checkpoints = interrupted.appendingPathComponent("checkpoints")
        let partial = checkpoints.appendingPathComponent(".update-00000006.tmp-12345-678")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        try Data("{\"trunc".utf8).write(to: partial.appendingPathComponent("config.json"))
        try Data(repeating: 7, count: 100).write(to: partial.appendingPathComponent("model.safetensors"))
        _ = try ModelCheckpoint(directory: checkpoints.appendingPathComponent("last").resolvingSymlinksInPath())

        _ = try Trainer(config: try Self.config(maxUpdate: 6), output: interrupted, resume: true, overwrite: false, showProgress: false).run()
        #expect(!FileManager.default.fileExists(atPath: partial.path), "the leftover temporary directory is removed")
        let name = "checkpoints/update-00000006/model.safetensors"
        #expect(try Data(contentsOf: straight.appendingPathComponent(name)) == Data(contentsOf: interrupted.appendingPathComponent(name)))
    }

    /// Resuming a run that already reached its update budget trains nothing: it stops at
    /// once, says why, and writes no checkpoint, so the weights stay the finished run's.
    @Test func resumingAFinishedRunTrainsNothing() throws {
        let out = Self.output("finished")
        defer { try? FileManager.default.removeItem(at: out) }
        let first = try Trainer(config: try Self.config(maxUpdate: 6), output: out, resume: false, overwrite: false,
                                showProgress: false).run()
        #expect(first.updates == 6 && first.stopReason == .maxUpdate)
        let checkpoints = out.appendingPathComponent("checkpoints")
        let before = try FileManager.default.contentsOfDirectory(atPath: checkpoints.path).sorted()
        let weights = try Data(contentsOf: checkpoints.appendingPathComponent("last/model.safetensors"))

        let again = try Trainer(config: try Self.config(maxUpdate: 6), output: out, resume: true, overwrite: false,
                                showProgress: false).run()
        #expect(again.updates == 6 && again.stopReason == .maxUpdate)
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkpoints.path).sorted() == before)
        #expect(try Data(contentsOf: checkpoints.appendingPathComponent("last/model.safetensors")) == weights)
    }

    /// `--output` naming an existing file is one sentence naming it, not a Foundation error.
    @Test func anOutputThatIsAFileIsAClearError() throws {
        let file = Self.output("file")
        try Data("not a run".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: TrainingError.self) {
            try Trainer(config: try Self.config(maxUpdate: 1), output: file, resume: false, overwrite: false, showProgress: false)
        }
        #expect(error == .outputIsNotADirectory(file.path))
        #expect(error?.localizedDescription == "--output \(file.path) is a file; it must name the run's directory (new or existing)")
        #expect(try String(contentsOf: file, encoding: .utf8) == "not a run", "the file is left as it was")
    }

    /// A run directory in use by one trainer refuses a second one (resume or overwrite
    /// alike) with the holder's pid; a lock file left by a dead process does not block.
    @Test func aRunDirectoryIsLockedWhileATrainerHoldsIt() throws {
        let out = Self.output("lock")
        defer { try? FileManager.default.removeItem(at: out) }
        var holder: Trainer? = try Trainer(config: try Self.config(maxUpdate: 2), output: out, resume: false, overwrite: false,
                                           showProgress: false)
        for (resume, overwrite) in [(true, false), (false, true)] {
            let error = #expect(throws: TrainingError.self) {
                try Trainer(config: try Self.config(maxUpdate: 2), output: out, resume: resume, overwrite: overwrite,
                            showProgress: false)
            }
            #expect(error == .runLocked(directory: out.path, reason: "process \(getpid()) is training in it"))
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("train.jsonl").path),
                "the refused overwrite removed nothing")
        holder = nil
        _ = holder
        // What a killed run leaves: the lock file with its pid, and no lock held.
        try Data("999999\n".utf8).write(to: out.appendingPathComponent(".lock"))
        _ = try Trainer(config: try Self.config(maxUpdate: 2), output: out, resume: true, overwrite: false, showProgress: false)
    }

    /// `--spm-model` with a model trained by plain spm_train stops before training, naming
    /// the model (it used to train with its unknown piece taken for padding).
    @Test func aStockSentencePieceModelIsRefusedBeforeTraining() throws {
        let out = Self.output("stock-spm")
        defer { try? FileManager.default.removeItem(at: out) }
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let prefix = out.appendingPathComponent("stock").path
        let trained = try runProcess(URL(fileURLWithPath: "/usr/bin/spm_train"),
                                     ["--input=\(Self.repository.path)/corpora/tiny-es-en/train.en",
                                      "--model_prefix=\(prefix)", "--vocab_size=100", "--model_type=bpe",
                                      "--character_coverage=0.98"])
        #expect(trained.status == 0, "\(trained.error)")
        var config = try Self.config(maxUpdate: 2)
        config.spmModel = prefix + ".model"
        let run = out.appendingPathComponent("run")
        let error = #expect(throws: SentencePieceError.self) {
            try Trainer(config: config, output: run, resume: false, overwrite: false, showProgress: false).run()
        }
        guard case .specialIDsDiffer(let source, let found)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(source == prefix + ".model" && found == ["pad": -1, "unk": 0, "bos": 1, "eos": 2])
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoints").path))
    }

    /// Checkpoint cadence as fairseq's: every --save-interval-updates without validating, at
    /// each epoch end unless --no-epoch-checkpoints, update checkpoints pruned to
    /// --keep-interval-updates except those at multiples of --keep-interval-updates-pattern;
    /// resuming from an epoch checkpoint gives the straight run.
    @Test func checkpointCadenceAndResumeFromAnEpochCheckpoint() throws {
        let out = Self.output("cadence"), again = Self.output("cadence-again")
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: again) }
        var config = try Self.config(maxUpdate: 14)
        config.validateIntervalUpdates = 100
        config.saveIntervalUpdates = 2
        config.keepIntervalUpdates = 3
        config.keepIntervalUpdatesPattern = 4
        config.maxTokens = 1024
        _ = try Trainer(config: config, output: out, resume: false, overwrite: false, showProgress: false).run()
        let checkpoints = out.appendingPathComponent("checkpoints")
        let names = try FileManager.default.contentsOfDirectory(atPath: checkpoints.path)
        let updates = names.filter { $0.hasPrefix("update-") }.sorted(), epochs = names.filter { $0.hasPrefix("epoch-") }.sorted()
        // 4, 8 and 12 are exempt; of 2, 6, 10 and 14 the newest 3 stay.
        #expect(updates == [4, 6, 8, 10, 12, 14].map { RunCheckpoints.name(update: $0) }, "\(updates)")
        #expect(!epochs.isEmpty, "the tiny corpus has several epochs in 14 updates of 1024 tokens")

        // Resume from the first epoch checkpoint: the same weights at update 14.
        var noEpochs = config
        noEpochs.noEpochCheckpoints = true
        let firstEpoch = checkpoints.appendingPathComponent(epochs[0])
        try FileManager.default.createDirectory(at: again.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: firstEpoch, to: again.appendingPathComponent("checkpoints/\(epochs[0])"))
        try FileManager.default.copyItem(at: out.appendingPathComponent("sentencepiece.model"),
                                         to: again.appendingPathComponent("sentencepiece.model"))
        try RunCheckpoints(run: again).setLink(.last, to: epochs[0])
        _ = try Trainer(config: noEpochs, output: again, resume: true, overwrite: false, showProgress: false).run()
        let name = "checkpoints/\(RunCheckpoints.name(update: 14))/model.safetensors"
        #expect(try Data(contentsOf: out.appendingPathComponent(name)) == Data(contentsOf: again.appendingPathComponent(name)))
        let resumedNames = try FileManager.default.contentsOfDirectory(atPath: again.appendingPathComponent("checkpoints").path)
        #expect(resumedNames.filter { $0.hasPrefix("epoch-") } == [epochs[0]], "--no-epoch-checkpoints writes none")
    }

    /// A checkpoint write that fills the disk (a 3 MB tmpfs holds the tokenizer and a few
    /// checkpoints of the tiny model) stops training with an error naming the
    /// file and the system's reason; `last` still names the previous checkpoint, which
    /// loads, and no temporary directory is left.
    @Test(.enabled(if: TemporaryMount.isPossible, "needs permission to mount a tmpfs"))
    func aFullDiskDuringACheckpointWriteLeavesLastLoadable() throws {
        let mount = try TemporaryMount(name: "full", options: "size=3m")
        defer { mount.remove() }
        var config = try Self.config(maxUpdate: 20)
        config.validateIntervalUpdates = 100
        config.saveIntervalUpdates = 2
        config.noEpochCheckpoints = true
        let out = mount.directory.appendingPathComponent("run")
        let error = #expect(throws: (any Error).self) {
            try Trainer(config: config, output: out, resume: false, overwrite: false, showProgress: false).run()
        }
        let message = (error as? LocalizedError)?.errorDescription ?? ""
        #expect(message.contains("No space left on device") && message.contains(out.path), "\(message)")
        let checkpoints = out.appendingPathComponent("checkpoints")
        let last = try FileManager.default.destinationOfSymbolicLink(atPath: checkpoints.appendingPathComponent("last").path)
        #expect(last.hasPrefix("update-") && message.contains("/.update-"), "the write that failed came after \(last)")
        _ = try ModelCheckpoint(directory: checkpoints.appendingPathComponent(last))
        let left = try FileManager.default.contentsOfDirectory(atPath: checkpoints.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "temporary files left: \(left)")
    }

    /// A read-only output (a new run directory on a read-only file system, or an existing
    /// one) is refused before any training, in one sentence; root's bypass of permission
    /// bits does not apply to a read-only mount, so this holds for every user.
    @Test(.enabled(if: TemporaryMount.isPossible, "needs permission to mount a tmpfs"))
    func aReadOnlyOutputIsRefusedBeforeTraining() throws {
        let mount = try TemporaryMount(name: "ro", options: "size=1m")
        defer { mount.remove() }
        let existing = mount.directory.appendingPathComponent("existing")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: false)
        try mount.remountReadOnly()
        for out in [mount.directory.appendingPathComponent("new/run"), existing] {
            let error = #expect(throws: TrainingError.self) {
                try Trainer(config: try Self.config(maxUpdate: 2), output: out, resume: false, overwrite: false, showProgress: false)
            }
            guard case .outputNotWritable(let directory, let reason)? = error else { Issue.record("got \(String(describing: error))"); continue }
            #expect(directory == out.path && reason.contains("Read-only file system"), "\(reason)")
            #expect(error?.localizedDescription.hasPrefix("cannot write to the run directory \(out.path): ") == true)
        }
    }
}

/// A tmpfs mounted on a new temporary directory for one test (fault trials of full and
/// read-only file systems); needs the permission to mount, which CI's root has.
struct TemporaryMount {
    let directory: URL

    static let isPossible: Bool = {
        guard let probe = try? TemporaryMount(name: "probe", options: "size=64k") else { return false }
        probe.remove()
        return true
    }()

    init(name: String, options: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-mount-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", options, "tmpfs", directory.path])
        guard result.status == 0 else {
            try? FileManager.default.removeItem(at: directory)
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSLocalizedDescriptionKey: result.error])
        }
    }

    func remountReadOnly() throws {
        let result = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-o", "remount,ro", directory.path])
        #expect(result.status == 0, "\(result.error)")
    }

    func remove() {
        _ = try? runProcess(URL(fileURLWithPath: "/bin/umount"), [directory.path])
        try? FileManager.default.removeItem(at: directory)
    }
}
