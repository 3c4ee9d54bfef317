import Tensor

/// What the attention backward pass needs from its forward pass.
struct AttentionCache {
    let queryInput: Tensor      // (Nq, d): packed query rows (or B·Tq padded)
    let keyValueInput: Tensor   // (Nk, d)
    let q: Tensor               // (Nq, d), already scaled by head_dim^-½
    let k: Tensor               // (Nk, d)
    let v: Tensor               // (Nk, d)
    let probabilities: Tensor   // (B, H, Tq, Tk) softmax output
    let dropped: Tensor         // (B, H, Tq, Tk) after attention dropout (= probabilities without it)
    let context: Tensor         // (Nq, d) heads concatenated, before out_proj
    let geometry: AttentionGeometry
    let mask: AttentionMask
    let dropout: DropoutSite
}

/// Where each batch item's rows sit in a packed activation (Σ lengths, d): item b owns
/// rows starts[b] ..< starts[b] + lengths[b]. Packing drops padding from every token-wise
/// product; attention runs per item on these rows.
struct PackedRows {
    let starts: UnsafePointer<Int32>
    let lengths: UnsafePointer<Int32>
}

/// Sizes of one attention call. The score tensor is laid out (batch, heads, queries, keys)
/// with `queries` and `keys` the largest item's counts.
///
/// Rows of q (and of the context) for item b: `queryRows` when packed, otherwise the
/// `queries` rows from b·queries. Rows of K and V: `keyRows[block(b)]` when packed,
/// otherwise `keys` rows from block(b)·`keyBatchStride` (Tk for a plain batch, the cache
/// capacity for incremental decoding), where block(b) = `keyBlocks[b]` if given
/// (hypotheses of one sentence sharing its encoder keys in beam search) and b otherwise.
struct AttentionGeometry {
    let batch: Int, heads: Int, headDim: Int, queries: Int, keys: Int
    let keyBatchStride: Int
    var keyBlocks: UnsafePointer<Int32>? = nil
    var queryRows: PackedRows? = nil
    var keyRows: PackedRows? = nil
    var modelDim: Int { heads * headDim }

    @inline(__always)
    func block(_ b: Int) -> Int { keyBlocks.map { Int($0[b]) } ?? b }
    @inline(__always)
    func queryRow(_ b: Int) -> Int { queryRows.map { Int($0.starts[b]) } ?? b * queries }
    @inline(__always)
    func queryCount(_ b: Int) -> Int { queryRows.map { Int($0.lengths[b]) } ?? queries }
    @inline(__always)
    func keyRow(_ b: Int) -> Int { keyRows.map { Int($0.starts[block(b)]) } ?? block(b) * keyBatchStride }
    @inline(__always)
    func keyCount(_ b: Int) -> Int { keyRows.map { Int($0.lengths[block(b)]) } ?? keys }
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
        Linear.forward(x, w.q, into: q, ws)
        Linear.forward(kv, w.k, into: k, ws)
        Linear.forward(kv, w.v, into: v, ws)
        Elementwise.scale(q, by: 1 / Float(g.headDim).squareRoot(), into: q)
        let probabilities = ws.tensor(g.batch, g.heads, g.queries, g.keys)
        let dropped = dropout.active ? ws.tensor(probabilities.shape) : probabilities
        let context = ws.tensor(x.shape.rows, d)
        attend(q: q, k: k, v: v, geometry: g, mask: mask, dropout: dropout,
               probabilities: probabilities, dropped: dropped, context: context,
               precision: ws.products.precision)
        Linear.forward(context, w.out, into: out, ws)
        return AttentionCache(queryInput: x, keyValueInput: kv, q: q, k: k, v: v, probabilities: probabilities,
                              dropped: dropped, context: context, geometry: g, mask: mask, dropout: dropout)
    }

    /// The per-head core: scores = q·kᵀ, softmax under the mask, dropout, context = p·v.
    /// Every product is one sgemm on strided views of the activations, over item b's
    /// queryCount(b) × keyCount(b) block only; the mask must hide the rest of the scores.
    /// Batch items run in parallel, each product on one thread: they are too small to split.
    static func attend(q: Tensor, k: Tensor, v: Tensor, geometry g: AttentionGeometry, mask: AttentionMask,
                       dropout: DropoutSite, probabilities: Tensor, dropped: Tensor, context: Tensor,
                       precision: ProductPrecision = .fp32) {
        let d = g.modelDim, tq = g.queries, tk = g.keys
        Threads.parallelFor(g.batch, minPerChunk: 1) { items in for b in items {
            let rows = g.queryCount(b), keys = g.keyCount(b), qo = g.queryRow(b) * d, kv = g.keyRow(b) * d
            for h in 0..<g.heads {
                MatMul.gemmOnThisThread(m: rows, n: keys, k: g.headDim,
                            a: q.data + qo + h * g.headDim, lda: d,
                            b: k.data + kv + h * g.headDim, ldb: d, transposeB: true,
                            c: probabilities.data + (b * g.heads + h) * tq * tk, ldc: tk, precision: precision)
            }
        } }
        Softmax.forward(probabilities, into: probabilities, mask: mask)
        if dropout.active, let key = dropout.key {
            Dropout.forward(probabilities, into: dropped, probability: dropout.probability, key: key)
        }
        Threads.parallelFor(g.batch, minPerChunk: 1) { items in for b in items {
            let rows = g.queryCount(b), keys = g.keyCount(b), qo = g.queryRow(b) * d, kv = g.keyRow(b) * d
            for h in 0..<g.heads {
                MatMul.gemmOnThisThread(m: rows, n: g.headDim, k: keys,
                            a: dropped.data + (b * g.heads + h) * tq * tk, lda: tk,
                            b: v.data + kv + h * g.headDim, ldb: d,
                            c: context.data + qo + h * g.headDim, ldc: d, precision: precision)
            }
        } }
    }

    /// Accumulates parameter gradients into `grads`; writes (or adds, when `accumulate`)
    /// the query input's gradient into `dQuery` and adds the key/value input's gradient
    /// into `dKeyValue`. For self-attention pass the same tensor for both.
    static func backward(_ dOut: Tensor, cache c: AttentionCache, weights w: AttentionWeights,
                         gradients gw: AttentionWeights, workspace ws: Workspace,
                         dQuery: Tensor, accumulateQuery: Bool, dKeyValue: Tensor) {
        let g = c.geometry, d = g.modelDim, tq = g.queries, tk = g.keys, precision = ws.products.precision
        let dContext = ws.tensor(c.context.shape)
        Linear.backward(dOut, input: c.context, weights: w.out, gradients: gw.out, dx: dContext, ws)

        let dScores = ws.tensor(c.probabilities.shape)
        let dq = ws.tensor(c.q.shape), dk = ws.tensor(c.k.shape), dv = ws.tensor(c.v.shape)
        // Items write disjoint rows of dk and dv only while no two share key rows.
        precondition(g.keyBlocks == nil, "attention backward: hypotheses sharing key rows (decoding only)")
        Threads.parallelFor(g.batch, minPerChunk: 1) { items in for b in items {
            let rows = g.queryCount(b), keys = g.keyCount(b)
            for h in 0..<g.heads {
                let head = (b * g.heads + h) * tq * tk
                let ctx = g.queryRow(b) * d + h * g.headDim, kv = g.keyRow(b) * d + h * g.headDim
                // dP' = dContext·vᵀ ; dv = P'ᵀ·dContext
                MatMul.gemmOnThisThread(m: rows, n: keys, k: g.headDim, a: dContext.data + ctx, lda: d,
                            b: c.v.data + kv, ldb: d, transposeB: true, c: dScores.data + head, ldc: tk, precision: precision)
                MatMul.gemmOnThisThread(m: keys, n: g.headDim, k: rows, a: c.dropped.data + head, lda: tk, transposeA: true,
                            b: dContext.data + ctx, ldb: d, c: dv.data + kv, ldc: d, precision: precision)
            }
        } }
        if c.dropout.active, let key = c.dropout.key {
            Dropout.backward(dScores, into: dScores, probability: c.dropout.probability, key: key)
        }
        // Only each item's block of dScores was written; the mask keeps the rest unread.
        Softmax.backward(dScores, output: c.probabilities, into: dScores, mask: c.mask)
        Threads.parallelFor(g.batch, minPerChunk: 1) { items in for b in items {
            let rows = g.queryCount(b), keys = g.keyCount(b)
            for h in 0..<g.heads {
                let head = (b * g.heads + h) * tq * tk
                let qo = g.queryRow(b) * d + h * g.headDim, kv = g.keyRow(b) * d + h * g.headDim
                // dq = dS·k ; dk = dSᵀ·q
                MatMul.gemmOnThisThread(m: rows, n: g.headDim, k: keys, a: dScores.data + head, lda: tk,
                            b: c.k.data + kv, ldb: d, c: dq.data + qo, ldc: d, precision: precision)
                MatMul.gemmOnThisThread(m: keys, n: g.headDim, k: rows, a: dScores.data + head, lda: tk, transposeA: true,
                            b: c.q.data + qo, ldb: d, c: dk.data + kv, ldc: d, precision: precision)
            }
        } }
        // q was scaled after its bias, so the projection's gradient carries the scale.
        Elementwise.scale(dq, by: 1 / Float(g.headDim).squareRoot(), into: dq)
        Linear.backward(dq, input: c.queryInput, weights: w.q, gradients: gw.q, dx: dQuery, accumulate: accumulateQuery, ws)
        Linear.backward(dk, input: c.keyValueInput, weights: w.k, gradients: gw.k, dx: dKeyValue, accumulate: true, ws)
        Linear.backward(dv, input: c.keyValueInput, weights: w.v, gradients: gw.v, dx: dKeyValue, accumulate: true, ws)
    }
}
