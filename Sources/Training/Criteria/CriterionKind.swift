/// The training criteria the toolkit offers, named as on the command line and in configs.
///
/// LABO is the default; label-smoothed cross-entropy and plain cross-entropy stay
/// selectable for comparison (docs/labo.md, specification section 6).
public enum CriterionKind: String, Codable, CaseIterable, Sendable {
    case labo
    case labelSmoothedCrossEntropy = "label_smoothed_cross_entropy"
    case crossEntropy = "cross_entropy"

    /// The criterion used when none is named.
}
