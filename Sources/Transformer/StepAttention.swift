import Kernels
import Tensor

/// Attention with one query per row, as every decoding step computes it: row r's query
/// attends to `counts[r]` keys of a key/value table whose rows hold [key | value]
/// (2d floats), listed per row in a table of entry indices. Per head: softmax(q·kᵀ)·v
/// with q already scaled.
///
/// The general `MultiheadAttention.attend` would make two sgemm calls per row and head
/// with one query row each (thousands of calls per step); here each row's heads are plain
/// dot products and axpys on the cached rows (`Kernels.StepAttentionKernel`, on the active
/// vector path). Rows run in parallel.
enum StepAttention {
    /// - Parameters:
    ///   - q: (rows, d) scaled queries, rows `queryStride` floats apart.
    ///   - keyValues: entries of [key (d) | value (d)].
    ///   - entries: (rows, maxKeys): row r's keys are entries entries[r·maxKeys + j], j < counts[r].
    ///   - counts: (rows) how many keys each row attends to (≤ maxKeys).
    ///   - scores: scratch of rows × `maxKeys` floats.
    ///   - context: (rows, d).
    ///   - averaged: when set, (rows, maxKeys) receives the attention probabilities averaged
    ///     over the heads (zeros past each row's count); when nil, nothing more is computed.
    static func attend(q: UnsafePointer<Float>, queryStride: Int, rows: Int, heads: Int, headDim: Int,
                       keyValues: UnsafePointer<Float>, entries: UnsafePointer<Int32>, counts: UnsafePointer<Int32>,
                       scores: UnsafeMutablePointer<Float>, maxKeys: Int, context: Tensor,
                       averaged: UnsafeMutablePointer<Float>? = nil) {
        let operands = StepAttentionKernel.Operands(
            q: q, queryStride: queryStride, heads: heads, headDim: headDim, keyValues: keyValues, entries: entries,
            counts: counts, scores: scores, maxKeys: maxKeys, context: context.data, averaged: averaged)
        let kernel = VectorISA.kernels.stepAttention
        Threads.parallelFor(rows, minPerChunk: 4) { range in kernel(range, operands) }
    }
}
