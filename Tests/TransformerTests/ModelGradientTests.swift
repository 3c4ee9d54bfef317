import Foundation
import Testing
import TestSupport
@testable import Tensor
@testable import Transformer

@Suite(.timeLimit(.minutes(10))) struct ModelGradientTests {
    /// GELU models only: finite differences across ReLU's kink do not estimate a
    /// derivative, so ReLU models are checked against the PyTorch reference instead (and
    /// ReLU's backward by itself in TensorTests).
    static let cases: [(Bool, EmbeddingSharing)] = [(false, .none), (true, .all), (false, .decoderInputOutput), (true, .none)]

    /// Every parameter's gradient against central finite differences of the summed
    /// cross-entropy (accumulated in Double). Float32 forward passes limit the precision
    /// of the quotient, hence the step 1e-2 and the tolerances.
    @Test(arguments: cases)
    func wholeModelGradientMatchesFiniteDifferences(preNorm: Bool, sharing: EmbeddingSharing) throws {
        let config = Fixture.config(preNorm: preNorm, sharing: sharing, activation: .gelu)
        let model = try Fixture.model(config)
        let batch = Fixture.batch()
        try model.validate(batch)
        let ws = Workspace()
        func loss() -> Double {
            ws.reset()
            let logits = model.forward(batch, mode: .inference, workspace: ws)
            return crossEntropy(logits, targets: batch.packedTarget, pad: config.padID, writeGradient: false)
        }
        ws.reset()
        let logits = model.forward(batch, mode: .inference, workspace: ws)
        _ = crossEntropy(logits, targets: batch.packedTarget, pad: config.padID, writeGradient: true)
        model.gradients.zero()
        model.backward(logits, workspace: ws)

        for entry in model.table.entries {
            let values = model.parameters.view(entry.name)
            let analytic = model.gradients.view(entry.name).toArray()
            checkGradient("\(entry.name) (preNorm \(preNorm), sharing \(sharing))",
                          input: values, analytic: analytic, eps: 1e-2, atol: 2e-3, rtol: 2e-2, loss: loss)
        }
    }
}
