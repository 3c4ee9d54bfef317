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

    /// fairseq's `--checkpoint-upper-bound` and the interval filter: the last N checkpoints at
    /// or below an update, at multiples of an interval, or both; too few is an error saying
    /// which checkpoints were counted.
    @Test func lastUpdateCheckpointsBelowABoundAndAtAnInterval() throws {
        let run = RunCheckpoints(run: Self.run)
        func names(_ count: Int, upperBound: Int? = nil, multipleOf: Int? = nil) throws -> [Int] {
            try run.lastUpdateCheckpoints(count: count, upperBound: upperBound, multipleOf: multipleOf)
                .map { Int($0.lastPathComponent.dropFirst(RunCheckpoints.updatePrefix.count))! }
        }
        #expect(try names(2, upperBound: 3) == [2, 3])
        #expect(try names(2, multipleOf: 2) == [2, 4])
        #expect(try names(1, upperBound: 3, multipleOf: 2) == [2])
        #expect(try names(3, upperBound: 100) == [2, 3, 4])
        let error = #expect(throws: CheckpointError.self) { try names(2, upperBound: 3, multipleOf: 2) }
        #expect(error == .tooFewCheckpoints(run: Self.run.path, wanted: 2, found: 1, upperBound: 3, multipleOf: 2))
        #expect(error?.errorDescription == "\(Self.run.path) has 1 update checkpoints at or below update 3 at multiples of 2 updates, fewer than the 2 asked for")
        #expect(run.update(of: .last) == 4)
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
        let boundWithoutRun = try runProcess(nmt, ["average", Self.run.path + "/checkpoints/update-00000001", "--update-multiple-of", "2", "-o", output.path + "-2"])
        #expect(boundWithoutRun.status == 64 && boundWithoutRun.error.contains("give --run"), "\(boundWithoutRun.error)")
    }

    /// `--checkpoint-upper-bound best --update-multiple-of 2` averages the checkpoints at even
    /// updates ending at the run's best one, whichever update that is.
    @Test func theCommandAveragesTheCheckpointsEndingAtTheBest() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-averaged-best-\(getpid())")
        defer { try? FileManager.default.removeItem(at: output) }
        let run = RunCheckpoints(run: Self.run)
        let best = try #require(run.update(of: .best))
        let even = (1...4).filter { $0 % 2 == 0 && $0 <= best }
        try #require(!even.isEmpty, "the run's best checkpoint is update \(best)")
        let result = try runProcess(builtProduct("nmt"), [
            "average", "--run", Self.run.path, "--num-update-checkpoints", "1", "--checkpoint-upper-bound", "best",
            "--update-multiple-of", "2", "-o", output.path,
        ])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.error.contains("(\(RunCheckpoints.name(update: even.last!)))"), "\(result.error)")
        let averaged = try ModelCheckpoint(directory: output)
        let expected = try Self.checkpoint(even.last!)
        #expect((0..<averaged.model.parameterCount).allSatisfy { averaged.model.parameters.base[$0] == expected.model.parameters.base[$0] })
    }
}
