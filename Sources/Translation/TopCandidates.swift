import Tensor

/// The k highest (score, index) pairs of a stream, best first.
///
/// Indices must be offered in increasing order; an equal score never displaces an
/// earlier index, so ties go to the smaller index (deterministic, unlike torch.topk).
/// Cost O(n) comparisons plus O(k) per insertion for n offers.
struct TopCandidates {
    let k: Int
    private(set) var scores: [Float] = []
    private(set) var indices: [Int] = []

    init(k: Int) {
        self.k = k
        scores.reserveCapacity(k + 1)
        indices.reserveCapacity(k + 1)
    }

    @inline(__always)
    mutating func offer(_ score: Float, _ index: Int) {
        if scores.count == k {
            guard score > scores[k - 1] else { return }
            scores.removeLast()
            indices.removeLast()
        }
        var position = scores.count
        while position > 0 && scores[position - 1] < score { position -= 1 }
        scores.insert(score, at: position)
        indices.insert(index, at: position)
    }

    /// Offers base + row[c] with index offset + c for every c in 0..<n except `skip`, in
    /// order; the same as offering each one, but once k candidates are held, blocks of
    /// eight that cannot beat the k-th score are passed over with one vector comparison.
    @inline(__always)
    mutating func offerRow(_ row: UnsafePointer<Float>, _ n: Int, base: Float, indexOffset: Int, skip: Int) {
        var c = 0
        while c + 8 <= n {
            let block = Float8(repeating: base) + load8(row + c)
            if scores.count < k || any(block .> Float8(repeating: scores[k - 1])) {
                for lane in 0..<8 where c + lane != skip { offer(block[lane], indexOffset + c + lane) }
            }
            c += 8
        }
        while c < n {
            if c != skip { offer(base + row[c], indexOffset + c) }
            c += 1
        }
    }
}
