import Kernels
import Tensor

/// A training criterion over the decoder's logits: LABO (the default), fairseq's
/// label-smoothed cross-entropy, or plain cross-entropy.
///
/// Each criterion is a pure function of the logits, the targets and the padding id. It
/// returns sums over the non-padding tokens (loss, −log p_y, token count) and, for
/// training, writes dLoss/dLogits into the logits buffer in the same pass: no extra
/// (N, V) buffer. The row formulas are `Kernels.RowCriterion` (LaboRow, LabelSmoothedRow,
/// CrossEntropyRow), run on the active vector path (`VectorISA`).
/// Rows run in parallel (`Threads.parallelFor`); each row's result depends
/// only on that row, and the per-row losses are added in a fixed block order, so results
/// are bitwise identical for every thread count.
public struct Criterion: Equatable, Sendable {
    public let kind: CriterionKind
    /// α ∈ [0, 1): the label-smoothing mass (LS) or label-regularization mass (LABO).
    /// Cross-entropy ignores it.
    public let alpha: Float
    /// τ > 0, LABO's temperature (docs/labo.md, specification sections 2–3); the other criteria ignore it.
    public let tau: Float

    /// Rows whose losses are summed together before the partial sums are combined in
    /// order. Fixed, rather than one partial per thread, so that the summation order does
    /// not depend on the thread count.
    static let rowsPerPartial = 16

    public init(kind: CriterionKind, alpha: Float, tau: Float) {
        precondition(alpha >= 0 && alpha < 1, "criterion: alpha must be in [0, 1), got \(alpha)")
        precondition(tau > 0 && tau.isFinite, "criterion: tau must be positive and finite, got \(tau)")
        self.kind = kind
        self.alpha = alpha
        self.tau = tau
    }

    /// LABO with regularization mass α and temperature τ.
    public static func labo(alpha: Float = 0.1, tau: Float) -> Criterion {
        Criterion(kind: .labo, alpha: alpha, tau: tau)
    }

    /// fairseq's label-smoothed cross-entropy with smoothing ε = α.
    public static func labelSmoothed(alpha: Float = 0.1) -> Criterion {
        Criterion(kind: .labelSmoothedCrossEntropy, alpha: alpha, tau: 1)
    }

    public static let crossEntropy = Criterion(kind: .crossEntropy, alpha: 0, tau: 1)

    /// Loss sums, and the gradient in place.
    ///
    /// - Parameters:
    ///   - logits: (N, V), or (B, T, V) seen as N = B·T rows; overwritten with
    ///     ∂(summed loss)/∂logits. Rows whose target is `padID` get zeros.
    ///   - targets: (N) target ids; each is `padID` or in 0..<V (a precondition: ids were
    ///     checked as input earlier).
    /// - Complexity: O(N·V): a few passes over each row, exponentials vectorised.
    public func evaluate(logits: Tensor, targets: UnsafePointer<Int32>, padID: Int32) -> CriterionResult {
        run(logits, targets, padID, writesGradient: true)
    }

    /// The same sums as `evaluate`, without touching the logits (for validation).
    /// Shapes as in `evaluate`.
    public func loss(logits: Tensor, targets: UnsafePointer<Int32>, padID: Int32) -> CriterionResult {
        run(logits, targets, padID, writesGradient: false)
    }

    private func run(_ logits: Tensor, _ targets: UnsafePointer<Int32>, _ padID: Int32,
                     writesGradient: Bool) -> CriterionResult {
        let rows = logits.shape.rows, vocab = logits.shape.last
        precondition(logits.shape.rank >= 2 && vocab >= 1, "criterion: logits must be (…, V), got \(logits.shape)")
        precondition(kind == .crossEntropy || vocab >= 2,
                     "criterion \(kind.rawValue): needs V ≥ 2 (smoothing spreads over V − 1 classes), got logits \(logits.shape)")
        let partials = (rows + Self.rowsPerPartial - 1) / Self.rowsPerPartial
        let rowKernel = VectorISA.kernels.criterionRow, criterion = rowCriterion
        return withUnsafeTemporaryAllocation(of: CriterionResult.self, capacity: partials) { sums in
            Threads.parallelFor(partials, minPerChunk: 1) { range in
                // One row of scratch per chunk (LABO keeps its τ-scaled exponentials there).
                let scratch = kind == .labo && writesGradient ? UnsafeMutablePointer<Float>.allocate(capacity: vocab) : nil
                defer { scratch?.deallocate() }
                for p in range {
                    var sum = CriterionResult.zero
                    let end = Swift.min(rows, (p + 1) * Self.rowsPerPartial)
                    for r in (p * Self.rowsPerPartial)..<end {
                        let z = logits.data + r * vocab
                        let target = targets[r]
                        if target == padID {
                            if writesGradient { z.update(repeating: 0, count: vocab) }
                            continue
                        }
                        precondition(target >= 0 && Int(target) < vocab,
                                     "criterion: target \(target) at row \(r) is outside the vocabulary 0..<\(vocab)")
                        let row = rowKernel(criterion, z, vocab, Int(target), writesGradient ? z : nil, scratch, 1)
                        sum.loss += row.loss
                        sum.nll += row.nll
                        sum.tokens += 1
                    }
                    (sums.baseAddress! + p).initialize(to: sum)
                }
            }
            var total = CriterionResult.zero
            for p in 0..<partials { total += sums[p] }
            return total
        }
    }

    /// This criterion as the kernels' per-row formula.
    var rowCriterion: RowCriterion {
        switch kind {
        case .labo: return .labo(alpha: alpha, tau: tau)
        case .labelSmoothedCrossEntropy: return .labelSmoothed(alpha: alpha)
        case .crossEntropy: return .crossEntropy
        }
    }
}
