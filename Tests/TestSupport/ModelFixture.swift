import Foundation
import Tensor
import Transformer

/// A tiny model and a padded batch for gradient and equivalence tests.
public enum Fixture {
    public static func config(preNorm: Bool, sharing: EmbeddingSharing, activation: ActivationKind = .gelu,
                       vocabulary: Int = 13) -> TransformerConfig {
        TransformerConfig(sourceVocabularySize: vocabulary, targetVocabularySize: vocabulary, modelDim: 8, heads: 2,
                          ffnDim: 12, encoderLayers: 2, decoderLayers: 2, dropout: 0, normalizeBefore: preNorm,
                          sharing: sharing, maxPositions: 32, activation: activation, padID: 0, eosID: 3)
    }

    public static func model(_ config: TransformerConfig, seed: UInt64 = 7) throws -> TransformerModel {
        let model = try TransformerModel(config: config)
        model.initializeParameters(seed: seed)
        return model
    }

    /// Three sentence pairs of different lengths, so both sides have padding.
    public static func batch(vocabulary: Int = 13) -> Batch {
        let v = Int32(vocabulary)
        func ids(_ xs: [Int32]) -> [Int32] { xs.map { 4 + ($0 % (v - 4)) } }
        return Batch(sources: [ids([1, 2, 3, 4, 5]), ids([6, 7]), ids([8, 9, 10])],
                     targets: [ids([11, 12, 1]), ids([2, 3, 4, 5, 6]), ids([7])],
                     padID: 0, eosID: 3)
    }
}

/// Summed cross-entropy over non-pad targets in Double, and its gradient written into
/// `logits` (a test-local criterion, independent of the Training module).
public func crossEntropy(_ logits: Tensor, targets: [Int32], pad: Int32, writeGradient: Bool) -> Double {
    let v = logits.shape.last
    var total = 0.0
    for r in 0..<logits.shape.rows {
        let row = logits.data + r * v
        guard targets[r] != pad else {
            if writeGradient { row.update(repeating: 0, count: v) }
            continue
        }
        let m = (0..<v).map { Double(row[$0]) }.max()!
        let s = (0..<v).reduce(0.0) { $0 + Foundation.exp(Double(row[$1]) - m) }
        let lse = m + Foundation.log(s)
        total += lse - Double(row[Int(targets[r])])
        if writeGradient {
            for c in 0..<v {
                row[c] = Float(Foundation.exp(Double(row[c]) - lse)) - (c == Int(targets[r]) ? 1 : 0)
            }
        }
    }
    return total
}
