/// One AdamW update over an element range of the parameter arena, step for step as
/// PyTorch's `torch.optim.AdamW` (single-tensor path): the per-thread part of Training's
/// `AdamW`. Lanewise, so every width gives the same bits.
public enum AdamWKernel {
    /// The constants of one update (t = the update's number).
    public struct Step {
        /// 1 − lr·λ: decoupled weight decay.
        public var decay: Float
        /// lr / (1 − β₁ᵗ).
        public var stepSize: Float
        /// √(1 − β₂ᵗ).
        public var biasCorrection2Sqrt: Float
        public var beta1: Float
        public var beta2: Float
        public var eps: Float

        public init(decay: Float, stepSize: Float, biasCorrection2Sqrt: Float, beta1: Float, beta2: Float, eps: Float) {
            self.decay = decay; self.stepSize = stepSize; self.biasCorrection2Sqrt = biasCorrection2Sqrt
            self.beta1 = beta1; self.beta2 = beta2; self.eps = eps
        }
    }

    /// p ← p·decay; m ← m + (g − m)(1 − β₁) (torch's lerp_); v ← β₂v + (1 − β₂)g²;
    /// p ← p − stepSize · m / (√v / √(1 − β₂ᵗ) + ε).
    @inlinable @inline(__always)
    public static func update<V: FloatVector>(_: V.Type, parameters p: UnsafeMutablePointer<Float>,
                                              gradients g: UnsafePointer<Float>, firstMoment m: UnsafeMutablePointer<Float>,
                                              secondMoment v: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ s: Step) {
        let decay = V(repeating: s.decay), stepSize = V(repeating: s.stepSize)
        let oneMinusBeta1 = V(repeating: 1 - s.beta1), oneMinusBeta2 = V(repeating: 1 - s.beta2)
        let beta2 = V(repeating: s.beta2), correction = V(repeating: s.biasCorrection2Sqrt), eps = V(repeating: s.eps)
        /// The update of one vector of elements at offset i of the four arrays.
        @inline(__always)
        func step(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                  _ v: UnsafeMutablePointer<Float>, _ i: Int) {
            let grad = V.load(g + i), mOld = V.load(m + i)
            let param: V = V.load(p + i) * decay
            let mi: V = mOld + (grad - mOld) * oneMinusBeta1
            let vi: V = V.load(v + i) * beta2 + oneMinusBeta2 * grad * grad
            let denominator: V = vi.squareRoot() / correction + eps
            let updated: V = param - stepSize * (mi / denominator)
            mi.store(to: m + i); vi.store(to: v + i); updated.store(to: p + i)
        }
        var i = range.lowerBound
        while i + V.laneCount <= range.upperBound {
            step(p, g, m, v, i)
            i += V.laneCount
        }
        // The tail through one zero-padded vector per array (zero lanes stay finite:
        // m = v = 0 gives 0 / ε), so it gets exactly the vector code's result.
        let tail = range.upperBound - i
        guard tail > 0 else { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * V.laneCount) { buffer in
            let w = V.laneCount, base = buffer.baseAddress!
            base.initialize(repeating: 0, count: 4 * w)
            let (tp, tg, tm, tv) = (base, base + w, base + 2 * w, base + 3 * w)
            tp.update(from: p + i, count: tail); tg.update(from: g + i, count: tail)
            tm.update(from: m + i, count: tail); tv.update(from: v + i, count: tail)
            step(tp, tg, tm, tv, 0)
            (p + i).update(from: tp, count: tail); (m + i).update(from: tm, count: tail); (v + i).update(from: tv, count: tail)
        }
    }
}
