import Foundation
import Testing
import TestSupport
import Tensor
@testable import Transformer

@Suite(.timeLimit(.minutes(10))) struct ModelCheckpointTests {
    static func file(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("nmt-\(name)-\(getpid()).safetensors")
    }

    @Test func saveAndLoadRoundTripsEveryParameter() throws {
        let model = try Fixture.model(Fixture.config(preNorm: true, sharing: .decoderInputOutput))
        let url = Self.file("roundtrip")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.saveParameters(to: url, metadata: ["k": "v"])
        let copy = try TransformerModel(config: model.config)
        let metadata = try copy.loadParameters(from: url)
        #expect(metadata["k"] == "v")
        #expect(copy.parameters.flat.toArray() == model.parameters.flat.toArray())
    }

    /// Weights of another architecture: the error names a tensor and both shapes, and the
    /// model's parameters are left as they were.
    @Test func aShapeThatDisagreesWithTheConfigIsAnError() throws {
        let small = try Fixture.model(Fixture.config(preNorm: false, sharing: .all))
        let url = Self.file("mismatch")
        defer { try? FileManager.default.removeItem(at: url) }
        try small.saveParameters(to: url)
        var other = small.config
        other.ffnDim = 16
        let model = try Fixture.model(other)
        let before = model.parameters.flat.toArray()
        do {
            try model.loadParameters(from: url)
            Issue.record("loading weights of another shape must fail")
        } catch {
            let message = error.localizedDescription
            #expect(message.contains("encoder.layers.0.fc1.weight") && message.contains("12") && message.contains("16"), "\(message)")
        }
        #expect(model.parameters.flat.toArray() == before)
    }
}
