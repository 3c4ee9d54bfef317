/// What a criterion returns for a batch: sums over the non-padding tokens, never a mean,
/// so that results of several batches (or of the sentences of one batch) simply add up.
public struct CriterionResult: Equatable, Sendable {
    /// Σ of the criterion's per-token loss (J for LABO), logged as "loss".
    public var loss: Double
    /// Σ −log p_y, logged as "nll_loss" whatever the criterion.
    public var nll: Double
    /// Number of tokens whose target is not the padding id.
    public var tokens: Int

    public init(loss: Double, nll: Double, tokens: Int) {
        self.loss = loss
        self.nll = nll
        self.tokens = tokens
    }

    public static let zero = CriterionResult(loss: 0, nll: 0, tokens: 0)

    public static func + (a: CriterionResult, b: CriterionResult) -> CriterionResult {
        CriterionResult(loss: a.loss + b.loss, nll: a.nll + b.nll, tokens: a.tokens + b.tokens)
    }

    public static func += (a: inout CriterionResult, b: CriterionResult) { a = a + b }
}
