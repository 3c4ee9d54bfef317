import Foundation

/// How well a model's next-token probabilities match how often it is right, measured on
/// reference translations by forced decoding (token-level calibration, as Kumar and
/// Sarawagi, "Calibration of Encoder Decoder Models for Neural Machine Translation", 2019).
///
/// At every scored position (each target token, then eos) the model's prediction is the most
/// probable token; its confidence is that token's probability, and it is correct when it is
/// the reference token. Label regularizers change exactly these quantities (Müller et al.,
/// "When Does Label Smoothing Help?", 2019), so they tell regularizers apart where BLEU and
/// NLL alone do not.
///
/// Accumulated in Double, one position at a time, in the order positions are added.
public struct TokenCalibration: Equatable, Sendable {
    /// Positions, correct predictions and summed confidence of one confidence interval.
    public struct Bin: Equatable, Sendable {
        public var positions = 0
        public var correct = 0
        public var confidenceSum = 0.0
    }

    /// Equal-width confidence intervals over [0, 1]; the last one includes 1.
    public private(set) var bins: [Bin]
    /// Σ −log p(reference) over the positions.
    public private(set) var negativeLogLikelihoodSum = 0.0
    /// Σ entropy of the predicted distribution (nats) over the positions.
    public private(set) var entropySum = 0.0
    /// Positions whose reference is among the `topK` most probable tokens.
    public private(set) var topKCorrect = 0
    /// The k of `topKAccuracy`: 5, as language-model evaluations report it.
    public static let topK = 5

    /// `binCount` equal-width confidence intervals (20 unless given; at least 1).
    public init(binCount: Int = 20) {
        bins = Array(repeating: Bin(), count: max(binCount, 1))
    }

    /// Adds one position: `logProbabilities` is the model's log-softmax over the vocabulary
    /// (V ≥ 1 values) and `reference` the index of the reference token, in 0..<V (forced
    /// decoding has checked it against the vocabulary). Ties for the most probable token go
    /// to the lowest index, so a tie counts as correct only when the reference is that index;
    /// the reference's rank follows the same order.
    public mutating func add(logProbabilities: UnsafeBufferPointer<Float>, reference: Int) {
        let referenceLogP = logProbabilities[reference]
        var best = 0
        var ahead = 0    // tokens ranked before the reference
        var entropy = 0.0
        for (v, logP) in logProbabilities.enumerated() {
            if logP > logProbabilities[best] { best = v }
            if logP > referenceLogP || (logP == referenceLogP && v < reference) { ahead += 1 }
            // p·log p → 0 as p → 0; an underflowed −∞ must not give 0·∞ = NaN.
            if logP > -.infinity { entropy -= Double(exp(logP)) * Double(logP) }
        }
        let confidence = Double(exp(logProbabilities[best]))
        let bin = min(Int(confidence * Double(bins.count)), bins.count - 1)
        bins[bin].positions += 1
        bins[bin].confidenceSum += confidence
        if best == reference { bins[bin].correct += 1 }
        if ahead < Self.topK { topKCorrect += 1 }
        negativeLogLikelihoodSum -= Double(referenceLogP)
        entropySum += entropy
    }

    /// Scored positions.
    public var positions: Int { bins.reduce(0) { $0 + $1.positions } }
    /// Fraction of positions whose most probable token is the reference.
    public var accuracy: Double { mean(Double(bins.reduce(0) { $0 + $1.correct })) }
    /// Fraction of positions whose reference is among the `topK` most probable tokens: with
    /// `accuracy`, whether a model that misses the reference still ranks it near the top.
    public var topKAccuracy: Double { mean(Double(topKCorrect)) }
    /// Mean probability of the most probable token.
    public var meanConfidence: Double { mean(bins.reduce(0) { $0 + $1.confidenceSum }) }
    /// Mean −log p(reference) (nats): the NLL `nmt score` reports per token.
    public var negativeLogLikelihood: Double { mean(negativeLogLikelihoodSum) }
    /// Mean entropy of the predicted distribution (nats).
    public var meanEntropy: Double { mean(entropySum) }

    /// Expected calibration error: Σ_b (n_b / N)·|accuracy_b − confidence_b| over the bins
    /// (Guo et al., "On Calibration of Modern Neural Networks", 2017, eq. 3). 0 when calibrated.
    public var expectedCalibrationError: Double {
        mean(bins.reduce(0.0) { $0 + abs(Double($1.correct) - $1.confidenceSum) })
    }

    private func mean(_ sum: Double) -> Double {
        positions == 0 ? .nan : sum / Double(positions)
    }
}

extension TokenCalibration {
    /// The summary as JSON: positions, nll, accuracy, top5_accuracy, mean_confidence,
    /// mean_entropy, ece, and per bin its interval, positions, accuracy and mean confidence
    /// (empty bins omitted).
    public func json() -> String {
        func number(_ x: Double) -> String { x.isFinite ? String(format: "%.6f", x) : "null" }
        let width = 1.0 / Double(bins.count)
        let rows = bins.enumerated().filter { $0.element.positions > 0 }.map { b, bin in
            let n = Double(bin.positions)
            return "    {\"lower\": \(number(Double(b) * width)), \"upper\": \(number(Double(b + 1) * width)), "
                + "\"positions\": \(bin.positions), \"accuracy\": \(number(Double(bin.correct) / n)), "
                + "\"confidence\": \(number(bin.confidenceSum / n))}"
        }
        return """
        {
          "positions": \(positions),
          "nll": \(number(negativeLogLikelihood)),
          "accuracy": \(number(accuracy)),
          "top\(Self.topK)_accuracy": \(number(topKAccuracy)),
          "mean_confidence": \(number(meanConfidence)),
          "mean_entropy": \(number(meanEntropy)),
          "ece": \(number(expectedCalibrationError)),
          "bin_count": \(bins.count),
          "bins": [
        \(rows.joined(separator: ",\n"))
          ]
        }

        """
    }
}
