import Testing
import TestSupport
@testable import Tensor
@testable import Transformer

/// The model runs on packed rows (padding left out). A sentence's logits and its share of
/// the gradients must then not depend on which other sentences share its batch.
@Suite(.timeLimit(.minutes(10))) struct PackingTests {
    @Test(arguments: [false, true])
    func sentenceResultsDoNotDependOnTheBatch(preNorm: Bool) throws {
        let config = Fixture.config(preNorm: preNorm, sharing: .none, activation: .gelu)
        let model = try Fixture.model(config)
        let batch = Fixture.batch()
        let sources = (0..<batch.size).map { b in
            Array(batch.source[(b * batch.sourceLength)..<(b * batch.sourceLength + Int(batch.sourceLengths[b]) - 1)])
        }
        let targets = (0..<batch.size).map { b in
            Array(batch.target[(b * batch.targetLength)..<(b * batch.targetLength + Int(batch.targetLengths[b]) - 1)])
        }
        let ws = Workspace()
        let v = config.targetVocabularySize
        let together = model.forward(batch, mode: .inference, workspace: ws).toArray()
        #expect(together.count == batch.targetTokenCount * v, "one logits row per real target token")
        // Gradients of Σ logits over the whole batch = the sum of each sentence's alone.
        model.gradients.zero()
        let ones = TensorStorage(Shape(batch.targetTokenCount, v), values: [Float](repeating: 1, count: together.count))
        withExtendedLifetime(ones) { model.backward(ones.tensor, workspace: ws) }
        let batchGradients = model.table.entries.map { model.gradients.view($0.name).toArray() }

        model.gradients.zero()
        for b in 0..<batch.size {
            ws.reset()
            let alone = Batch(sources: [sources[b]], targets: [targets[b]], padID: config.padID, eosID: config.eosID)
            let logits = model.forward(alone, mode: .inference, workspace: ws)
            let row = batch.packedTargetRow(sentence: b, position: 0)
            expectClose(logits.toArray(), Array(together[(row * v)..<((row + Int(batch.targetLengths[b])) * v)]),
                        atol: 1e-5, rtol: 1e-5, "sentence \(b) alone vs in the batch")
            let onesAlone = TensorStorage(Shape(alone.targetTokenCount, v), values: [Float](repeating: 1, count: logits.count))
            withExtendedLifetime(onesAlone) { model.backward(onesAlone.tensor, workspace: ws) }
        }
        for (entry, expected) in zip(model.table.entries, batchGradients) {
            expectClose(model.gradients.view(entry.name).toArray(), expected, atol: 1e-4, rtol: 1e-4,
                        "\(entry.name) gradient: batch vs sentences one by one")
        }
    }
}
