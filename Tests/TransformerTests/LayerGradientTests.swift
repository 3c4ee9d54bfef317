import Foundation
import Testing
import TestSupport
@testable import Tensor
@testable import Transformer

/// Each layer's backward pass on its own against central finite differences: attention
/// (self with causal and padding masks, and cross), the feed-forward sublayer and both
/// residual orders. Losses are Σ y ⊙ w accumulated in Double; inputs and parameters are
/// all checked.
@Suite(.timeLimit(.minutes(10))) struct LayerGradientTests {
    let d = 8, heads = 2, batch = 2

    func linear(_ rng: inout TestRandom, _ out: Int, _ input: Int, _ storage: inout [TensorStorage]) -> LinearWeights {
        let w = rng.tensor(Shape(out, input), -0.5, 0.5), b = rng.tensor(Shape(out), -0.2, 0.2)
        storage += [w, b]
        return LinearWeights(weight: w.tensor, bias: b.tensor)
    }

    func attentionWeights(_ rng: inout TestRandom, _ storage: inout [TensorStorage]) -> AttentionWeights {
        AttentionWeights(q: linear(&rng, d, d, &storage), k: linear(&rng, d, d, &storage),
                         v: linear(&rng, d, d, &storage), out: linear(&rng, d, d, &storage))
    }

    func zeroGradients(like w: AttentionWeights, _ storage: inout [TensorStorage]) -> AttentionWeights {
        func zero(_ l: LinearWeights) -> LinearWeights {
            let w = TensorStorage(l.weight.shape), b = TensorStorage(l.bias!.shape)
            storage += [w, b]
            return LinearWeights(weight: w.tensor, bias: b.tensor)
        }
        return AttentionWeights(q: zero(w.q), k: zero(w.k), v: zero(w.v), out: zero(w.out))
    }

    func parameters(_ w: AttentionWeights) -> [(String, Tensor)] {
        [("q.weight", w.q.weight), ("q.bias", w.q.bias!), ("k.weight", w.k.weight),
         ("v.weight", w.v.weight), ("v.bias", w.v.bias!), ("out.weight", w.out.weight), ("out.bias", w.out.bias!)]
    }

    @Test(arguments: [true, false])
    func attentionBackwardMatchesFiniteDifferences(selfAttention: Bool) {
        var rng = TestRandom(seed: selfAttention ? 71 : 72)
        var storage: [TensorStorage] = []
        let tq = 5, tk = selfAttention ? 5 : 7
        let x = rng.tensor(Shape(batch * tq, d)), memory = selfAttention ? x : rng.tensor(Shape(batch * tk, d))
        let w = attentionWeights(&rng, &storage), g = zeroGradients(like: w, &storage)
        let upstream = rng.tensor(Shape(batch * tq, d))
        let lengths: [Int32] = selfAttention ? [5, 3] : [7, 4]
        lengths.withUnsafeBufferPointer { lens in
            let mask = AttentionMask(keyLengths: lens.baseAddress, causal: selfAttention)
            let geometry = AttentionGeometry(batch: batch, heads: heads, headDim: d / heads, queries: tq, keys: tk, keyBatchStride: tk)
            let ws = Workspace()
            func loss() -> Double {
                ws.reset()
                let out = ws.tensor(batch * tq, d)
                _ = MultiheadAttention.forward(query: x.tensor, keyValue: memory.tensor, weights: w, geometry: geometry,
                                               mask: mask, dropout: .off, workspace: ws, into: out)
                return weightedSum(out, upstream.tensor)
            }
            ws.reset()
            let out = ws.tensor(batch * tq, d)
            let cache = MultiheadAttention.forward(query: x.tensor, keyValue: memory.tensor, weights: w, geometry: geometry,
                                                   mask: mask, dropout: .off, workspace: ws, into: out)
            let dQuery = TensorStorage(x.tensor.shape)
            let dMemory = selfAttention ? dQuery : TensorStorage(memory.tensor.shape)
            MultiheadAttention.backward(upstream.tensor, cache: cache, weights: w, gradients: g, workspace: ws,
                                        dQuery: dQuery.tensor, accumulateQuery: false, dKeyValue: dMemory.tensor)
            let dQ = dQuery.tensor.toArray(), dM = dMemory.tensor.toArray()
            checkGradient("attention input", input: x.tensor, analytic: dQ, eps: 1e-2, atol: 1e-3, rtol: 1e-2, loss: loss)
            if !selfAttention {
                checkGradient("attention memory", input: memory.tensor, analytic: dM, eps: 1e-2, atol: 1e-3, rtol: 1e-2, loss: loss)
            }
            for ((name, value), (_, gradient)) in zip(parameters(w), parameters(g)) {
                checkGradient("attention \(name)", input: value, analytic: gradient.toArray(), eps: 1e-2, atol: 1e-3, rtol: 1e-2, loss: loss)
            }
        }
    }

    /// With activation dropout too: its mask is fixed by the key, so the loss stays a
    /// function of the inputs, and ReLU's backward reads its mask from the kept
    /// activation after dropout.
    @Test(arguments: [(false, ActivationKind.gelu, false), (true, .gelu, false), (false, .relu, false),
                      (false, .relu, true), (true, .gelu, true)])
    func feedForwardBlockMatchesFiniteDifferences(preNorm: Bool, activation: ActivationKind, activationDropout: Bool) {
        let dropout = activationDropout ? DropoutSite(probability: 0.3, key: 0x5eed) : .off
        var rng = TestRandom(seed: 73)
        var storage: [TensorStorage] = []
        let n = 6, f = 12
        let x = rng.tensor(Shape(n, d))
        let fc1 = linear(&rng, f, d, &storage), fc2 = linear(&rng, d, f, &storage)
        let gamma = rng.tensor(Shape(d), 0.5, 1.5), beta = rng.tensor(Shape(d), -0.2, 0.2)
        let norm = LayerNormWeights(gamma: gamma.tensor, beta: beta.tensor)
        // Gradient buffers stay in `storage`: a Tensor is only a view of memory owned elsewhere.
        func zeros(_ shape: Shape) -> Tensor { let t = TensorStorage(shape); storage.append(t); return t.tensor }
        let g1 = LinearWeights(weight: zeros(Shape(f, d)), bias: zeros(Shape(f)))
        let g2 = LinearWeights(weight: zeros(Shape(d, f)), bias: zeros(Shape(d)))
        let dNorm = LayerNormWeights(gamma: zeros(Shape(d)), beta: zeros(Shape(d)))
        let upstream = rng.tensor(Shape(n, d))
        let ws = Workspace()
        func forward() -> (Tensor, ResidualCache, FeedForwardCache?) {
            var ffn: FeedForwardCache?
            let (y, cache) = ResidualBlock.forward(x.tensor, norm: norm, preNorm: preNorm, dropout: .off, workspace: ws) { input in
                let (out, c) = FeedForward.forward(input, fc1: fc1, fc2: fc2, activation: activation, dropout: dropout,
                                                   workspace: ws)
                ffn = c
                return out
            }
            return (y, cache, ffn)
        }
        func loss() -> Double { ws.reset(); return weightedSum(forward().0, upstream.tensor) }
        ws.reset()
        let (_, cache, ffn) = forward()
        let dy = ws.tensor(upstream.tensor.shape)
        dy.copy(from: upstream.tensor)
        let dx = ResidualBlock.backward(dy, cache: cache, norm: norm, gradients: dNorm, preNorm: preNorm, workspace: ws) { ds, dInput, accumulate in
            FeedForward.backward(ds, cache: ffn!, fc1: fc1, fc2: fc2, gradients: g1, g2, activation: activation,
                                 workspace: ws, dx: dInput, accumulate: accumulate)
        }.toArray()
        let eps: Float = activation == .relu ? 1e-3 : 1e-2
        checkGradient("block input", input: x.tensor, analytic: dx, eps: eps, atol: 2e-3, rtol: 1e-2, loss: loss)
        for (name, value, gradient) in [("fc1.weight", fc1.weight, g1.weight), ("fc1.bias", fc1.bias!, g1.bias!),
                                         ("fc2.weight", fc2.weight, g2.weight), ("fc2.bias", fc2.bias!, g2.bias!),
                                         ("norm.gamma", gamma.tensor, dNorm.gamma), ("norm.beta", beta.tensor, dNorm.beta)] {
            checkGradient("block \(name)", input: value, analytic: gradient.toArray(), eps: eps, atol: 2e-3, rtol: 1e-2, loss: loss)
        }
    }
}
