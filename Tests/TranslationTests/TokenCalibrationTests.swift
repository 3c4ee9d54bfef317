import Foundation
import Testing
import Tensor
import TestSupport
import Transformer
@testable import Translation

/// Token-level calibration: its figures on hand-computed distributions, and its wiring into
/// forced decoding.
@Suite(.timeLimit(.minutes(5))) struct TokenCalibrationTests {
    /// Adds each probability row (natural log taken here) with its reference.
    static func calibration(_ rows: [([Float], Int)], binCount: Int) -> TokenCalibration {
        var calibration = TokenCalibration(binCount: binCount)
        for (probabilities, reference) in rows {
            probabilities.map { log($0) }.withUnsafeBufferPointer {
                calibration.add(logProbabilities: $0, reference: reference)
            }
        }
        return calibration
    }

    // Confidences .71, .65, .45, .72 (none on a bin edge, where rounding decides); correct, wrong, correct, wrong. With 10 bins:
    // bin 7 holds .71 and .72 (1 correct), bin 6 holds .65 (0), bin 4 holds .45 (1).
    static let rows: [([Float], Int)] = [
        ([0.71, 0.19, 0.10], 0),
        ([0.15, 0.65, 0.20], 2),
        ([0.30, 0.25, 0.45], 2),
        ([0.72, 0.18, 0.10], 1),
    ]

    @Test func figuresOfHandComputedRows() {
        let c = Self.calibration(Self.rows, binCount: 10)
        #expect(c.positions == 4)
        #expect(c.bins.map(\.positions) == [0, 0, 0, 0, 1, 0, 1, 2, 0, 0])
        #expect(c.bins.map(\.correct) == [0, 0, 0, 0, 1, 0, 0, 1, 0, 0])
        #expect(c.accuracy == 0.5)
        #expect(abs(c.meanConfidence - 2.53 / 4) < 1e-6)
        // (|1 − 1.43| + |0 − .65| + |1 − .45|) / 4
        #expect(abs(c.expectedCalibrationError - 1.63 / 4) < 1e-6, "\(c.expectedCalibrationError)")
        let nll = -(log(0.71) + log(0.20) + log(0.45) + log(0.18)) / 4
        #expect(abs(c.negativeLogLikelihood - nll) < 1e-6)
        let entropy = Self.rows.map { row in -row.0.reduce(0.0) { $0 + Double($1) * log(Double($1)) } }.reduce(0, +) / 4
        #expect(abs(c.meanEntropy - entropy) < 1e-6)
    }

    /// A uniform row: entropy log V, confidence 1/V, and the tie goes to the lowest index.
    /// A row with zero probabilities (log −∞) keeps a finite entropy.
    @Test func tiesAndZeroProbabilities() {
        let uniform = [Float](repeating: 0.125, count: 8)
        let first = Self.calibration([(uniform, 0)], binCount: 20)
        let other = Self.calibration([(uniform, 3)], binCount: 20)
        #expect(first.accuracy == 1 && other.accuracy == 0)
        #expect(abs(first.meanEntropy - log(8.0)) < 1e-6 && abs(first.meanConfidence - 0.125) < 1e-7)
        #expect(first.bins[2].positions == 1, "0.125 lies in [0.10, 0.15)")

        let certain = Self.calibration([([0, 1, 0, 0], 1)], binCount: 20)
        #expect(certain.meanEntropy == 0 && certain.negativeLogLikelihood == 0)
        #expect(certain.bins[19].positions == 1, "confidence 1 falls in the last bin")
        #expect(certain.expectedCalibrationError == 0)
    }

    /// The reference's rank decides top-5 accuracy: 5th counts, 6th does not, and among equal
    /// probabilities the lower indices rank first (as for the prediction).
    @Test func topFiveAccuracyFollowsTheReferencesRank() {
        let descending: [Float] = [0.30, 0.20, 0.15, 0.12, 0.10, 0.08, 0.03, 0.02]
        let uniform = [Float](repeating: 0.125, count: 8)
        #expect(Self.calibration([(descending, 4)], binCount: 10).topKAccuracy == 1)
        #expect(Self.calibration([(descending, 5)], binCount: 10).topKAccuracy == 0)
        #expect(Self.calibration([(uniform, 4)], binCount: 10).topKAccuracy == 1)
        #expect(Self.calibration([(uniform, 5)], binCount: 10).topKAccuracy == 0)
        let mixed = Self.calibration([(descending, 0), (descending, 3), (descending, 7), (uniform, 2)], binCount: 10)
        #expect(mixed.accuracy == 0.25 && mixed.topKAccuracy == 0.75)
        #expect(Self.calibration(Self.rows, binCount: 10).topKAccuracy == 1, "V = 3: every reference is in the top 5")
    }

    @Test func jsonNamesTheFiguresAndOmitsEmptyBins() throws {
        let json = Self.calibration(Self.rows, binCount: 10).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["positions"] as? Int == 4 && object["bin_count"] as? Int == 10)
        #expect(abs((object["ece"] as? Double ?? -1) - 0.4075) < 1e-6)
        #expect(abs((object["accuracy"] as? Double ?? -1) - 0.5) < 1e-9 && object["top5_accuracy"] as? Double == 1)
        let bins = try #require(object["bins"] as? [[String: Any]])
        #expect(bins.map { $0["positions"] as? Int } == [1, 1, 2])
        #expect(bins.map { $0["lower"] as? Double } == [0.4, 0.6, 0.7])

        let empty = try #require(try JSONSerialization.jsonObject(with: Data(TokenCalibration().json().utf8)) as? [String: Any])
        #expect(empty["positions"] as? Int == 0 && empty["nll"] is NSNull && (empty["bins"] as? [Any])?.isEmpty == true)
    }

    /// Forced decoding adds every scored position (targets, then eos) once: its NLL is the
    /// negated mean of the positional scores, and its accuracy and confidence equal those of
    /// the incremental decoder's rows.
    @Test func forcedDecodingAddsEveryScoredPosition() throws {
        let model = try Fixture.model(Fixture.config(preNorm: false, sharing: .all))
        let sources: [[Int32]] = [[4, 5, 6, 7, 8, 9, 10], [11], [5, 5, 12, 7], [9, 10]]
        let targets: [[Int32]] = [[4, 4, 9], [], [12, 11, 10, 9, 8, 7, 6], [5]]
        var calibration = TokenCalibration()
        let scores = try ForcedDecoding.score(sources: sources, targets: targets, model: model, calibration: &calibration)
        #expect(scores == (try ForcedDecoding.score(sources: sources, targets: targets, model: model)))
        let positions = targets.map { $0.count + 1 }.reduce(0, +)
        #expect(calibration.positions == positions)
        let summed = scores.flatMap(\.positionalScores).reduce(0.0) { $0 + Double($1) }
        #expect(abs(calibration.negativeLogLikelihood + summed / Double(positions)) < 1e-6)

        // The same figures from the incremental decoder's rows, position by position.
        let scorer = ModelScorer(model: model)
        try scorer.start(sources: sources, hypothesesPerSentence: 1, steps: targets.map(\.count).max()! + 1)
        var stepped = TokenCalibration()
        let v = scorer.vocabularySize
        for i in 0...targets.map(\.count).max()! {
            let rows = scorer.step(tokens: targets.map { i == 0 || i > $0.count ? scorer.eosID : $0[i - 1] })
            for (b, target) in targets.enumerated() where i <= target.count {
                stepped.add(logProbabilities: UnsafeBufferPointer(start: rows.data + b * v, count: v),
                            reference: Int(i < target.count ? target[i] : scorer.eosID))
            }
        }
        #expect(abs(stepped.meanConfidence - calibration.meanConfidence) < 1e-5)
        #expect(abs(stepped.meanEntropy - calibration.meanEntropy) < 1e-4)
        // Predictions agree unless two tokens tie within rounding, which would move one position.
        #expect(abs(stepped.accuracy - calibration.accuracy) <= 1.0 / Double(positions))
        #expect(abs(stepped.topKAccuracy - calibration.topKAccuracy) <= 1.0 / Double(positions))
    }
}
