import Tensor

/// What the attention backward pass needs from its forward pass.
struct AttentionCache {
    let queryInput: Tensor      // (B·Tq, d)
    let keyValueInput: Tensor   // (B·Tk, d)
    let q: Tensor               // (B·Tq, d), already scaled by head_dim^-½
    let k: Tensor               // (B·Tk, d)
    let v: Tensor               // (B·Tk, d)
    let probabilities: Tensor   // (B, H, Tq, Tk) softmax output
    let dropped: Tensor         // (B, H, Tq, Tk) after attention dropout (= probabilities without it)
    let context: Tensor         // (B·Tq, d) heads concatenated, before out_proj
    let geometry: AttentionGeometry
    let mask: AttentionMask
    let dropout: DropoutSite
}

/// Sizes of one attention call. K and V rows of batch item b start at row
/// block(b)·`keyBatchStride` (Tk for a plain batch, the cache capacity for incremental
/// decoding), where block(b) = `keyBlocks[b]` if given (hypotheses of one sentence
/// sharing its encoder keys in beam search) and b otherwise.
struct AttentionGeometry {
    let batch: Int, heads: Int, headDim: Int, queries: Int, keys: Int
    let keyBatchStride: Int
    var keyBlocks: UnsafePointer<Int32>? = nil
    var modelDim: Int { heads * headDim }

    @inline(__always)
    func keyRow(_ b: Int) -> Int { (keyBlocks.map { Int($0[b]) } ?? b) * keyBatchStride }
}

/// A dropout call site: probability and the key its mask is drawn from (nil: no dropout).
struct DropoutSite {
    let probability: Float
    let key: UInt64?

    static let off = DropoutSite(probability: 0, key: nil)
    var active: Bool { key != nil && probability > 0 }
}

/// Multi-head attention as fairseq's MultiheadAttention: q = (x·Wqᵀ + bq)·head_dim^-½,
/// k, v likewise without scaling, per head softmax(q·kᵀ + mask)·v, then out_proj.
/// The backward pass is derived in docs/derivations.md.
enum MultiheadAttention {
    static func forward(query x: Tensor, keyValue kv: Tensor, weights w: AttentionWeights,
                        geometry g: AttentionGeometry, mask: AttentionMask, dropout: DropoutSite,
                        workspace ws: Workspace, into out: Tensor) -> AttentionCache {
        let d = g.modelDim
        let q = ws.tensor(x.shape.rows, d), k = ws.tensor(kv.shape.rows, d), v = ws.tensor(kv.shape.rows, d)
        Linear.forward(x, w.q, into: q)
        Elementwise.scale(q, by: 1 / Float(g.headDim).squareRoot(), into: q)
        Linear.forward(kv, w.k, into: k)
        Linear.forward(kv, w.v, into: v)
        let probabilities = ws.tensor(g.batch, g.heads, g.queries, g.keys)
        let dropped = dropout.active ? ws.tensor(probabilities.shape) : probabilities
        let context = ws.tensor(x.shape.rows, d)
        attend(q: q, k: k, v: v, geometry: g, mask: mask, dropout: dropout,
               probabilities: probabilities, dropped: dropped, context: context)
        Linear.forward(context, w.out, into: out)
        return AttentionCache(queryInput: x, keyValueInput: kv, q: q, k: k, v: v, probabilities: probabilities,
                              dropped: dropped, context: context, geometry: g, mask: mask, dropout: dropout)
    }

    /// The per-head core: scores = q·kᵀ, softmax under the mask, dropout, context = p·v.
    /// Every product is one sgemm on strided views of (B·T, d) activations.
    static func attend(q: Tensor, k: Tensor, v: Tensor, geometry g: AttentionGeometry, mask: AttentionMask,
                       dropout: DropoutSite, probabilities: Tensor, dropped: Tensor, context: Tensor) {
        let d = g.modelDim, tq = g.queries, tk = g.keys
        for b in 0..<g.batch {
            for h in 0..<g.heads {
                MatMul.gemm(m: tq, n: tk, k: g.headDim,
                            a: q.data + b * tq * d + h * g.headDim, lda: d,
                            b: k.data + g.keyRow(b) * d + h * g.headDim, ldb: d, transposeB: true,
                            c: probabilities.data + (b * g.heads + h) * tq * tk, ldc: tk)
            }
        }
        Softmax.forward(probabilities, into: probabilities, mask: mask)
        if dropout.active, let key = dropout.key {
            Dropout.forward(probabilities, into: dropped, probability: dropout.probability, key: key)
        }
        for b in 0..<g.batch {
            for h in 0..<g.heads {
                MatMul.gemm(m: tq, n: g.headDim, k: tk,
                            a: dropped.data + (b * g.heads + h) * tq * tk, lda: tk,
                            b: v.data + g.keyRow(b) * d + h * g.headDim, ldb: d,
                            c: context.data + b * tq * d + h * g.headDim, ldc: d)
            }
        }
    }

    /// Accumulates parameter gradients into `grads`; writes (or adds, when `accumulate`)
    /// the query input's gradient into `dQuery` and adds the key/value input's gradient
    /// into `dKeyValue`. For self-attention pass the same tensor for both.
    static func backward(_ dOut: Tensor, cache c: AttentionCache, weights w: AttentionWeights,
                         gradients gw: AttentionWeights, workspace ws: Workspace,
                         dQuery: Tensor, accumulateQuery: Bool, dKeyValue: Tensor) {
        let g = c.geometry, d = g.modelDim, tq = g.queries, tk = g.keys
        let dContext = ws.tensor(c.context.shape)
        Linear.backward(dOut, input: c.context, weights: w.out, gradients: gw.out, dx: dContext)

        let dScores = ws.tensor(c.probabilities.shape)
        let dq = ws.tensor(c.q.shape), dk = ws.tensor(c.k.shape), dv = ws.tensor(c.v.shape)
        for b in 0..<g.batch {
            for h in 0..<g.heads {
                let head = (b * g.heads + h) * tq * tk
                let ctx = b * tq * d + h * g.headDim, kv = g.keyRow(b) * d + h * g.headDim
                // dP' = dContext·vᵀ ; dv = P'ᵀ·dContext
                MatMul.gemm(m: tq, n: tk, k: g.headDim, a: dContext.data + ctx, lda: d,
                            b: c.v.data + kv, ldb: d, transposeB: true, c: dScores.data + head, ldc: tk)
                MatMul.gemm(m: tk, n: g.headDim, k: tq, a: c.dropped.data + head, lda: tk, transposeA: true,
                            b: dContext.data + ctx, ldb: d, c: dv.data + kv, ldc: d)
            }
        }
        if c.dropout.active, let key = c.dropout.key {
            Dropout.backward(dScores, into: dScores, probability: c.dropout.probability, key: key)
        }
        Softmax.backward(dScores, output: c.probabilities, into: dScores)
        for b in 0..<g.batch {
            for h in 0..<g.heads {
                let head = (b * g.heads + h) * tq * tk
                let qo = b * tq * d + h * g.headDim, kv = g.keyRow(b) * d + h * g.headDim
                // dq = dS·k ; dk = dSᵀ·q
                MatMul.gemm(m: tq, n: g.headDim, k: tk, a: dScores.data + head, lda: tk,
                            b: c.k.data + kv, ldb: d, c: dq.data + qo, ldc: d)
                MatMul.gemm(m: tk, n: g.headDim, k: tq, a: dScores.data + head, lda: tk, transposeA: true,
                            b: c.q.data + qo, ldb: d, c: dk.data + kv, ldc: d)
            }
        }
        // q was scaled after its bias, so the projection's gradient carries the scale.
        Elementwise.scale(dq, by: 1 / Float(g.headDim).squareRoot(), into: dq)
        Linear.backward(dq, input: c.queryInput, weights: w.q, gradients: gw.q, dx: dQuery, accumulate: accumulateQuery)
        Linear.backward(dk, input: c.keyValueInput, weights: w.k, gradients: gw.k, dx: dKeyValue, accumulate: true)
        Linear.backward(dv, input: c.keyValueInput, weights: w.v, gradients: gw.v, dx: dKeyValue, accumulate: true)
    }
}
