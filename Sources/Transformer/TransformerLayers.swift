import Tensor

struct EncoderLayerCache {
    var attention: AttentionCache
    var attentionBlock: ResidualCache
    var feedForward: FeedForwardCache
    var feedForwardBlock: ResidualCache
}

struct DecoderLayerCache {
    var selfAttention: AttentionCache
    var selfAttentionBlock: ResidualCache
    var crossAttention: AttentionCache
    var crossAttentionBlock: ResidualCache
    var feedForward: FeedForwardCache
    var feedForwardBlock: ResidualCache
}

/// Dropout sites of one layer, keyed so that every site of every step draws its own mask.
struct LayerDropout {
    let attentionProbabilities: DropoutSite
    let crossAttentionProbabilities: DropoutSite
    /// After each sublayer, before its residual add (self-attention, cross-attention, FFN).
    let residual: (DropoutSite, DropoutSite, DropoutSite)
    let activation: DropoutSite
}

enum EncoderLayer {
    static func forward(_ x: Tensor, _ w: EncoderLayerWeights, config: TransformerConfig, geometry: AttentionGeometry,
                        mask: AttentionMask, dropout: LayerDropout, workspace ws: Workspace) -> (Tensor, EncoderLayerCache) {
        var attention: AttentionCache?
        let (h, attentionBlock) = ResidualBlock.forward(x, norm: w.selfAttentionNorm, preNorm: config.normalizeBefore,
                                                        dropout: dropout.residual.0, workspace: ws) { input in
            let out = ws.tensor(input.shape)
            attention = MultiheadAttention.forward(query: input, keyValue: input, weights: w.selfAttention, geometry: geometry,
                                                   mask: mask, dropout: dropout.attentionProbabilities, workspace: ws, into: out)
            return out
        }
        var feedForward: FeedForwardCache?
        let (y, feedForwardBlock) = ResidualBlock.forward(h, norm: w.finalNorm, preNorm: config.normalizeBefore,
                                                          dropout: dropout.residual.1, workspace: ws) { input in
            let (out, cache) = FeedForward.forward(input, fc1: w.fc1, fc2: w.fc2, activation: config.activation,
                                                   dropout: dropout.activation, workspace: ws)
            feedForward = cache
            return out
        }
        return (y, EncoderLayerCache(attention: attention!, attentionBlock: attentionBlock,
                                     feedForward: feedForward!, feedForwardBlock: feedForwardBlock))
    }

    /// Returns the gradient of the layer input; dy may be overwritten.
    static func backward(_ dy: Tensor, cache c: EncoderLayerCache, _ w: EncoderLayerWeights, gradients g: EncoderLayerWeights,
                         config: TransformerConfig, workspace ws: Workspace) -> Tensor {
        let dh = ResidualBlock.backward(dy, cache: c.feedForwardBlock, norm: w.finalNorm, gradients: g.finalNorm,
                                        preNorm: config.normalizeBefore, workspace: ws) { ds, dInput, accumulate in
            FeedForward.backward(ds, cache: c.feedForward, fc1: w.fc1, fc2: w.fc2, gradients: g.fc1, g.fc2,
                                 activation: config.activation, workspace: ws, dx: dInput, accumulate: accumulate)
        }
        return ResidualBlock.backward(dh, cache: c.attentionBlock, norm: w.selfAttentionNorm, gradients: g.selfAttentionNorm,
                                      preNorm: config.normalizeBefore, workspace: ws) { ds, dInput, accumulate in
            MultiheadAttention.backward(ds, cache: c.attention, weights: w.selfAttention, gradients: g.selfAttention,
                                        workspace: ws, dQuery: dInput, accumulateQuery: accumulate, dKeyValue: dInput)
        }
    }
}

enum DecoderLayer {
    static func forward(_ x: Tensor, encoderOut: Tensor, _ w: DecoderLayerWeights, config: TransformerConfig,
                        selfGeometry: AttentionGeometry, selfMask: AttentionMask,
                        crossGeometry: AttentionGeometry, crossMask: AttentionMask,
                        dropout: LayerDropout, workspace ws: Workspace) -> (Tensor, DecoderLayerCache) {
        var selfAttention: AttentionCache?, crossAttention: AttentionCache?, feedForward: FeedForwardCache?
        let (h1, selfBlock) = ResidualBlock.forward(x, norm: w.selfAttentionNorm, preNorm: config.normalizeBefore,
                                                    dropout: dropout.residual.0, workspace: ws) { input in
            let out = ws.tensor(input.shape)
            selfAttention = MultiheadAttention.forward(query: input, keyValue: input, weights: w.selfAttention,
                                                       geometry: selfGeometry, mask: selfMask,
                                                       dropout: dropout.attentionProbabilities, workspace: ws, into: out)
            return out
        }
        let (h2, crossBlock) = ResidualBlock.forward(h1, norm: w.crossAttentionNorm, preNorm: config.normalizeBefore,
                                                     dropout: dropout.residual.1, workspace: ws) { input in
            let out = ws.tensor(input.shape)
            crossAttention = MultiheadAttention.forward(query: input, keyValue: encoderOut, weights: w.crossAttention,
                                                        geometry: crossGeometry, mask: crossMask,
                                                        dropout: dropout.crossAttentionProbabilities, workspace: ws, into: out)
            return out
        }
        let (y, feedForwardBlock) = ResidualBlock.forward(h2, norm: w.finalNorm, preNorm: config.normalizeBefore,
                                                          dropout: dropout.residual.2, workspace: ws) { input in
            let (out, cache) = FeedForward.forward(input, fc1: w.fc1, fc2: w.fc2, activation: config.activation,
                                                   dropout: dropout.activation, workspace: ws)
            feedForward = cache
            return out
        }
        return (y, DecoderLayerCache(selfAttention: selfAttention!, selfAttentionBlock: selfBlock,
                                     crossAttention: crossAttention!, crossAttentionBlock: crossBlock,
                                     feedForward: feedForward!, feedForwardBlock: feedForwardBlock))
    }

    /// Returns the gradient of the layer input and adds the encoder output's gradient into
    /// `dEncoderOut`; dy may be overwritten.
    static func backward(_ dy: Tensor, cache c: DecoderLayerCache, _ w: DecoderLayerWeights, gradients g: DecoderLayerWeights,
                         config: TransformerConfig, dEncoderOut: Tensor, workspace ws: Workspace) -> Tensor {
        let dh2 = ResidualBlock.backward(dy, cache: c.feedForwardBlock, norm: w.finalNorm, gradients: g.finalNorm,
                                         preNorm: config.normalizeBefore, workspace: ws) { ds, dInput, accumulate in
            FeedForward.backward(ds, cache: c.feedForward, fc1: w.fc1, fc2: w.fc2, gradients: g.fc1, g.fc2,
                                 activation: config.activation, workspace: ws, dx: dInput, accumulate: accumulate)
        }
        let dh1 = ResidualBlock.backward(dh2, cache: c.crossAttentionBlock, norm: w.crossAttentionNorm,
                                         gradients: g.crossAttentionNorm, preNorm: config.normalizeBefore,
                                         workspace: ws) { ds, dInput, accumulate in
            MultiheadAttention.backward(ds, cache: c.crossAttention, weights: w.crossAttention, gradients: g.crossAttention,
                                        workspace: ws, dQuery: dInput, accumulateQuery: accumulate, dKeyValue: dEncoderOut)
        }
        return ResidualBlock.backward(dh1, cache: c.selfAttentionBlock, norm: w.selfAttentionNorm,
                                      gradients: g.selfAttentionNorm, preNorm: config.normalizeBefore,
                                      workspace: ws) { ds, dInput, accumulate in
            MultiheadAttention.backward(ds, cache: c.selfAttention, weights: w.selfAttention, gradients: g.selfAttention,
                                        workspace: ws, dQuery: dInput, accumulateQuery: accumulate, dKeyValue: dInput)
        }
    }
}
