import Foundation
import Testing
import TestSupport
@testable import Tensor
@testable import Transformer

@Suite(.timeLimit(.minutes(10))) struct IncrementalDecoderTests {
    /// Decoding the reference targets one token at a time gives the full forward pass's
    /// logits at every real position.
    @Test(arguments: [(false, EmbeddingSharing.none, ActivationKind.relu), (true, .all, .gelu), (false, .decoderInputOutput, .gelu)])
    func stepLogitsEqualFullForward(preNorm: Bool, sharing: EmbeddingSharing, activation: ActivationKind) throws {
        let config = Fixture.config(preNorm: preNorm, sharing: sharing, activation: activation)
        let model = try Fixture.model(config)
        let batch = Fixture.batch()
        let ws = Workspace()
        let full = model.forward(batch, mode: .inference, workspace: ws)
        let sources = (0..<batch.size).map { b in
            Array(batch.source[(b * batch.sourceLength)..<(b * batch.sourceLength + Int(batch.sourceLengths[b]) - 1)])
        }
        let (encoderOut, lengths, sourceLength) = try model.encode(sources)
        let decoder = IncrementalDecoder(model: model, encoderOut: encoderOut.tensor, sourceLengths: lengths,
                                         sourceLength: sourceLength, sentenceOf: (0..<Int32(batch.size)).map { $0 },
                                         capacity: batch.targetLength)
        let v = config.targetVocabularySize
        let logits = TensorStorage(Shape(batch.size, v))
        for t in 0..<batch.targetLength {
            decoder.step(tokens: (0..<batch.size).map { batch.decoderInput[$0 * batch.targetLength + t] }, into: logits.tensor)
            for b in 0..<batch.size where t < Int(batch.targetLengths[b]) {
                let row = batch.packedTargetRow(sentence: b, position: t)
                let expected = Array(full.buffer[(row * v)..<((row + 1) * v)])
                expectClose(logits.tensor.slice(b).toArray(), expected, atol: 1e-5, rtol: 1e-5,
                            "sentence \(b) position \(t) logits")
            }
        }
    }

    /// After `reorder`, a row continues the hypothesis it took over.
    @Test func reorderFollowsTheChosenHypotheses() throws {
        let config = Fixture.config(preNorm: false, sharing: .all)
        let model = try Fixture.model(config)
        let (encoderOut, lengths, s) = try model.encode([[5, 6, 7]])
        func decoder() -> IncrementalDecoder {
            IncrementalDecoder(model: model, encoderOut: encoderOut.tensor, sourceLengths: lengths, sourceLength: s,
                               sentenceOf: [0, 0], capacity: 4)
        }
        let v = config.targetVocabularySize
        let a = decoder(), b = decoder()
        let la = TensorStorage(Shape(2, v)), lb = TensorStorage(Shape(2, v))
        a.step(tokens: [3, 3], into: la.tensor); b.step(tokens: [3, 3], into: lb.tensor)
        a.step(tokens: [5, 9], into: la.tensor); b.step(tokens: [9, 5], into: lb.tensor)
        b.reorder([1, 0])       // b's rows now hold the histories 3 5 and 3 9, as a's do
        a.step(tokens: [6, 6], into: la.tensor); b.step(tokens: [6, 6], into: lb.tensor)
        #expect(la.tensor.toArray() == lb.tensor.toArray())
    }

    @Test func outOfVocabularyIdsAreAnError() throws {
        let model = try Fixture.model(Fixture.config(preNorm: false, sharing: .all))
        #expect(throws: ModelError.idOutOfVocabulary(side: "source", sentence: 0, position: 1, id: 99, vocabularySize: 13)) {
            try model.encode([[5, 99]])
        }
    }
}
