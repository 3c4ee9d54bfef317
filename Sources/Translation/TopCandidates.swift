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
}
