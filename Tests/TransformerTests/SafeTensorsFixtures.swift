import Foundation
import Testing
@testable import Transformer

/// Files under Tests/TransformerTests/Fixtures, found next to this source file rather than
/// through SwiftPM resources, so that the tests read exactly the committed bytes.
func fixtureURL(_ name: String, filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name)
}

/// The tensors of Fixtures/reference.safetensors, as scripts/fixtures/make_safetensors_fixture.py
/// writes them with Python's safetensors.
func referenceTensors() -> SafeTensorsFile {
    var file = SafeTensorsFile(metadata: ["format": "nmt-test"])
    file.add("weight", shape: [2, 3], values: (0..<6).map(Float.init))
    file.add("bias", shape: [5], values: [-0.0, Float(bitPattern: 1), .infinity, -.infinity, .nan])
    file.add("scalar", shape: [], values: [2.5])
    file.add("empty", shape: [0, 2], values: [])
    file.add("ζ", shape: [1, 1, 1, 1], values: [-1.5])
    return file
}

/// The tensors of Fixtures/written-by-nmt.safetensors, which our writer produced and
/// scripts/fixtures/check_nmt_safetensors.py reads back with Python's safetensors.
/// Names and metadata exercise JSON escaping; several metadata keys exercise our ordering.
func nmtWrittenTensors() -> SafeTensorsFile {
    var file = SafeTensorsFile(metadata: [
        "format_version": "1",
        "config": "{\"d_model\": 8, \"note\": \"tab\\there\"}",
        "ünïcode": "x\"\\\n\u{01}é/",
    ])
    file.add("encoder.layers.0.fc1.weight", shape: [4, 2], values: (0..<8).map { Float($0) * 0.25 - 1 })
    file.add("encoder.layers.0.fc1.bias", shape: [4], values: [1e-38, -3.4e38, .nan, .infinity])
    file.add("quote\"back\\slash\nnewline\u{1F}", shape: [1], values: [7])
    file.add("rank4", shape: [1, 2, 1, 2], values: [1, 2, 3, 4])
    file.add("scalar", shape: [], values: [-0.0])
    file.add("empty", shape: [3, 0], values: [])
    return file
}

/// A fresh directory under the system's temporary directory, removed by `body`'s end.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("nmt-safetensors-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// Asserts that two files hold the same tensors, shapes and metadata, comparing values
/// bit for bit (NaN payloads and the sign of zero included).
func expectSameContents(_ actual: SafeTensorsFile, _ expected: SafeTensorsFile,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.names == expected.names, sourceLocation: sourceLocation)
    #expect(actual.metadata == expected.metadata, sourceLocation: sourceLocation)
    for name in expected.names {
        guard let a = try? actual.tensor(named: name), let e = try? expected.tensor(named: name) else { continue }
        #expect(a.shape == e.shape, "tensor '\(name)'", sourceLocation: sourceLocation)
        #expect(a.values.map(\.bitPattern) == e.values.map(\.bitPattern), "tensor '\(name)'",
                sourceLocation: sourceLocation)
    }
}

/// The bytes of a safetensors file with the given header text and data bytes; the
/// length field is the header's length unless `declaredLength` overrides it.
func safetensorsBytes(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    let json = Array(header.utf8)
    var bytes = withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian, Array.init)
    bytes += json + data
    return Data(bytes)
}
