import Tensor

/// An attention sublayer inside its residual block, and what its backward pass needs.
struct AttentionBlockCache {
    var attention: AttentionCache
    var block: ResidualCache
}

/// The feed-forward sublayer inside its residual block.
struct FeedForwardBlockCache {
    var feedForward: FeedForwardCache
    var block: ResidualCache
}

struct EncoderLayerCache {
    var selfAttention: AttentionBlockCache
    var feedForward: FeedForwardBlockCache
}

struct DecoderLayerCache {
    var selfAttention: AttentionBlockCache
    var crossAttention: AttentionBlockCache
    var feedForward: FeedForwardBlockCache
}

/// Dropout sites of one layer, keyed so that every site of every step draws its own mask.
struct LayerDropout {
    let attentionProbabilities: DropoutSite
    let crossAttentionProbabilities: DropoutSite
    /// After each sublayer, before its residual add (self-attention, cross-attention, FFN).
    let residual: (DropoutSite, DropoutSite, DropoutSite)
    let activation: DropoutSite
}

/// The two kinds of sublayer of both stacks, each wrapped in its residual block.
enum Sublayer {
    /// Self-attention when `memory` is nil, attention over `memory` (the encoder output)
    /// otherwise.
    static func attention(_ x: Tensor, memory: Tensor?, weights w: AttentionWeights, norm: LayerNormWeights,
                          config: TransformerConfig, geometry: AttentionGeometry, mask: AttentionMask,
                          probabilityDropout: DropoutSite, residualDropout: DropoutSite,
                          workspace ws: Workspace) -> (Tensor, AttentionBlockCache) {
        var attention: AttentionCache?
        let (y, block) = ResidualBlock.forward(x, norm: norm, preNorm: config.normalizeBefore, dropout: residualDropout,
                                               workspace: ws) { input in
            let out = ws.tensor(input.shape)
            attention = MultiheadAttention.forward(query: input, keyValue: memory ?? input, weights: w, geometry: geometry,
                                                   mask: mask, dropout: probabilityDropout, workspace: ws, into: out)
            return out
        }
        return (y, AttentionBlockCache(attention: attention!, block: block))
    }

    /// Returns dx; for attention over memory, adds the memory's gradient into `dMemory`.
    static func attentionBackward(_ dy: Tensor, cache c: AttentionBlockCache, weights w: AttentionWeights,
                                  gradients g: AttentionWeights, norm: LayerNormWeights, normGradients: LayerNormWeights,
                                  config: TransformerConfig, dMemory: Tensor?, workspace ws: Workspace) -> Tensor {
        ResidualBlock.backward(dy, cache: c.block, norm: norm, gradients: normGradients, preNorm: config.normalizeBefore,
                               workspace: ws) { ds, dInput, accumulate in
            MultiheadAttention.backward(ds, cache: c.attention, weights: w, gradients: g, workspace: ws,
                                        dQuery: dInput, accumulateQuery: accumulate, dKeyValue: dMemory ?? dInput)
        }
    }

    static func feedForward(_ x: Tensor, fc1: LinearWeights, fc2: LinearWeights, norm: LayerNormWeights,
                            config: TransformerConfig, dropout: LayerDropout, residualDropout: DropoutSite,
                            workspace ws: Workspace) -> (Tensor, FeedForwardBlockCache) {
        var feedForward: FeedForwardCache?
        let (y, block) = ResidualBlock.forward(x, norm: norm, preNorm: config.normalizeBefore, dropout: residualDropout,
                                               workspace: ws) { input in
            let (out, cache) = FeedForward.forward(input, fc1: fc1, fc2: fc2, activation: config.activation,
                                                   dropout: dropout.activation, workspace: ws)
            feedForward = cache
            return out
        }
        return (y, FeedForwardBlockCache(feedForward: feedForward!, block: block))
    }

    static func feedForwardBackward(_ dy: Tensor, cache c: FeedForwardBlockCache, fc1: LinearWeights, fc2: LinearWeights,
                                    gradients g1: LinearWeights, _ g2: LinearWeights, norm: LayerNormWeights,
                                    normGradients: LayerNormWeights, config: TransformerConfig, workspace ws: Workspace) -> Tensor {
        ResidualBlock.backward(dy, cache: c.block, norm: norm, gradients: normGradients, preNorm: config.normalizeBefore,
                               workspace: ws) { ds, dInput, accumulate in
            FeedForward.backward(ds, cache: c.feedForward, fc1: fc1, fc2: fc2, gradients: g1, g2, activation: config.activation,
                                 workspace: ws, dx: dInput, accumulate: accumulate)
        }
    }
}

enum EncoderLayer {
    static func forward(_ x: Tensor, _ w: EncoderLayerWeights, config: TransformerConfig, geometry: AttentionGeometry,
                        mask: AttentionMask, dropout: LayerDropout, workspace ws: Workspace) -> (Tensor, EncoderLayerCache) {
        let (h, attention) = Sublayer.attention(x, memory: nil, weights: w.selfAttention, norm: w.selfAttentionNorm, config: config,
                                                geometry: geometry, mask: mask, probabilityDropout: dropout.attentionProbabilities,
                                                residualDropout: dropout.residual.0, workspace: ws)
        let (y, feedForward) = Sublayer.feedForward(h, fc1: w.fc1, fc2: w.fc2, norm: w.finalNorm, config: config, dropout: dropout,
                                                    residualDropout: dropout.residual.1, workspace: ws)
        return (y, EncoderLayerCache(selfAttention: attention, feedForward: feedForward))
    }

    /// Returns the gradient of the layer input; dy may be overwritten.
    static func backward(_ dy: Tensor, cache c: EncoderLayerCache, _ w: EncoderLayerWeights, gradients g: EncoderLayerWeights,
                         config: TransformerConfig, workspace ws: Workspace) -> Tensor {
        let dh = Sublayer.feedForwardBackward(dy, cache: c.feedForward, fc1: w.fc1, fc2: w.fc2, gradients: g.fc1, g.fc2,
                                              norm: w.finalNorm, normGradients: g.finalNorm, config: config, workspace: ws)
        return Sublayer.attentionBackward(dh, cache: c.selfAttention, weights: w.selfAttention, gradients: g.selfAttention,
                                          norm: w.selfAttentionNorm, normGradients: g.selfAttentionNorm, config: config,
                                          dMemory: nil, workspace: ws)
    }
}

enum DecoderLayer {
    static func forward(_ x: Tensor, encoderOut: Tensor, _ w: DecoderLayerWeights, config: TransformerConfig,
                        selfGeometry: AttentionGeometry, selfMask: AttentionMask,
                        crossGeometry: AttentionGeometry, crossMask: AttentionMask,
                        dropout: LayerDropout, workspace ws: Workspace) -> (Tensor, DecoderLayerCache) {
        let (h1, selfAttention) = Sublayer.attention(x, memory: nil, weights: w.selfAttention, norm: w.selfAttentionNorm,
                                                     config: config, geometry: selfGeometry, mask: selfMask,
                                                     probabilityDropout: dropout.attentionProbabilities,
                                                     residualDropout: dropout.residual.0, workspace: ws)
        let (h2, crossAttention) = Sublayer.attention(h1, memory: encoderOut, weights: w.crossAttention, norm: w.crossAttentionNorm,
                                                      config: config, geometry: crossGeometry, mask: crossMask,
                                                      probabilityDropout: dropout.crossAttentionProbabilities,
                                                      residualDropout: dropout.residual.1, workspace: ws)
        let (y, feedForward) = Sublayer.feedForward(h2, fc1: w.fc1, fc2: w.fc2, norm: w.finalNorm, config: config, dropout: dropout,
                                                    residualDropout: dropout.residual.2, workspace: ws)
        return (y, DecoderLayerCache(selfAttention: selfAttention, crossAttention: crossAttention, feedForward: feedForward))
    }

    /// Returns the gradient of the layer input and adds the encoder output's gradient into
    /// `dEncoderOut`; dy may be overwritten.
    static func backward(_ dy: Tensor, cache c: DecoderLayerCache, _ w: DecoderLayerWeights, gradients g: DecoderLayerWeights,
                         config: TransformerConfig, dEncoderOut: Tensor, workspace ws: Workspace) -> Tensor {
        let dh2 = Sublayer.feedForwardBackward(dy, cache: c.feedForward, fc1: w.fc1, fc2: w.fc2, gradients: g.fc1, g.fc2,
                                               norm: w.finalNorm, normGradients: g.finalNorm, config: config, workspace: ws)
        let dh1 = Sublayer.attentionBackward(dh2, cache: c.crossAttention, weights: w.crossAttention, gradients: g.crossAttention,
                                             norm: w.crossAttentionNorm, normGradients: g.crossAttentionNorm, config: config,
                                             dMemory: dEncoderOut, workspace: ws)
        return Sublayer.attentionBackward(dh1, cache: c.selfAttention, weights: w.selfAttention, gradients: g.selfAttention,
                                          norm: w.selfAttentionNorm, normGradients: g.selfAttentionNorm, config: config,
                                          dMemory: nil, workspace: ws)
    }
}
