import Checkpoints
import Foundation
import Testing
@testable import Training

/// `--patience N`: training stops at the (N + 1)-th validation in a row without a better
/// BLEU (fairseq's `--patience N + 1`), a tie not being better; a resumed run whose
/// patience ran out does not train on, and a larger patience continues it. The BLEU of
/// each validation is scripted, so the stopping point does not depend on what the tiny
/// model learns.
@Suite(.serialized, .timeLimit(.minutes(10))) struct PatienceTests {
    /// Hands out the scripted BLEU of each validation in turn.
    final class ScriptedBLEU {
        var values: [Double]
        private(set) var calls = 0
        init(_ values: [Double]) { self.values = values }
        func next() -> Double {
            defer { calls += 1 }
            return values[calls]
        }
    }

    static func trainer(_ output: URL, patience: Int, resume: Bool, bleu: ScriptedBLEU) throws -> Trainer {
        var config = try TrainerFaultTests.config(maxUpdate: 30)
        config.validateIntervalUpdates = 1
        config.patience = patience
        config.noEpochCheckpoints = true
        let trainer = try Trainer(config: config, output: output, resume: resume, overwrite: false, showProgress: false)
        trainer.bleuValidator = { _, _ in bleu.next() }
        return trainer
    }

    @Test func patienceCountsValidationsWithoutABetterBLEU() throws {
        let out = TrainerFaultTests.output("patience")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = RunCheckpoints(run: out)

        // Validations after updates 1, 2, …: 10 and 12 are bests; 11, 12 (a tie) and 11 are
        // three without a better BLEU, more than patience 2, so update 5 is the last.
        let first = ScriptedBLEU([10, 12, 11, 12, 11, 99])
        let stopped = try Self.trainer(out, patience: 2, resume: false, bleu: first).run()
        #expect(stopped.stopReason == .patience)
        #expect(stopped.updates == 5 && first.calls == 5)
        #expect(stopped.bestBLEU == 12)
        #expect(run.target(of: .best) == RunCheckpoints.name(update: 2))
        #expect(run.target(of: .last) == RunCheckpoints.name(update: 5))

        // Resumed with the same patience: nothing to train, no validation, the same end.
        let again = ScriptedBLEU([99])
        let resumed = try Self.trainer(out, patience: 2, resume: true, bleu: again).run()
        #expect(resumed.stopReason == .patience && resumed.updates == 5 && again.calls == 0)
        #expect(run.target(of: .last) == RunCheckpoints.name(update: 5))
        let log = try String(contentsOf: out.appendingPathComponent("train.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").last?.contains("\"stop_reason\": \"patience\"") == true)

        // A larger patience continues it: 13 at update 6 is a best, then five without a
        // better BLEU (ties among them) are more than patience 4, so update 11 is the last.
        let more = ScriptedBLEU([13, 13, 12, 13, 10, 13, 99])
        let continued = try Self.trainer(out, patience: 4, resume: true, bleu: more).run()
        #expect(continued.stopReason == .patience)
        #expect(continued.updates == 11 && more.calls == 6)
        #expect(continued.bestBLEU == 13)
        #expect(run.target(of: .best) == RunCheckpoints.name(update: 6))
    }

    /// −1 never stops; 0 stops at the first validation that is not better.
    @Test func theRuleAtItsEdges() throws {
        var config = try TrainerFaultTests.config(maxUpdate: 1)
        var progress = TrainingProgress()
        progress.validationsWithoutImprovement = 1_000
        config.patience = -1
        #expect(!StopReason.patienceRanOut(config, progress: progress))
        config.patience = 0
        progress.validationsWithoutImprovement = 0
        #expect(!StopReason.patienceRanOut(config, progress: progress))
        progress.validationsWithoutImprovement = 1
        #expect(StopReason.patienceRanOut(config, progress: progress))
        config.patience = 5
        progress.validationsWithoutImprovement = 5
        #expect(!StopReason.patienceRanOut(config, progress: progress), "5 without a better BLEU: fairseq's --patience 5 would stop here")
        progress.validationsWithoutImprovement = 6
        #expect(StopReason.patienceRanOut(config, progress: progress))
    }
}
