import Tensor

/// Layer-norm statistics and input kept for the layer norm's backward pass.
struct NormCache {
    let input: Tensor
    let mean: Tensor
    let rstd: Tensor
}

/// A sublayer wrapped with dropout, a residual connection and a layer norm, in either of
/// fairseq's orders:
///   pre-norm  (normalize_before): y = x + dropout(f(LN(x)))
///   post-norm (the original):     y = LN(x + dropout(f(x)))
struct ResidualCache {
    let norm: NormCache
    let dropout: DropoutSite
}

enum ResidualBlock {
    static func normalize(_ x: Tensor, _ w: LayerNormWeights, _ ws: Workspace) -> (Tensor, NormCache) {
        let y = ws.tensor(x.shape), mean = ws.tensor(x.shape.rows), rstd = ws.tensor(x.shape.rows)
        LayerNorm.forward(x, gamma: w.gamma, beta: w.beta, into: y, mean: mean, rstd: rstd)
        return (y, NormCache(input: x, mean: mean, rstd: rstd))
    }

    static func normalizeBackward(_ dy: Tensor, _ c: NormCache, _ w: LayerNormWeights, _ g: LayerNormWeights,
                                  dx: Tensor, accumulate: Bool) {
        LayerNorm.backward(dy, input: c.input, gamma: w.gamma, mean: c.mean, rstd: c.rstd,
                           dx: dx, dGamma: g.gamma, dBeta: g.beta, accumulate: accumulate)
    }

    /// `sublayer` maps its input to a fresh (N, d) output.
    static func forward(_ x: Tensor, norm w: LayerNormWeights, preNorm: Bool, dropout: DropoutSite,
                        workspace ws: Workspace, sublayer: (Tensor) -> Tensor) -> (Tensor, ResidualCache) {
        if preNorm {
            let (normalized, normCache) = normalize(x, w, ws)
            let s = sublayer(normalized)
            applyDropout(s, dropout)
            Elementwise.add(x, s, into: s)
            return (s, ResidualCache(norm: normCache, dropout: dropout))
        } else {
            let s = sublayer(x)
            applyDropout(s, dropout)
            Elementwise.add(x, s, into: s)
            let (y, normCache) = normalize(s, w, ws)
            return (y, ResidualCache(norm: normCache, dropout: dropout))
        }
    }

    /// Returns dx. `sublayerBackward(ds, dInput, accumulate)` must write (or add, when
    /// `accumulate`) the gradient of the sublayer's input into dInput. dy may be overwritten.
    static func backward(_ dy: Tensor, cache c: ResidualCache, norm w: LayerNormWeights, gradients g: LayerNormWeights,
                         preNorm: Bool, workspace ws: Workspace,
                         sublayerBackward: (Tensor, Tensor, Bool) -> Void) -> Tensor {
        let ds = ws.tensor(dy.shape)
        if preNorm {
            // dx = dy + LN'(f'(dropout'(dy)))
            dropoutBackward(dy, into: ds, c.dropout)
            let dNormalized = ws.tensor(dy.shape)
            sublayerBackward(ds, dNormalized, false)
            normalizeBackward(dNormalized, c.norm, w, g, dx: dy, accumulate: true)
            return dy
        } else {
            // dz = LN'(dy); dx = dz + f'(dropout'(dz))
            let dz = ws.tensor(dy.shape)
            normalizeBackward(dy, c.norm, w, g, dx: dz, accumulate: false)
            dropoutBackward(dz, into: ds, c.dropout)
            sublayerBackward(ds, dz, true)
            return dz
        }
    }

    static func applyDropout(_ x: Tensor, _ site: DropoutSite) {
        if site.active, let key = site.key { Dropout.forward(x, into: x, probability: site.probability, key: key) }
    }

    static func dropoutBackward(_ dy: Tensor, into dx: Tensor, _ site: DropoutSite) {
        if site.active, let key = site.key {
            Dropout.backward(dy, into: dx, probability: site.probability, key: key)
        } else if dx.data != dy.data {
            dx.copy(from: dy)
        }
    }
}
