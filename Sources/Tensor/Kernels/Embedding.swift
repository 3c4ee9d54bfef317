/// Embedding lookup (row gather) and its scatter-add backward.
public enum Embedding {
    /// out[i, :] = scale · table[ids[i], :]. Shapes: table (V, C), ids (N), out (N, C).
    /// Ids must be in 0..<V (checked by the caller, which reports bad input as an error).
    public static func forward(table: Tensor, ids: UnsafePointer<Int32>, count n: Int,
                               scale: Float = 1, into out: Tensor) {
        let cols = table.shape.last, vocab = table.shape.rows
        precondition(out.shape.rows == n && out.shape.last == cols,
                     "embedding: out \(out.shape) should be (\(n), \(cols)) for table \(table.shape)")
        Threads.parallelFor(n, minPerChunk: 32) { range in
            for i in range {
                let id = Int(ids[i])
                precondition(id >= 0 && id < vocab, "embedding: id \(id) at \(i) outside vocabulary of \(vocab)")
                let src = table.data + id * cols, dst = out.data + i * cols
                var c = 0
                while c + 8 <= cols { store8(load8(src + c) * scale, dst + c); c += 8 }
                while c < cols { dst[c] = src[c] * scale; c += 1 }
            }
        }
    }

    /// dTable[ids[i], :] += scale · dOut[i, :] for every id but `skipping` (PyTorch's
    /// `padding_idx`: the padding row gets no gradient). Shapes: dOut (N, C), dTable (V, C).
    ///
    /// Split over column blocks, each walking the tokens in order, so repeated ids add up in
    /// the same order for any thread count (bitwise deterministic, no atomics).
    public static func backward(_ dOut: Tensor, ids: UnsafePointer<Int32>, count n: Int,
                                scale: Float = 1, skipping: Int32? = nil, into dTable: Tensor) {
        let cols = dTable.shape.last
        precondition(dOut.shape.rows == n && dOut.shape.last == cols,
                     "embeddingBackward: dOut \(dOut.shape) should be (\(n), \(cols)) for table \(dTable.shape)")
        Threads.parallelFor(cols / 8 + (cols % 8 == 0 ? 0 : 1), minPerChunk: 4) { blocks in
            let c0 = blocks.lowerBound * 8, c1 = min(blocks.upperBound * 8, cols)
            for i in 0..<n where ids[i] != skipping {
                let src = dOut.data + i * cols, dst = dTable.data + Int(ids[i]) * cols
                var c = c0
                while c + 8 <= c1 { store8(load8(dst + c).addingProduct(load8(src + c), scale), dst + c); c += 8 }
                while c < c1 { dst[c] += src[c] * scale; c += 1 }
            }
        }
    }
}
