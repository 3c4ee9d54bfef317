import Foundation
import Tensor
import Tokenizer
import Transformer

/// Scores the model on the validation set: BLEU of its translations of `sources`
/// (decoded, detokenized) against `references`. Supplied by the caller, so that this
/// module does not depend on search and evaluation.
public typealias BLEUValidator = (_ model: TransformerModel, _ tokenizer: any SentenceTokenizer) throws -> Double

/// One validation: the criterion's loss and −log p per target token (in bits) over the
/// validation set, and BLEU when a validator is given.
struct ValidationResult {
    var loss: Double
    var nll: Double
    var bleu: Double?

    /// The validation loss and BLEU of `model` (inference mode: no dropout).
    static func measure(model: TransformerModel, tokenizer: any SentenceTokenizer, batcher: Batcher, criterion: Criterion,
                        bleuValidator: BLEUValidator?, workspace: Workspace) throws -> ValidationResult {
        let pad = model.config.padID, eos = model.config.eosID
        var total = CriterionResult.zero
        for indices in batcher.batches(epoch: 0) {
            workspace.reset()
            let batch = batcher.batch(indices, padID: pad, eosID: eos)
            try model.validate(batch)
            let logits = model.forward(batch, mode: .inference, workspace: workspace)
            total += batch.packedTarget.withUnsafeBufferPointer { criterion.loss(logits: logits, targets: $0.baseAddress!, padID: pad) }
        }
        let tokens = Double(max(total.tokens, 1))
        return ValidationResult(loss: total.loss / tokens / Foundation.log(2.0), nll: total.nll / tokens / Foundation.log(2.0),
                                bleu: try bleuValidator?(model, tokenizer))
    }

    /// Records this result in `progress` and says whether it is the best so far: by BLEU
    /// when there is one (higher is better), else by validation loss (lower is better).
    /// Counts validations without improvement, for `patience`.
    func isBest(updating progress: inout TrainingProgress) -> Bool {
        let best: Bool
        if let bleu {
            best = progress.bestBLEU.map { bleu > $0 } ?? true
            if best { progress.bestBLEU = bleu }
        } else {
            best = progress.bestValidLoss.map { loss < $0 } ?? true
            if best { progress.bestValidLoss = loss }
        }
        if best {
            progress.bestUpdate = progress.update
            progress.validationsWithoutImprovement = 0
        } else {
            progress.validationsWithoutImprovement += 1
        }
        return best
    }
}
