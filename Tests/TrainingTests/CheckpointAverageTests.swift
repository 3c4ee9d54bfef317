import Checkpoints
import Foundation
import Testing
import TestSupport
@testable import Training
import Transformer

/// `nmt average` and `CheckpointAverage`: the arithmetic, the refusals and the command line.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CheckpointAverageTests {
    /// A tiny run with a checkpoint after every update, shared by the tests.
    static let run: URL = {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-average-\(getpid())")
        try? FileManager.default.removeItem(at: out)
        var config = try! TrainerFaultTests.config(maxUpdate: 4)
        config.saveIntervalUpdates = 1
        config.noEpochCheckpoints = true
        _ = try! Trainer(config: config, output: out, resume: false, overwrite: false, showProgress: false).run()
        return out
    }()

    static func checkpoint(_ update: Int) throws -> ModelCheckpoint {
        try ModelCheckpoint(directory: run.appendingPathComponent("checkpoints/\(RunCheckpoints.name(update: update))"))
    }

    /// Every element is the mean of the checkpoints' elements, summed in double precision
    /// and rounded once; the average of one checkpoint is that checkpoint.
    @Test func theAverageIsTheElementwiseMean() throws {
        let checkpoints = try [2, 3, 4].map(Self.checkpoint)
        let average = try CheckpointAverage.mean(of: checkpoints)
        let count = average.parameterCount
        var mismatches = 0, moved = 0
        for i in 0..<count {
            let values = checkpoints.map { Double($0.model.parameters.base[i]) }
            let expected = Float((values[0] + values[1] + values[2]) / 3)
            if average.parameters.base[i].bitPattern != expected.bitPattern { mismatches += 1 }
            if values[0] != values[2] { moved += 1 }
        }
        #expect(mismatches == 0)
        #expect(moved > count / 2, "the checkpoints differ, so the test means something")
        let single = try CheckpointAverage.mean(of: [try Self.checkpoint(3)])
        #expect((0..<count).allSatisfy { single.parameters.base[$0] == checkpoints[1].model.parameters.base[$0] })
    }

    /// The last N update checkpoints of a run, oldest first; asking for more than there are
    /// is an error naming the run.
    @Test func lastUpdateCheckpointsOfARun() throws {
        let names = try RunCheckpoints(run: Self.run).lastUpdateCheckpoints(count: 3).map(\.lastPathComponent)
        #expect(names == [2, 3, 4].map { RunCheckpoints.name(update: $0) })
        #expect(throws: CheckpointError.tooFewCheckpoints(run: Self.run.path, wanted: 9, found: 4)) {
            try RunCheckpoints(run: Self.run).lastUpdateCheckpoints(count: 9)
        }
    }

    /// Checkpoints of different models or tokenizers are refused, naming both.
    @Test func differentModelsOrTokenizersAreRefused() throws {
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-average-other-\(getpid())")
        defer { try? FileManager.default.removeItem(at: other) }
        var config = try TrainerFaultTests.config(maxUpdate: 1)
        config.vocabSize = 300
        _ = try Trainer(config: config, output: other, resume: false, overwrite: false, showProgress: false).run()
        let foreign = try ModelCheckpoint(directory: other.appendingPathComponent("checkpoints/last").resolvingSymlinksInPath())
        let mine = try Self.checkpoint(4)
        let error = #expect(throws: CheckpointError.self) { try CheckpointAverage.mean(of: [mine, foreign]) }
        guard case .incompatible(let first, let second, let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(first == mine.directory.path && second == foreign.directory.path)
        #expect(reason.contains("sourceVocabularySize 400 ≠ 300"), "\(reason)")
    }

    /// `nmt average --run … --num-update-checkpoints 2 -o DIR` writes a checkpoint that
    /// loads and holds the mean; an existing output is refused and left alone.
    @Test func theCommandWritesALoadableCheckpoint() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-averaged-\(getpid())")
        defer { try? FileManager.default.removeItem(at: output) }
        let nmt = builtProduct("nmt")
        let result = try runProcess(nmt, ["average", "--run", Self.run.path, "--num-update-checkpoints", "2", "-o", output.path])
        #expect(result.status == 0, "\(result.error)")
        let averaged = try ModelCheckpoint(directory: output)
        let expected = try CheckpointAverage.mean(of: [try Self.checkpoint(3), try Self.checkpoint(4)])
        #expect((0..<expected.parameterCount).allSatisfy { averaged.model.parameters.base[$0] == expected.parameters.base[$0] })
        let again = try runProcess(nmt, ["average", Self.run.path + "/checkpoints/update-00000001", "-o", output.path])
        #expect(again.status == 1 && again.error == "nmt: error: \(output.path) already exists; name a new directory\n")
        let usage = try runProcess(nmt, ["average", "-o", output.path])
        #expect(usage.status == 64, "\(usage.error)")
    }
}
