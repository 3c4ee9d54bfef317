import Foundation
import Testing
import TestSupport
import Tensor
@testable import Training
@testable import Transformer

/// The whole model and each criterion against the PyTorch reference
/// (scripts/reference/transformer_reference.py, run in float64 by
/// scripts/fixtures/make_transformer_reference.sh; the outputs are committed).
///
/// Differences are measured per tensor relative to its largest magnitude:
/// max|ours − reference| / max(max|reference|, 1e-2) ≤ 1e-5 for logits and ≤ 1e-4 for
/// gradients. The floor matters only for k_proj biases, whose exact gradient is 0 (a
/// bias on the keys shifts a whole row of scores, which softmax ignores): there Float32
/// leaves up to ~2e-7 where float64 leaves ~1e-17 (other gradients here are ~1e-2 to 1).
@Suite(.timeLimit(.minutes(10))) struct ReferenceModelTests {
    struct Variant: CustomStringConvertible, Sendable {
        let name: String
        let preNorm: Bool
        let sharing: EmbeddingSharing
        let activation: ActivationKind
        var description: String { name }
    }

    static let variants = [
        Variant(name: "postnorm-unshared-relu", preNorm: false, sharing: .none, activation: .relu),
        Variant(name: "prenorm-shared-all-gelu", preNorm: true, sharing: .all, activation: .gelu),
        Variant(name: "postnorm-shared-decoder-gelu", preNorm: false, sharing: .decoderInputOutput, activation: .gelu),
        Variant(name: "prenorm-unshared-relu", preNorm: true, sharing: .none, activation: .relu),
    ]
    static let alpha: Float = 0.1, tau: Float = 2
    static let criteria: [(String, Criterion)] = [
        ("cross_entropy", .crossEntropy),
        ("label_smoothed_cross_entropy", .labelSmoothed(alpha: alpha)),
        ("labo", .labo(alpha: alpha, tau: tau)),
    ]

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Logits, the three losses and every parameter gradient of four architecture
    /// variants. With NMT_WRITE_FIXTURES=1 it first writes the initialisations that the
    /// reference script reads.
    @Test(arguments: variants)
    func matchesPyTorchReference(variant: Variant) throws {
        let initURL = Self.fixtures.appendingPathComponent("reference-\(variant.name).init.safetensors")
        let expectedURL = Self.fixtures.appendingPathComponent("reference-\(variant.name).expected.safetensors")
        let config = Fixture.config(preNorm: variant.preNorm, sharing: variant.sharing, activation: variant.activation)
        let model = try TransformerModel(config: config)
        let batch = Fixture.batch()
        if ProcessInfo.processInfo.environment["NMT_WRITE_FIXTURES"] == "1" {
            model.initializeParameters(seed: 7)
            let metadata = [
                "config": String(decoding: try JSONEncoder().encode(config), as: UTF8.self),
                "batch": String(decoding: try JSONEncoder().encode(batch), as: UTF8.self),
                "alpha": "\(Self.alpha)", "tau": "\(Self.tau)",
            ]
            try model.saveParameters(to: initURL, metadata: metadata)
        }
        try model.loadParameters(from: initURL)
        let expected = try SafeTensorsFile.read(from: expectedURL)

        let ws = Workspace()
        for (name, criterion) in Self.criteria {
            ws.reset()
            model.gradients.zero()
            let logits = model.forward(batch, mode: .inference, workspace: ws)
            // The reference's logits are padded (B·T, V); ours have the real tokens' rows only.
            let padded = try expected.tensor(named: "logits").values, v = config.targetVocabularySize
            var realRows: [Float] = []
            for b in 0..<batch.size {
                for t in 0..<Int(batch.targetLengths[b]) {
                    let row = padded.startIndex + (b * batch.targetLength + t) * v
                    realRows += padded[row..<(row + v)]
                }
            }
            expectRelative(logits.toArray(), realRows[...], 1e-5, "\(variant) logits")
            let result = batch.packedTarget.withUnsafeBufferPointer {
                criterion.evaluate(logits: logits, targets: $0.baseAddress!, padID: config.padID)
            }
            let loss = try expected.tensor(named: "loss.\(name)").values.first!
            let nll = try expected.tensor(named: "nll").values.first!
            #expect(abs(result.loss - Double(loss)) <= 1e-5 * abs(Double(loss)), "\(variant) \(name) loss \(result.loss) vs \(loss)")
            #expect(abs(result.nll - Double(nll)) <= 1e-5 * abs(Double(nll)), "\(variant) nll \(result.nll) vs \(nll)")
            #expect(result.tokens == batch.targetTokenCount)
            model.backward(logits, workspace: ws)
            for entry in model.table.entries {
                expectRelative(model.gradients.view(entry.name).toArray(),
                               try expected.tensor(named: "grad.\(name).\(entry.name)").values, 1e-4,
                               "\(variant) \(name) gradient of \(entry.name)")
            }
        }
    }

    func expectRelative(_ ours: [Float], _ reference: ArraySlice<Float>, _ tolerance: Double, _ what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let ref = Array(reference)
        #expect(ours.count == ref.count, "\(what): \(ours.count) values, reference has \(ref.count)", sourceLocation: sourceLocation)
        let scale = max(ref.map { abs(Double($0)) }.max() ?? 0, 1e-2)
        var worst = 0.0, index = 0
        for i in 0..<min(ours.count, ref.count) where abs(Double(ours[i]) - Double(ref[i])) > worst {
            worst = abs(Double(ours[i]) - Double(ref[i])); index = i
        }
        #expect(worst <= tolerance * scale,
                "\(what): max difference \(worst) at \(index) (ours \(ours.isEmpty ? 0 : ours[index]), reference \(ref.isEmpty ? 0 : ref[index])), relative \(worst / scale) > \(tolerance)",
                sourceLocation: sourceLocation)
    }
}
