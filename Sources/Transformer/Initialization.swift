import Foundation
import Tensor

extension TransformerModel {
    /// Fills the parameters as fairseq initialises a Transformer from `seed`:
    /// embeddings (and an unshared output projection) ~ N(0, d^-½) with the padding row 0;
    /// attention q/k/v weights Xavier-uniform with gain 1/√2, out_proj Xavier-uniform,
    /// q/k/v biases U(±1/√fan_in) (PyTorch's Linear default), out_proj bias 0;
    /// fc1/fc2 Xavier-uniform with zero bias; layer norms γ = 1, β = 0.
    /// Sources: fairseq/models/transformer (Embedding, Linear), fairseq/modules/multihead_attention.py.
    public func initializeParameters(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let d = config.modelDim
        func normal(_ t: Tensor, std: Float) { for i in 0..<t.count { t[i] = rng.normal(std: std) } }
        func uniform(_ t: Tensor, bound: Float) { for i in 0..<t.count { t[i] = rng.uniform(-bound, bound) } }
        func xavier(_ t: Tensor, gain: Float = 1) {
            let fanOut = t.shape[0], fanIn = t.shape[1]
            uniform(t, bound: gain * (6 / Float(fanIn + fanOut)).squareRoot())
        }
        func embedding(_ t: Tensor) {
            normal(t, std: 1 / Float(d).squareRoot())
            t.slice(Int(config.padID)).fill(0)
        }
        func attention(_ a: AttentionWeights) {
            for proj in [a.k, a.v, a.q] {
                xavier(proj.weight, gain: 1 / Float(2).squareRoot())
                if let b = proj.bias { uniform(b, bound: 1 / Float(d).squareRoot()) }
            }
            xavier(a.out.weight)
            a.out.bias?.fill(0)
        }
        func feedForward(_ fc1: LinearWeights, _ fc2: LinearWeights) {
            for fc in [fc1, fc2] { xavier(fc.weight); fc.bias?.fill(0) }
        }
        func norm(_ n: LayerNormWeights?) { n?.gamma.fill(1); n?.beta.fill(0) }

        // fairseq's build order: encoder embedding, encoder layers, decoder embedding,
        // decoder layers, output projection.
        embedding(weights.encoderEmbedding)
        for layer in weights.encoderLayers {
            attention(layer.selfAttention); norm(layer.selfAttentionNorm)
            feedForward(layer.fc1, layer.fc2); norm(layer.finalNorm)
        }
        norm(weights.encoderNorm)
        if config.sharing != .all { embedding(weights.decoderEmbedding) }
        for layer in weights.decoderLayers {
            attention(layer.selfAttention); norm(layer.selfAttentionNorm)
            attention(layer.crossAttention); norm(layer.crossAttentionNorm)
            feedForward(layer.fc1, layer.fc2); norm(layer.finalNorm)
        }
        norm(weights.decoderNorm)
        if config.sharing == .none { normal(weights.outputProjection, std: 1 / Float(d).squareRoot()) }
    }
}
