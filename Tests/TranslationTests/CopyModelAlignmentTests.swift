import Foundation
import Testing
import Tensor
import TestSupport
import Transformer
@testable import Translation

/// A tiny model trained here to copy its source: its translation is the source, and its
/// hard alignment points each target token at the source token it copies.
@Suite(.timeLimit(.minutes(10))) struct CopyModelAlignmentTests {
    /// Trains with Adam (a test-local optimizer, independent of Training) on random
    /// sequences of 3–6 ids from 4…15.
    static func copyModel() throws -> TransformerModel {
        let config = TransformerConfig(sourceVocabularySize: 16, targetVocabularySize: 16, modelDim: 32, heads: 2, ffnDim: 64,
                                       encoderLayers: 1, decoderLayers: 1, dropout: 0, normalizeBefore: true, sharing: .all,
                                       maxPositions: 16, activation: .relu, padID: 0, eosID: 3)
        let model = try Fixture.model(config, seed: 5)
        var random = SeededGenerator(seed: 9)
        let count = model.parameters.table.count
        var m = [Float](repeating: 0, count: count), v = [Float](repeating: 0, count: count)
        let ws = Workspace()
        for step in 1...400 {
            let sources: [[Int32]] = (0..<16).map { _ in
                (0..<Int.random(in: 3...6, using: &random)).map { _ in Int32.random(in: 4...15, using: &random) }
            }
            let batch = Batch(sources: sources, targets: sources, padID: 0, eosID: 3)
            ws.reset()
            model.gradients.zero()
            let logits = model.forward(batch, mode: .training(seed: 1, step: UInt64(step)), workspace: ws)
            _ = crossEntropy(logits, targets: batch.packedTarget, pad: 0, writeGradient: true)
            model.backward(logits, workspace: ws)
            let p = model.parameters.base, g = model.gradients.base, scale = 1 / Float(batch.packedTarget.count)
            let lr: Float = 3e-3, c1 = 1 - pow(0.9, Float(step)), c2 = 1 - pow(0.98, Float(step))
            for i in 0..<count {
                let gi = g[i] * scale
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.98 * v[i] + 0.02 * gi * gi
                p[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
            }
        }
        return model
    }

    @Test func copyModelAlignsEachTokenWithItsSource() throws {
        let model = try Self.copyModel()
        let sources: [[Int32]] = [[5, 9, 12, 7], [14, 4, 4, 11, 6], [8, 15, 10]]
        for beam in [1, 3] {
            let options = SearchOptions(beam: beam, maxLenA: 1, maxLenB: 2, alignment: true)
            let hypotheses = try Translator(model: model, options: options).translate(sources).hypotheses
            for (source, list) in zip(sources, hypotheses) {
                let best = try #require(list.first)
                #expect(best.tokens == source, "the model copies")
                #expect(best.alignment == Array(source.indices), "beam \(beam): \(best.tokens) aligned as \(best.alignment ?? [])")
            }
        }
    }
}
