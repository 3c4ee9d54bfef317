import Tensor
import Transformer

/// The log-probabilities a model gives to given translations (fairseq-score style).
public struct ForcedScore: Equatable, Sendable {
    /// (target.count + 1) log-probabilities: each target token, then eos.
    public var positionalScores: [Float]

    /// Σ log p over the target and eos: the unnormalised score search reports.
    public var sum: Float { positionalScores.reduce(0, +) }
    /// The sum per scored token (eos counted).
    public var average: Float { sum / Float(positionalScores.count) }
}

/// Forced decoding: the decoder reads eos followed by the target and the score of each
/// position is the log-probability of the next target token, then of eos (fairseq's
/// convention). Two routes that must agree: the full forward pass, and a `Scorer` stepped
/// through the target (for a `ModelScorer`, the incremental decoder).
public enum ForcedDecoding {
    /// Scores with one full forward pass per call. Sources and targets are ids without
    /// eos; throws if a sentence exceeds the model's positions or vocabulary. With `int8`
    /// (the model's `makeInt8Weights()`), the layer products run in int8.
    public static func score(sources: [[Int32]], targets: [[Int32]], model: TransformerModel,
                             int8: Int8Weights? = nil) throws -> [ForcedScore] {
        try score(sources: sources, targets: targets, model: model, int8: int8) { _, _ in }
    }

    /// As `score(sources:targets:model:int8:)`, and adds every scored position (targets, then
    /// eos) to `calibration`.
    public static func score(sources: [[Int32]], targets: [[Int32]], model: TransformerModel,
                             int8: Int8Weights? = nil, calibration: inout TokenCalibration) throws -> [ForcedScore] {
        try score(sources: sources, targets: targets, model: model, int8: int8) { row, reference in
            calibration.add(logProbabilities: row, reference: reference)
        }
    }

    /// The full forward pass; `visit` sees each scored position's log-softmax row (V values)
    /// and its reference index, in sentence order.
    private static func score(sources: [[Int32]], targets: [[Int32]], model: TransformerModel, int8: Int8Weights?,
                              visit: (UnsafeBufferPointer<Float>, Int) -> Void) throws -> [ForcedScore] {
        guard sources.count == targets.count else {
            throw SearchError.sentenceCountMismatch(sources: sources.count, targets: targets.count)
        }
        guard !sources.isEmpty else { return [] }
        let config = model.config
        let batch = Batch(sources: sources, targets: targets, padID: config.padID, eosID: config.eosID)
        try model.validate(batch)
        let ws = Workspace()
        let engine: ProductEngine = int8.map { .int8(weights: $0) } ?? .fp32
        let logits = model.forward(batch, mode: .inference, engine: engine, workspace: ws)     // (N, V), packed rows
        Softmax.logSoftmaxForward(logits, into: logits)
        let v = config.targetVocabularySize
        for r in batch.packedTarget.indices {
            visit(UnsafeBufferPointer(start: logits.data + r * v, count: v), Int(batch.packedTarget[r]))
        }
        var row = 0
        return (0..<batch.size).map { b in
            let start = row
            row += Int(batch.targetLengths[b])
            return ForcedScore(positionalScores: (start..<row).map { r in
                logits.data[r * v + Int(batch.packedTarget[r])]
            })
        }
    }

    /// Scores by stepping `scorer` through every target, one row per sentence.
    public static func score(sources: [[Int32]], targets: [[Int32]], scorer: Scorer) throws -> [ForcedScore] {
        guard sources.count == targets.count else {
            throw SearchError.sentenceCountMismatch(sources: sources.count, targets: targets.count)
        }
        guard !sources.isEmpty else { return [] }
        let steps = targets.map(\.count).max()! + 1
        if steps > scorer.maxSteps, let b = targets.firstIndex(where: { $0.count + 1 > scorer.maxSteps }) {
            throw ModelError.sequenceTooLong(side: "target", sentence: b, length: targets[b].count + 1,
                                             maxPositions: scorer.maxSteps)
        }
        try scorer.start(sources: sources, hypothesesPerSentence: 1, steps: steps)
        let v = scorer.vocabularySize, eos = scorer.eosID
        var scores = [[Float]](repeating: [], count: sources.count)
        for i in 0..<steps {
            // Sentences whose target is scored keep being fed eos; their outputs are unused.
            let inputs = targets.map { i == 0 || i > $0.count ? eos : $0[i - 1] }
            let logProbabilities = scorer.step(tokens: inputs)
            for (b, target) in targets.enumerated() where i <= target.count {
                let next = i < target.count ? target[i] : eos
                scores[b].append(logProbabilities.data[b * v + Int(next)])
            }
        }
        return scores.map { ForcedScore(positionalScores: $0) }
    }
}
