import Foundation
import Testing
import TestSupport
import Tensor
@testable import Training
@testable import Transformer

/// Ten updates of the tiny model (LABO, update_freq 2, clipping, warmup) against
/// scripts/reference/adamw_reference.py: torch.optim.AdamW from the same initialisation
/// on the same batches (float64). Losses to ≤ 1e-4 relative; final weights to ≤ 1e-4 of
/// each tensor's largest magnitude (floor 1e-2), except the k_proj biases: their exact
/// gradient is 0 (softmax ignores a shift of a whole row of scores), so Float32 leaves
/// rounding noise of ~1e-8, which Adam (ε = 1e-8) turns into steps of order lr, as it
/// would in a Float32 PyTorch run; float64 leaves ~1e-17 and no step.
@Suite(.timeLimit(.minutes(10))) struct AdamWReferenceTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func tenUpdatesMatchPyTorchAdamW() throws {
        let initURL = Self.fixtures.appendingPathComponent("adamw.init.safetensors")
        let expectedURL = Self.fixtures.appendingPathComponent("adamw.expected.safetensors")
        let config = Fixture.config(preNorm: false, sharing: .all, activation: .relu)
        let model = try TransformerModel(config: config)
        let hyper = AdamW.Hyperparameters(beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01)
        let schedule = InverseSquareRootSchedule(lr: 0.01, warmupUpdates: 4, warmupInitLR: 1e-4)
        let criterion = Criterion.labo(alpha: 0.1, tau: 2)
        let clipNorm: Float = 0.5
        // Two batches per update, built from rotations of the fixture batch.
        let base = Fixture.batch()
        let updates: [[Batch]] = (0..<10).map { u in
            (0..<2).map { m in
                let k = (2 * u + m) % base.size
                let order = (0..<base.size).map { ($0 + k) % base.size }
                func sentence(_ ids: [Int32], _ length: Int, _ lengths: [Int32], _ b: Int) -> [Int32] {
                    Array(ids[(b * length)..<(b * length + Int(lengths[b]) - 1)])
                }
                return Batch(sources: order.map { sentence(base.source, base.sourceLength, base.sourceLengths, $0) },
                             targets: order.map { sentence(base.target, base.targetLength, base.targetLengths, $0) },
                             padID: config.padID, eosID: config.eosID)
            }
        }
        if ProcessInfo.processInfo.environment["NMT_WRITE_FIXTURES"] == "1" {
            model.initializeParameters(seed: 11)
            let optimizer: [String: Double] = ["lr": Double(schedule.lr), "beta1": 0.9, "beta2": 0.98, "eps": 1e-8,
                                               "weight_decay": 0.01, "warmup_updates": 4, "warmup_init_lr": Double(schedule.warmupInitLR),
                                               "clip_norm": Double(clipNorm)]
            try model.saveParameters(to: initURL, metadata: [
                "config": String(decoding: try JSONEncoder().encode(config), as: UTF8.self),
                "updates": String(decoding: try JSONEncoder().encode(updates), as: UTF8.self),
                "optimizer": String(decoding: try JSONEncoder().encode(optimizer), as: UTF8.self),
                "alpha": "0.1", "tau": "2.0",
            ])
        }
        try model.loadParameters(from: initURL)
        let expected = try SafeTensorsFile.read(from: expectedURL)
        let expectedLosses = try expected.tensor(named: "losses").values
        let adam = AdamW(table: model.table, hyperparameters: hyper)
        let ws = Workspace()
        for (u, batches) in updates.enumerated() {
            let stats = try #require(UpdateStep.run(model: model, optimizer: adam, criterion: criterion, batches: batches, seed: 1,
                                                    update: u, updateFreq: 2, lr: schedule.rate(afterUpdates: u), clipNorm: clipNorm,
                                                    workspace: ws))
            let reference = Double(expectedLosses[expectedLosses.startIndex + u])
            #expect(abs(stats.loss - reference) <= 1e-4 * abs(reference), "update \(u + 1): loss \(stats.loss), reference \(reference)")
        }
        for entry in model.table.entries where !entry.name.hasSuffix("k_proj.bias") {
            let ours = model.parameters.view(entry.name).toArray()
            let reference = Array(try expected.tensor(named: entry.name).values)
            let scale = max(reference.map { abs(Double($0)) }.max() ?? 0, 1e-2)
            let worst = zip(ours, reference).map { abs(Double($0) - Double($1)) }.max() ?? 0
            #expect(worst <= 1e-4 * scale, "\(entry.name) after 10 updates: max difference \(worst), scale \(scale)")
        }
    }
}
