import Tensor

/// Attention with one query per row, as every decoding step computes it: row r's query
/// attends to `keyCount(r)` keys starting at `keyRow(r)` of a key/value table whose rows
/// hold [key | value] (2d floats). Per head: softmax(q·kᵀ)·v with q already scaled.
///
/// The general `MultiheadAttention.attend` would make two sgemm calls per row and head
/// with one query row each (thousands of calls per step); here each row's heads are plain
/// dot products and axpys on the cached rows. Rows run in parallel.
enum StepAttention {
    /// - Parameters:
    ///   - q: (rows, d) scaled queries, rows `queryStride` floats apart.
    ///   - keyValues: rows of [key (d) | value (d)].
    ///   - scores: scratch of rows × `maxKeys` floats.
    ///   - context: (rows, d).
    static func attend(q: UnsafePointer<Float>, queryStride: Int, rows: Int, heads: Int, headDim: Int,
                       keyValues: UnsafePointer<Float>, keyRow: (Int) -> Int, keyCount: (Int) -> Int,
                       scores: UnsafeMutablePointer<Float>, maxKeys: Int, context: Tensor) {
        let d = heads * headDim, stride = 2 * d
        Threads.parallelFor(rows, minPerChunk: 4) { range in
            for r in range {
                let n = keyCount(r), base = keyValues + keyRow(r) * stride
                let p = scores + r * maxKeys, out = context.data + r * d
                guard n > 0 else { out.update(repeating: 0, count: d); continue }   // nothing to attend to
                for h in 0..<heads {
                    let query = q + r * queryStride + h * headDim, keys = base + h * headDim, values = keys + d
                    for j in 0..<n { p[j] = Softmax.dotRow(query, keys + j * stride, headDim) }
                    Softmax.softmaxRow(p, p, n)
                    weightedSum(p, n, values: values, stride: stride, headDim: headDim, into: out + h * headDim)
                }
            }
        }
    }

    /// out = Σ_j p[j]·values[j] over `headDim` floats, eight lanes at a time.
    @inline(__always)
    private static func weightedSum(_ p: UnsafePointer<Float>, _ n: Int, values: UnsafePointer<Float>, stride: Int,
                                    headDim: Int, into out: UnsafeMutablePointer<Float>) {
        var c = 0
        while c + 16 <= headDim {
            var a0 = Float8(), a1 = Float8()
            for j in 0..<n {
                let w = Float8(repeating: p[j]), v = values + j * stride + c
                a0 = a0.addingProduct(w, load8(v)); a1 = a1.addingProduct(w, load8(v + 8))
            }
            store8(a0, out + c); store8(a1, out + c + 8)
            c += 16
        }
        while c < headDim {
            var s: Float = 0
            for j in 0..<n { s += p[j] * values[j * stride + c] }
            out[c] = s
            c += 1
        }
    }
}
