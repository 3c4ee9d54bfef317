import Checkpoints
import Foundation
import Import
import TestSupport
import Testing

/// A Hugging Face MarianMT directory written by scripts/reference/marian_reference.py,
/// with what transformers computed for it (expected.json).
struct MarianFixture: Sendable, CustomTestStringConvertible {
    struct Line: Decodable, Sendable {
        let source: String
        let target: String
        let source_ids: [Int32]
        let target_ids: [Int32]
        let log_probs: [Double]
        let greedy_ids: [Int32]
        let greedy_text: String
    }

    struct Expected: Decodable, Sendable {
        let transformers: String
        let lines: [Line]
    }

    let name: String
    var testDescription: String { name }

    static let all = ["tied-swish", "relu-separate", "multilingual"].map(MarianFixture.init)

    var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: directory.appendingPathComponent("expected.json")))
    }

    /// The fixture imported into a new temporary directory.
    func imported() throws -> ModelCheckpoint {
        let output = temporaryDirectory().appendingPathComponent("checkpoint")
        try MarianImport.write(directory, to: output)
        return try ModelCheckpoint(directory: output)
    }

    /// A copy of the fixture's files in a new temporary directory, for breaking one.
    func copy() throws -> URL {
        let copy = temporaryDirectory().appendingPathComponent(name)
        try FileManager.default.copyItem(at: directory, to: copy)
        return copy
    }
}

func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nmt-import-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
