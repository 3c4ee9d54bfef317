import Foundation
import Testing
import TestSupport
@testable import Training

@Suite(.timeLimit(.minutes(10))) struct CriterionKindTests {
    /// LABO is what a run trains with when neither the config nor the command line names a
    /// criterion (TrainingConfig's default, which `nmt train` reads).
    @Test func namesAndDefault() throws {
        #expect(TrainingConfig().criterion == .labo)
        #expect(CriterionKind.allCases.map(\.rawValue) == ["labo", "label_smoothed_cross_entropy", "cross_entropy"])
        let decoded = try JSONDecoder().decode([CriterionKind].self, from: Data(#"["label_smoothed_cross_entropy"]"#.utf8))
        #expect(decoded == [.labelSmoothedCrossEntropy])
    }

    /// Targets outside 0..<V are a programmer error: the process stops, naming the row and value.
    @Test func outOfRangeTargetStopsWithRowAndValue() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = run(.crossEntropy, logits: [Float](repeating: 0, count: 10), vocab: 5, targets: [1, 5])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("target 5 at row 1 is outside the vocabulary 0..<5"), "stderr: \(message)")
    }
}
