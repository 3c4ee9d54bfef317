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

    /// After `select` with a permutation, a row continues the hypothesis it took over.
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
        b.select([1, 0])        // b's rows now hold the histories 3 5 and 3 9, as a's do
        a.step(tokens: [6, 6], into: la.tensor); b.step(tokens: [6, 6], into: lb.tensor)
        #expect(la.tensor.toArray() == lb.tensor.toArray())
    }

    /// `select` may drop rows and repeat them across sentences: the kept rows' logits equal
    /// those of a fresh decoder fed the same histories, and later steps compute only them.
    @Test func selectDropsAndRepeatsRows() throws {
        let config = Fixture.config(preNorm: true, sharing: .decoderInputOutput)
        let model = try Fixture.model(config)
        let sources: [[Int32]] = [[5, 6, 7], [8], [9, 10]]
        let (encoderOut, lengths, s) = try model.encode(sources)
        let v = config.targetVocabularySize
        let a = IncrementalDecoder(model: model, encoderOut: encoderOut.tensor, sourceLengths: lengths, sourceLength: s,
                                   sentenceOf: [0, 0, 1, 2, 2], capacity: 5)
        let la = TensorStorage(Shape(5, v))
        a.step(tokens: [3, 3, 3, 3, 3], into: la.tensor)
        a.step(tokens: [5, 9, 6, 7, 8], into: la.tensor)
        a.select([4, 1, 1, 2])    // sentence 2's second row, sentence 0's second row twice, sentence 1
        #expect(a.rows == 4)
        let kept = TensorStorage(Shape(4, v))
        a.step(tokens: [4, 6, 7, 8], into: kept.tensor)
        a.select([2, 0])
        #expect(a.rows == 2)
        let last = TensorStorage(Shape(2, v))
        a.step(tokens: [9, 10], into: last.tensor)

        // The same histories from scratch, one decoder row each.
        let b = IncrementalDecoder(model: model, encoderOut: encoderOut.tensor, sourceLengths: lengths, sourceLength: s,
                                   sentenceOf: [2, 0, 0, 1], capacity: 5)
        let lb = TensorStorage(Shape(4, v))
        b.step(tokens: [3, 3, 3, 3], into: lb.tensor)
        b.step(tokens: [8, 9, 9, 6], into: lb.tensor)
        b.step(tokens: [4, 6, 7, 8], into: lb.tensor)
        expectClose(kept.tensor.toArray(), lb.tensor.toArray(), atol: 1e-5, rtol: 0, "logits after dropping a row")
        let c = IncrementalDecoder(model: model, encoderOut: encoderOut.tensor, sourceLengths: lengths, sourceLength: s,
                                   sentenceOf: [0, 2], capacity: 5)
        let lc = TensorStorage(Shape(2, v))
        c.step(tokens: [3, 3], into: lc.tensor)
        c.step(tokens: [9, 8], into: lc.tensor)
        c.step(tokens: [7, 4], into: lc.tensor)
        c.step(tokens: [9, 10], into: lc.tensor)
        expectClose(last.tensor.toArray(), lc.tensor.toArray(), atol: 1e-5, rtol: 0, "logits after a second select")
    }

    @Test func outOfVocabularyIdsAreAnError() throws {
        let model = try Fixture.model(Fixture.config(preNorm: false, sharing: .all))
        #expect(throws: ModelError.idOutOfVocabulary(side: "source", sentence: 0, position: 1, id: 99, vocabularySize: 13)) {
            try model.encode([[5, 99]])
        }
    }
}
