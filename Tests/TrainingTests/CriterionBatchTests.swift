import Foundation
import Testing
import TestSupport
import Tensor
@testable import Training

/// Batch-level properties (fairseq's criterion tests): padding invariance, reduced equals
/// the sum, and determinism across thread counts.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CriterionBatchTests {
    static let criteria: [Criterion] = [.labo(alpha: 0.1, tau: 2), .labelSmoothed(alpha: 0.1), .crossEntropy]
    static let padID: Int32 = 1

    /// Three sentences of lengths 5, 9 and 2, right-padded to 9 positions.
    struct PaddedBatch {
        let vocab = 19, length = 9
        let lengths = [5, 9, 2]
        var logits: [Float] = []
        var targets: [Int32] = []

        init(seed: UInt64) {
            var rng = TestRandom(seed: seed)
            logits = rng.floats(lengths.count * length * vocab, -4, 4)
            for n in lengths {
                for t in 0..<length {
                    // Real targets avoid the padding id, as in a real batch.
                    var id = Int32(rng.index(vocab))
                    if id == CriterionBatchTests.padID { id = 0 }
                    targets.append(t < n ? id : CriterionBatchTests.padID)
                }
            }
        }

        /// Logits and targets of sentence `s` without its padding.
        func sentence(_ s: Int) -> (logits: [Float], targets: [Int32]) {
            let start = s * length, n = lengths[s]
            return (Array(logits[(start * vocab)..<((start + n) * vocab)]), Array(targets[start..<(start + n)]))
        }
    }

    @Test(arguments: criteria)
    func paddedBatchEqualsSumOverSentences(criterion: Criterion) {
        let batch = PaddedBatch(seed: 12)
        let whole = run(criterion, logits: batch.logits, vocab: batch.vocab, targets: batch.targets, padID: Self.padID)
        var sum = CriterionResult.zero
        for s in batch.lengths.indices {
            let sentence = batch.sentence(s)
            let part = run(criterion, logits: sentence.logits, vocab: batch.vocab, targets: sentence.targets,
                           padID: Self.padID)
            sum += part.result
            let start = s * batch.length * batch.vocab
            let rows = Array(whole.grad[start..<(start + sentence.logits.count)])
            expectBitwiseEqual(rows, part.grad, "\(criterion.kind.rawValue) sentence \(s) gradient in the batch")
        }
        #expect(whole.result.tokens == batch.lengths.reduce(0, +))
        #expect(sum.tokens == whole.result.tokens)
        expectClose(whole.result.loss, sum.loss, atol: 0, rtol: 1e-12, "\(criterion.kind.rawValue) padded loss vs Σ sentences")
        expectClose(whole.result.nll, sum.nll, atol: 0, rtol: 1e-12, "\(criterion.kind.rawValue) padded nll vs Σ sentences")
        // Padding rows: exactly zero gradient.
        for (r, t) in batch.targets.enumerated() where t == Self.padID {
            let row = whole.grad[(r * batch.vocab)..<((r + 1) * batch.vocab)]
            #expect(row.allSatisfy { $0 == 0 }, "\(criterion.kind.rawValue): padding row \(r) has a non-zero gradient")
        }
    }

    /// The reduced loss equals the sum of the per-token losses, each computed alone.
    @Test(arguments: criteria)
    func reducedEqualsSumOfTokens(criterion: Criterion) {
        let batch = PaddedBatch(seed: 13)
        let whole = lossOnly(criterion, logits: batch.logits, vocab: batch.vocab, targets: batch.targets, padID: Self.padID)
        var sum = CriterionResult.zero
        for r in batch.targets.indices {
            let row = Array(batch.logits[(r * batch.vocab)..<((r + 1) * batch.vocab)])
            sum += lossOnly(criterion, logits: row, vocab: batch.vocab, targets: [batch.targets[r]], padID: Self.padID).result
        }
        #expect(sum.tokens == whole.result.tokens)
        expectClose(whole.result.loss, sum.loss, atol: 0, rtol: 1e-12, "\(criterion.kind.rawValue) reduced vs Σ tokens")
    }

    /// 1 and 2 threads: bitwise the same gradient and the same sums (partials are fixed
    /// blocks of rows, added in order, whatever the thread count).
    @Test(arguments: criteria)
    func deterministicAcrossThreadCounts(criterion: Criterion) {
        var rng = TestRandom(seed: 21)
        let vocab = 37, rows = 203
        let logits = rng.floats(rows * vocab, -5, 5)
        let targets = (0..<rows).map { r in r % 11 == 0 ? Self.padID : Int32(rng.index(vocab)) }
        let one = withThreads(1) { run(criterion, logits: logits, vocab: vocab, targets: targets, padID: Self.padID) }
        let two = withThreads(2) { run(criterion, logits: logits, vocab: vocab, targets: targets, padID: Self.padID) }
        let twoAgain = withThreads(2) { run(criterion, logits: logits, vocab: vocab, targets: targets, padID: Self.padID) }
        #expect(one.result == two.result, "\(criterion.kind.rawValue): 1 thread \(one.result), 2 threads \(two.result)")
        #expect(two.result == twoAgain.result)
        expectBitwiseEqual(one.grad, two.grad, "\(criterion.kind.rawValue) gradient, 1 vs 2 threads")
        expectBitwiseEqual(two.grad, twoAgain.grad, "\(criterion.kind.rawValue) gradient, 2 threads twice")
    }
}

extension Criterion: CustomTestStringConvertible {
    public var testDescription: String { "\(kind.rawValue) α=\(alpha) τ=\(tau)" }
}
