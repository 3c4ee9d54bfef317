import Foundation
import Testing
import TestSupport
@testable import Tensor
@testable import Transformer

/// The model keys of imported MarianMT models (SiLU, output bias, Marian's positions,
/// unscaled embeddings, a decoder start token): the step decoder agrees with the full
/// forward pass, the gradients with finite differences, and a config without them is
/// today's model, byte for byte.
@Suite(.timeLimit(.minutes(10))) struct ImportedModelKeysTests {
    static func config(scaled: Bool) -> TransformerConfig {
        var config = Fixture.config(preNorm: false, sharing: .decoderInputOutput, activation: .swish)
        config.outputBias = true
        config.scaleEmbeddings = scaled
        config.positionLayout = .marian
        config.decoderStartID = 12
        return config
    }

    static func model(scaled: Bool) throws -> TransformerModel {
        let model = try Fixture.model(config(scaled: scaled))
        var random = TestRandom(seed: 11)
        let bias = model.parameters.view("decoder.output_projection.bias")
        for i in 0..<bias.count { bias[i] = random.uniform(-0.5, 0.5) }
        return model
    }

    @Test(arguments: [true, false])
    func stepLogitsEqualFullForward(scaled: Bool) throws {
        let model = try Self.model(scaled: scaled)
        let batch = Fixture.batch()
        let full = model.forward(batch, mode: .inference, workspace: Workspace())
        let sources = (0..<batch.size).map { b in
            Array(batch.source[(b * batch.sourceLength)..<(b * batch.sourceLength + Int(batch.sourceLengths[b]) - 1)])
        }
        let (encoderOut, lengths, sourceLength) = try model.encode(sources)
        let decoder = IncrementalDecoder(model: model, encoderOut: encoderOut.tensor, sourceLengths: lengths,
                                         sourceLength: sourceLength, sentenceOf: (0..<Int32(batch.size)).map { $0 },
                                         capacity: batch.targetLength)
        let v = model.config.targetVocabularySize
        let logits = TensorStorage(Shape(batch.size, v))
        for t in 0..<batch.targetLength {
            decoder.step(tokens: (0..<batch.size).map { batch.decoderInput[$0 * batch.targetLength + t] }, into: logits.tensor)
            for b in 0..<batch.size where t < Int(batch.targetLengths[b]) {
                let row = batch.packedTargetRow(sentence: b, position: t)
                expectClose(logits.tensor.slice(b).toArray(), Array(full.buffer[(row * v)..<((row + 1) * v)]),
                            atol: 1e-5, rtol: 1e-5, "sentence \(b) position \(t) logits")
            }
        }
    }

    /// The decoder reads its start token, not the eos the batch begins with: changing the
    /// start token changes the logits.
    @Test func theDecoderStartTokenIsRead() throws {
        let model = try Self.model(scaled: true)
        var other = model.config
        other.decoderStartID = 4
        let second = try TransformerModel(config: other)
        second.parameters.base.update(from: model.parameters.base, count: model.table.count)
        let batch = Fixture.batch()
        let a = model.forward(batch, mode: .inference, workspace: Workspace()).toArray()
        let b = second.forward(batch, mode: .inference, workspace: Workspace()).toArray()
        #expect(a != b)
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let model = try Self.model(scaled: true)
        let config = model.config, batch = Fixture.batch()
        let ws = Workspace()
        func loss() -> Double {
            ws.reset()
            let logits = model.forward(batch, mode: .inference, workspace: ws)
            return crossEntropy(logits, targets: batch.packedTarget, pad: config.padID, writeGradient: false)
        }
        let logits = model.forward(batch, mode: .inference, workspace: ws)
        _ = crossEntropy(logits, targets: batch.packedTarget, pad: config.padID, writeGradient: true)
        model.gradients.zero()
        model.backward(logits, workspace: ws)
        for name in ["decoder.output_projection.bias", "decoder.embed_tokens.weight", "encoder.layers.0.fc1.weight",
                     "decoder.layers.1.fc1.bias"] {
            checkGradient(name, input: model.parameters.view(name), analytic: model.gradients.view(name).toArray(),
                          eps: 1e-2, atol: 2e-3, rtol: 2e-2, loss: loss)
        }
    }

    /// transformers' MarianSinusoidalPositionalEmbedding: sin(p / 10000^(2i/d)) in the first
    /// half, cos in the second, position 0 first.
    @Test func marianPositionsFollowTransformers() {
        let positions = SinusoidalPositions(dim: 8, maxPositions: 10, padID: 5, layout: .marian)
        #expect(positions.firstPosition == 0 && positions.table.tensor.shape == Shape(10, 8))
        for p in [0, 1, 7] {
            for i in 0..<4 {
                let angle = Double(p) / pow(10000, Double(2 * i) / 8)
                #expect(positions.row(p)[i] == Float(sin(angle)))
                #expect(positions.row(p)[4 + i] == Float(cos(angle)))
            }
        }
    }

    /// A config.json model section without the keys decodes to nil keys, encodes to the
    /// same bytes, and builds no bias parameter.
    @Test func configsWithoutTheKeysAreUnchanged() throws {
        let old = Fixture.config(preNorm: false, sharing: .all)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(old)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["outputBias", "scaleEmbeddings", "positionLayout", "decoderStartID"] { #expect(!text.contains(key)) }
        let decoded = try JSONDecoder().decode(TransformerConfig.self, from: data)
        #expect(decoded == old && !decoded.usesImportKeys && decoded.embeddingScale == Float(8).squareRoot())
        #expect(decoded.decoderStart == decoded.eosID)
        #expect(ParameterTable.transformer(decoded).entry("decoder.output_projection.bias") == nil)
    }
}
