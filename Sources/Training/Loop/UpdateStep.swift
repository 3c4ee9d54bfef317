import Tensor
import Transformer

/// One optimizer update over the batches of an update (fairseq's update_freq): forward,
/// criterion and backward per batch with gradients accumulated, then the gradients of the
/// summed loss divided by the update's target tokens (fairseq's normalisation), clipped,
/// and one AdamW step.
public enum UpdateStep {
    /// Returns the summed criterion statistics, or nil, with the parameters unchanged, when
    /// the loss or a gradient is not finite (the caller skips the update).
    /// `inspectGradients` sees (and may change) the normalised gradients before that check;
    /// tests use it to inject faults.
    public static func run(model: TransformerModel, optimizer: AdamW, criterion: Criterion, batches: [Batch],
                           seed: UInt64, update: Int, updateFreq: Int, lr: Float, clipNorm: Float,
                           workspace: Workspace, inspectGradients: ((ParameterArena) -> Void)? = nil) -> CriterionResult? {
        model.gradients.zero()
        var stats = CriterionResult.zero
        for (micro, batch) in batches.enumerated() {
            workspace.reset()
            // Dropout masks are keyed by (update, batch within the update): a resumed run
            // draws the same masks.
            let step = UInt64(update) &* UInt64(updateFreq) &+ UInt64(micro)
            let logits = model.forward(batch, mode: .training(seed: seed, step: step), workspace: workspace)
            stats += batch.packedTarget.withUnsafeBufferPointer {
                criterion.evaluate(logits: logits, targets: $0.baseAddress!, padID: model.config.padID)
            }
            model.backward(logits, workspace: workspace)
        }
        GradientArena.scale(model.gradients, by: 1 / Float(max(stats.tokens, 1)))
        inspectGradients?(model.gradients)
        guard stats.loss.isFinite, GradientArena.isFinite(model.gradients) else { return nil }
        GradientArena.clip(model.gradients, maxNorm: clipNorm)
        optimizer.update(parameters: model.parameters, gradients: model.gradients, lr: lr)
        return stats
    }
}
