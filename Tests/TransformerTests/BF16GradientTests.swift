import Foundation
import Testing
import TestSupport
@testable import Tensor
@testable import Transformer

/// The whole model's forward and backward in bf16 against fp32, tensor by tensor.
///
/// Tolerance, from bf16's 8-bit significand (unit roundoff u = 2⁻⁸ ≈ 0.0039): rounding
/// both inputs of a product perturbs each term by at most 2u relatively, so a product's
/// result moves by at most 2u of Σ|a·b|, which exceeds |Σ a·b| by the sum's cancellation
/// (about 3× for these random-sign activations). A gradient passes through up to about six
/// products in a row here (output projection, then attention and FFN products of the
/// decoder layers, forward and back), so its norm-wise relative difference stays below
/// 6 · 2u · 3 ≈ 0.14: the test allows 0.15 for every gradient and 0.05 for the logits (two
/// products deep). fp32's own rounding (2⁻²⁴) is negligible beside it.
///
/// The key projections' bias gradients are zero in exact arithmetic (softmax ignores a
/// constant added to a row of scores: each row of the score gradient sums to zero), so they
/// are rounding noise: in bf16, the rounded score gradients leave each row sum at about u of
/// its size, so they are checked to stay below 2u of the query bias gradient, whose terms
/// are of that size.
@Suite(.timeLimit(.minutes(10)), .enabled(if: CPUFeatures.current.multipliesBF16Natively,
                                      "this CPU lacks AVX512-BF16: bf16 training is refused here"))
struct BF16GradientTests {
    /// Dimensions that are multiples of no tile (d 20, head 10, FFN 44, vocabulary 37) and
    /// sentences of 1–11 tokens.
    static func config(preNorm: Bool) -> TransformerConfig {
        TransformerConfig(sourceVocabularySize: 37, targetVocabularySize: 37, modelDim: 20, heads: 2,
                          ffnDim: 44, encoderLayers: 2, decoderLayers: 2, dropout: 0, normalizeBefore: preNorm,
                          sharing: .none, maxPositions: 32, activation: .relu, padID: 0, eosID: 3)
    }

    static func batch() -> Batch {
        var rng = TestRandom(seed: 4)
        var sources: [[Int32]] = [], targets: [[Int32]] = []
        for (s, t) in [(11, 7), (3, 9), (6, 1), (9, 10), (1, 4)] {
            sources.append((0..<s).map { _ in Int32(4 + Int(rng.uniform(0, 32.99))) })
            targets.append((0..<t).map { _ in Int32(4 + Int(rng.uniform(0, 32.99))) })
        }
        return Batch(sources: sources, targets: targets, padID: 0, eosID: 3)
    }

    static func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
        var diff = 0.0, norm = 0.0
        for i in a.indices { diff += pow(Double(a[i]) - Double(b[i]), 2); norm += pow(Double(b[i]), 2) }
        return norm == 0 ? diff.squareRoot() : (diff / norm).squareRoot()
    }

    @Test(arguments: [false, true])
    func everyGradientMatchesFP32WithinTheBF16Bound(preNorm: Bool) throws {
        let config = Self.config(preNorm: preNorm)
        let model = try Fixture.model(config, seed: 3)
        let batch = Self.batch()
        try model.validate(batch)
        let ws = Workspace()
        func pass(_ precision: ProductPrecision) -> (logits: [Float], gradients: [String: [Float]]) {
            ws.reset()
            let logits = model.forward(batch, mode: .inference, precision: precision, workspace: ws)
            let values = logits.toArray()
            _ = crossEntropy(logits, targets: batch.packedTarget, pad: config.padID, writeGradient: true)
            model.gradients.zero()
            model.backward(logits, workspace: ws)
            var gradients: [String: [Float]] = [:]
            for entry in model.table.entries { gradients[entry.name] = model.gradients.view(entry.name).toArray() }
            return (values, gradients)
        }
        let fp32 = pass(.fp32), bf16 = pass(.bf16)
        let logitDifference = Self.relativeDifference(bf16.logits, fp32.logits)
        #expect(logitDifference < 0.05, "logits differ by \(logitDifference) (relative, norm-wise)")
        #expect(logitDifference > 0, "bf16 logits equal fp32's bit for bit: the bf16 path did not run")
        func norm(_ x: [Float]) -> Double { x.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }
        for entry in model.table.entries {
            let g16 = bf16.gradients[entry.name]!, g32 = fp32.gradients[entry.name]!
            if entry.name.hasSuffix("k_proj.bias") {
                let queryBias = norm(fp32.gradients[entry.name.replacingOccurrences(of: "k_proj", with: "q_proj")]!)
                #expect(norm(g16) < 2 * 0x1p-8 * queryBias, "\(entry.name) should be rounding noise, is \(norm(g16))")
                continue
            }
            let d = Self.relativeDifference(g16, g32)
            #expect(d < 0.15, "\(entry.name): bf16 gradient differs from fp32 by \(d) (relative, norm-wise), preNorm \(preNorm)")
        }
    }
}
