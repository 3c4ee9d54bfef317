import Dispatch
import Distributed
import Tensor
import Transformer

/// One optimizer update over the batches of an update (fairseq's update_freq): forward,
/// criterion and backward per batch, the batches' gradients summed, then divided by the
/// update's target tokens (fairseq's normalisation), clipped, and one AdamW step. The
/// products run in `precision`; gradients, their sums and the optimizer are fp32 always.
///
/// The batches' gradients are summed in a fixed order, left to right, each computed from
/// zero (g₀ + g₁, then + g₂ …), not accumulated inside the backward passes: so the sum
/// of one rank's batches is the same whether its batches were computed here or on other
/// ranks and added by the all-reduce. Two ranks with one batch each therefore give
/// bitwise the gradients of one rank with both (a single addition per element commutes).
public enum UpdateStep {
    /// One process: returns the summed criterion statistics, or nil, with the parameters
    /// unchanged, when the loss or a gradient is not finite (the caller skips the update).
    /// `inspectGradients` sees (and may change) the normalised gradients before that check;
    /// tests use it to inject faults.
    public static func run(model: TransformerModel, optimizer: AdamW, criterion: Criterion, batches: [Batch],
                           seed: UInt64, update: Int, updateFreq: Int, lr: Float, clipNorm: Float,
                           precision: ProductPrecision = .fp32, workspace: Workspace,
                           inspectGradients: ((ParameterArena) -> Void)? = nil) -> CriterionResult? {
        let accumulator = batches.count > 1 ? ParameterArena(table: model.table) : nil
        // A single process's collectives are identities and cannot fail.
        return try! run(model: model, optimizer: optimizer, criterion: criterion, batches: batches, seed: seed, update: update,
                        batchesInUpdate: updateFreq, firstBatch: 0, lr: lr, clipNorm: clipNorm, precision: precision, workspace: workspace,
                        accumulator: accumulator, communicator: SingleProcess(), inspectGradients: inspectGradients)
    }

    /// This rank's share of an update: `batches` are the update's batches `firstBatch`
    /// ..< firstBatch + batches.count of `batchesInUpdate` in all (every rank's: update_freq
    /// × ranks), possibly none.
    /// The gradients and statistics are summed over the ranks by `communicator` before
    /// the normalisation, so every rank takes the same AdamW step.
    /// - Parameter accumulator: scratch gradients, needed when `batches` holds more than one.
    /// - Throws: the communicator's errors.
    public static func run(model: TransformerModel, optimizer: AdamW, criterion: Criterion, batches: [Batch],
                           seed: UInt64, update: Int, batchesInUpdate: Int, firstBatch: Int, lr: Float, clipNorm: Float,
                           precision: ProductPrecision = .fp32, workspace: Workspace, accumulator: ParameterArena?, communicator: any Communicator,
                           allReduceClock: AllReduceClock? = nil,
                           inspectGradients: ((ParameterArena) -> Void)? = nil) throws -> CriterionResult? {
        let gradients = model.gradients
        let count = model.table.count
        gradients.zero()
        var stats = CriterionResult.zero
        for (local, batch) in batches.enumerated() {
            if local > 0 {
                guard let accumulator else { preconditionFailure("UpdateStep: \(batches.count) batches need an accumulator") }
                // The running sum moves to the accumulator; the next batch starts from zero.
                if local == 1 {
                    accumulator.flat.copy(from: gradients.flat)
                } else {
                    Elementwise.add(accumulator.flat, gradients.flat, into: accumulator.flat)
                }
                gradients.zero()
            }
            workspace.reset()
            // Dropout masks are keyed by (update, batch within the update): a resumed run
            // draws the same masks, whatever rank computes the batch.
            let step = UInt64(update) &* UInt64(batchesInUpdate) &+ UInt64(firstBatch + local)
            let logits = model.forward(batch, mode: .training(seed: seed, step: step), precision: precision,
                                       workspace: workspace)
            stats += batch.packedTarget.withUnsafeBufferPointer {
                criterion.evaluate(logits: logits, targets: $0.baseAddress!, padID: model.config.padID)
            }
            model.backward(logits, workspace: workspace)
        }
        if batches.count > 1, let accumulator {
            // gₗₐₛₜ + (g₀ + … ) equals (g₀ + …) + gₗₐₛₜ exactly: addition commutes.
            Elementwise.add(gradients.flat, accumulator.flat, into: gradients.flat)
        }
        if communicator.size > 1 {
            let started = DispatchTime.now().uptimeNanoseconds
            defer { allReduceClock?.seconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
            try communicator.allReduceSum(gradients.base, count: count, operation: "all-reduce of the gradients, update \(update + 1)")
            var totals = [stats.loss, stats.nll, Double(stats.tokens)]
            try communicator.allReduceSum(&totals, operation: "all-reduce of the loss, update \(update + 1)")
            stats = CriterionResult(loss: totals[0], nll: totals[1], tokens: Int(totals[2]))
        }
        GradientArena.scale(gradients, by: 1 / Float(max(stats.tokens, 1)))
        inspectGradients?(gradients)
        guard stats.loss.isFinite, GradientArena.isFinite(gradients) else { return nil }
        GradientArena.clip(gradients, maxNorm: clipNorm)
        optimizer.update(parameters: model.parameters, gradients: gradients, lr: lr)
        return stats
    }
}

/// Seconds spent in the gradient and loss all-reduces, summed (the log reports them per
/// update beside the update's time).
public final class AllReduceClock {
    public var seconds = 0.0
    public init() {}
}
