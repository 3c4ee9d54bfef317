import Tensor

/// The real tokens of a right-padded (B, T) id matrix, packed: sentence b's tokens are
/// rows starts[b] ..< starts[b] + lengths[b] of every (count, d) activation.
///
/// The model runs on packed rows so that padding costs nothing in the token-wise products
/// (projections, feed-forward, output layer, criterion); attention runs per sentence on
/// its own rows (`AttentionGeometry.queryRows`/`keyRows`). All memory is in the workspace.
struct PackedSequences {
    let batch: Int
    /// The padded length T.
    let paddedLength: Int
    /// Total real tokens: Σ lengths.
    let count: Int
    let ids: UnsafeMutablePointer<Int32>       // (count)
    let starts: UnsafeMutablePointer<Int32>    // (B)
    let lengths: UnsafeMutablePointer<Int32>   // (B), each ≤ T

    /// Packs `ids` (B, T), keeping the first min(lengths[b], T) tokens of each row.
    init(ids padded: [Int32], lengths: [Int32], batch: Int, paddedLength: Int, workspace ws: Workspace) {
        self.batch = batch
        self.paddedLength = paddedLength
        starts = ws.buffer(Int32.self, count: max(batch, 1))
        self.lengths = ws.buffer(Int32.self, count: max(batch, 1))
        var total = 0
        for b in 0..<batch {
            let n = max(0, min(Int(lengths[b]), paddedLength))
            starts[b] = Int32(total)
            self.lengths[b] = Int32(n)
            total += n
        }
        count = total
        ids = ws.buffer(Int32.self, count: max(total, 1))
        padded.withUnsafeBufferPointer { source in
            for b in 0..<batch {
                (ids + Int(starts[b])).update(from: source.baseAddress! + b * paddedLength, count: Int(self.lengths[b]))
            }
        }
    }

    var rows: PackedRows { PackedRows(starts: starts, lengths: lengths) }

    /// Copies packed rows (count, d) into a zeroed right-padded (B·T, d) tensor.
    func unpack(_ packed: Tensor, into padded: Tensor) {
        let d = packed.shape.last
        padded.fill(0)
        for b in 0..<batch {
            (padded.data + b * paddedLength * d).update(from: packed.data + Int(starts[b]) * d, count: Int(lengths[b]) * d)
        }
    }
}
