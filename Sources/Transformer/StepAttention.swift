import Tensor

/// Attention with one query per row, as every decoding step computes it: row r's query
/// attends to `counts[r]` keys of a key/value table whose rows hold [key | value]
/// (2d floats), listed per row in a table of entry indices. Per head: softmax(q·kᵀ)·v
/// with q already scaled.
///
/// The general `MultiheadAttention.attend` would make two sgemm calls per row and head
/// with one query row each (thousands of calls per step); here each row's heads are plain
/// dot products and axpys on the cached rows. Rows run in parallel.
enum StepAttention {
    /// - Parameters:
    ///   - q: (rows, d) scaled queries, rows `queryStride` floats apart.
    ///   - keyValues: entries of [key (d) | value (d)].
    ///   - entries: (rows, maxKeys): row r's keys are entries entries[r·maxKeys + j], j < counts[r].
    ///   - counts: (rows) how many keys each row attends to (≤ maxKeys).
    ///   - scores: scratch of rows × `maxKeys` floats.
    ///   - context: (rows, d).
    static func attend(q: UnsafePointer<Float>, queryStride: Int, rows: Int, heads: Int, headDim: Int,
                       keyValues: UnsafePointer<Float>, entries: UnsafePointer<Int32>, counts: UnsafePointer<Int32>,
                       scores: UnsafeMutablePointer<Float>, maxKeys: Int, context: Tensor) {
        let d = heads * headDim, entrySize = 2 * d
        Threads.parallelFor(rows, minPerChunk: 4) { range in
            for r in range {
                let n = Int(counts[r]), p = scores + r * maxKeys, out = context.data + r * d
                let entry = entries + r * maxKeys
                @inline(__always) func offset(_ j: Int) -> Int { Int(entry[j]) * entrySize }
                guard n > 0 else { out.update(repeating: 0, count: d); continue }   // nothing to attend to
                for h in 0..<heads {
                    let query = q + r * queryStride + h * headDim, head = keyValues + h * headDim
                    var j = 0
                    while j + 4 <= n {
                        let s = dot4(query, head + offset(j), head + offset(j + 1), head + offset(j + 2),
                                     head + offset(j + 3), headDim)
                        p[j] = s.0; p[j + 1] = s.1; p[j + 2] = s.2; p[j + 3] = s.3
                        j += 4
                    }
                    while j < n { p[j] = Softmax.dotRow(query, head + offset(j), headDim); j += 1 }
                    Softmax.softmaxRow(p, p, n)
                    weightedSum(p, n, values: head + d, entries: entry, entrySize: entrySize, headDim: headDim,
                                into: out + h * headDim)
                }
            }
        }
    }

    /// Four dot products of `a` with b0…b3 over `n` floats, interleaved so that the four
    /// accumulation chains overlap.
    @inline(__always)
    private static func dot4(_ a: UnsafePointer<Float>, _ b0: UnsafePointer<Float>, _ b1: UnsafePointer<Float>,
                             _ b2: UnsafePointer<Float>, _ b3: UnsafePointer<Float>, _ n: Int) -> (Float, Float, Float, Float) {
        var s0 = Float8(), s1 = Float8(), s2 = Float8(), s3 = Float8()
        var c = 0
        while c + 8 <= n {
            let x = load8(a + c)
            s0 = s0.addingProduct(x, load8(b0 + c)); s1 = s1.addingProduct(x, load8(b1 + c))
            s2 = s2.addingProduct(x, load8(b2 + c)); s3 = s3.addingProduct(x, load8(b3 + c))
            c += 8
        }
        var r = (s0.sum(), s1.sum(), s2.sum(), s3.sum())
        while c < n { r.0 += a[c] * b0[c]; r.1 += a[c] * b1[c]; r.2 += a[c] * b2[c]; r.3 += a[c] * b3[c]; c += 1 }
        return r
    }

    /// out = Σ_j p[j]·values[j] over `headDim` floats: 32 lanes (four accumulators) per
    /// pass over the keys, then 8 at a time, then single floats.
    @inline(__always)
    private static func weightedSum(_ p: UnsafePointer<Float>, _ n: Int, values: UnsafePointer<Float>,
                                    entries: UnsafePointer<Int32>, entrySize: Int, headDim: Int,
                                    into out: UnsafeMutablePointer<Float>) {
        @inline(__always) func keyOffset(_ j: Int) -> Int { Int(entries[j]) * entrySize }
        var c = 0
        while c + 32 <= headDim {
            var a0 = Float8(), a1 = Float8(), a2 = Float8(), a3 = Float8()
            for j in 0..<n {
                let w = Float8(repeating: p[j]), v = values + keyOffset(j) + c
                a0 = a0.addingProduct(w, load8(v)); a1 = a1.addingProduct(w, load8(v + 8))
                a2 = a2.addingProduct(w, load8(v + 16)); a3 = a3.addingProduct(w, load8(v + 24))
            }
            store8(a0, out + c); store8(a1, out + c + 8); store8(a2, out + c + 16); store8(a3, out + c + 24)
            c += 32
        }
        while c + 8 <= headDim {
            var a = Float8()
            for j in 0..<n { a = a.addingProduct(Float8(repeating: p[j]), load8(values + keyOffset(j) + c)) }
            store8(a, out + c)
            c += 8
        }
        while c < headDim {
            var s: Float = 0
            for j in 0..<n { s += p[j] * values[keyOffset(j) + c] }
            out[c] = s
            c += 1
        }
    }
}
