/// Attention with one query per row, as every decoding step computes it: the per-thread
/// part of Transformer's `StepAttention`. Row r's query attends to `counts[r]` keys of a
/// key/value table whose entries hold [key | value] (2d floats), listed per row in a table
/// of entry indices. Per head: softmax(q·kᵀ)·v with q already scaled; heads are plain dot
/// products and axpys on the cached rows.
public enum StepAttentionKernel {
    /// The operands of one step's attention. Shapes: q (rows, d) scaled queries
    /// `queryStride` floats apart; entries (rows, maxKeys) of indices into keyValues;
    /// counts (rows); scores, scratch of rows × maxKeys; context (rows, d); averaged, when
    /// set, (rows, maxKeys) receives each row's probabilities averaged over the heads
    /// (zeros past counts[r]), what alignments read.
    public struct Operands {
        public let q: UnsafePointer<Float>
        public let queryStride: Int
        public let heads: Int
        public let headDim: Int
        public let keyValues: UnsafePointer<Float>
        public let entries: UnsafePointer<Int32>
        public let counts: UnsafePointer<Int32>
        public let scores: UnsafeMutablePointer<Float>
        public let maxKeys: Int
        public let context: UnsafeMutablePointer<Float>
        public let averaged: UnsafeMutablePointer<Float>?

        public init(q: UnsafePointer<Float>, queryStride: Int, heads: Int, headDim: Int, keyValues: UnsafePointer<Float>,
                    entries: UnsafePointer<Int32>, counts: UnsafePointer<Int32>, scores: UnsafeMutablePointer<Float>,
                    maxKeys: Int, context: UnsafeMutablePointer<Float>, averaged: UnsafeMutablePointer<Float>? = nil) {
            self.q = q; self.queryStride = queryStride; self.heads = heads; self.headDim = headDim
            self.keyValues = keyValues; self.entries = entries; self.counts = counts; self.scores = scores
            self.maxKeys = maxKeys; self.context = context; self.averaged = averaged
        }
    }

    /// Rows `rows` of the step's attention.
    @inlinable @inline(__always)
    public static func attend<V: FloatVector>(_: V.Type, rows: Range<Int>, _ o: Operands) {
        let d = o.heads * o.headDim, entrySize = 2 * d
        for r in rows {
            let n = Int(o.counts[r]), p = o.scores + r * o.maxKeys, out = o.context + r * d
            let entry = o.entries + r * o.maxKeys
            @inline(__always) func offset(_ j: Int) -> Int { Int(entry[j]) * entrySize }
            if let averaged = o.averaged { (averaged + r * o.maxKeys).update(repeating: 0, count: o.maxKeys) }
            guard n > 0 else { out.update(repeating: 0, count: d); continue }   // nothing to attend to
            for h in 0..<o.heads {
                let query = o.q + r * o.queryStride + h * o.headDim, head = o.keyValues + h * o.headDim
                var j = 0
                while j + 4 <= n {
                    let s = dot4(V.self, query, head + offset(j), head + offset(j + 1), head + offset(j + 2),
                                 head + offset(j + 3), o.headDim)
                    p[j] = s.0; p[j + 1] = s.1; p[j + 2] = s.2; p[j + 3] = s.3
                    j += 4
                }
                while j < n { p[j] = V.dotRow(query, head + offset(j), o.headDim); j += 1 }
                V.softmaxRow(p, p, n)
                if let averaged = o.averaged {
                    let a = averaged + r * o.maxKeys, share = 1 / Float(o.heads)
                    for j in 0..<n { a[j] += share * p[j] }
                }
                weightedSum(V.self, p, n, values: head + d, entries: entry, entrySize: entrySize, headDim: o.headDim,
                            into: out + h * o.headDim)
            }
        }
    }

    /// Four dot products of `a` with b0…b3 over `n` floats, interleaved so that the four
    /// accumulation chains overlap.
    @inlinable @inline(__always)
    static func dot4<V: FloatVector>(_: V.Type, _ a: UnsafePointer<Float>, _ b0: UnsafePointer<Float>,
                                     _ b1: UnsafePointer<Float>, _ b2: UnsafePointer<Float>, _ b3: UnsafePointer<Float>,
                                     _ n: Int) -> (Float, Float, Float, Float) {
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        var c = 0
        while c + V.laneCount <= n {
            let x = V.load(a + c)
            s0 = s0.addingProduct(x, V.load(b0 + c)); s1 = s1.addingProduct(x, V.load(b1 + c))
            s2 = s2.addingProduct(x, V.load(b2 + c)); s3 = s3.addingProduct(x, V.load(b3 + c))
            c += V.laneCount
        }
        var r = (s0.sum(), s1.sum(), s2.sum(), s3.sum())
        while c < n { r.0 += a[c] * b0[c]; r.1 += a[c] * b1[c]; r.2 += a[c] * b2[c]; r.3 += a[c] * b3[c]; c += 1 }
        return r
    }

    /// out = Σ_j p[j]·values[j] over `headDim` floats: four vectors (four accumulators) per
    /// pass over the keys, then one vector at a time, then single floats.
    @inlinable @inline(__always)
    static func weightedSum<V: FloatVector>(_: V.Type, _ p: UnsafePointer<Float>, _ n: Int, values: UnsafePointer<Float>,
                                            entries: UnsafePointer<Int32>, entrySize: Int, headDim: Int,
                                            into out: UnsafeMutablePointer<Float>) {
        @inline(__always) func keyOffset(_ j: Int) -> Int { Int(entries[j]) * entrySize }
        let w = V.laneCount
        var c = 0
        while c + 4 * w <= headDim {
            var a0 = V(), a1 = V(), a2 = V(), a3 = V()
            for j in 0..<n {
                let weight = V(repeating: p[j]), v = values + keyOffset(j) + c
                a0 = a0.addingProduct(weight, V.load(v)); a1 = a1.addingProduct(weight, V.load(v + w))
                a2 = a2.addingProduct(weight, V.load(v + 2 * w)); a3 = a3.addingProduct(weight, V.load(v + 3 * w))
            }
            a0.store(to: out + c); a1.store(to: out + c + w); a2.store(to: out + c + 2 * w); a3.store(to: out + c + 3 * w)
            c += 4 * w
        }
        while c + w <= headDim {
            var a = V()
            for j in 0..<n { a = a.addingProduct(V(repeating: p[j]), V.load(values + keyOffset(j) + c)) }
            a.store(to: out + c)
            c += w
        }
        while c < headDim {
            var s: Float = 0
            for j in 0..<n { s += p[j] * values[keyOffset(j) + c] }
            out[c] = s
            c += 1
        }
    }
}
