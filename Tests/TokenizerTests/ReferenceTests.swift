import FileIO
import Foundation
import Testing
@testable import Tokenizer

/// A model trained here encodes and decodes exactly as Debian's spm_encode / spm_decode.
@Suite(.timeLimit(.minutes(10))) struct ReferenceTests {
    static let types = TrainingOptions.ModelType.allCases

    @Test(arguments: types)
    func idsEqualSpmEncode(type: TrainingOptions.ModelType) throws {
        let (model, path) = try Fixtures.trainedModel(type)
        let lines = try Fixtures.sampleLines()
        let reference = try run("spm_encode", ["--model=\(path)", "--output_format=id"],
                                inputPath: Fixtures.sample)
        try #require(reference.status == 0, "spm_encode failed: \(reference.error)")
        let expected = Fixtures.lines(of: reference.output)
        #expect(lines.count >= 500)
        try #require(expected.count == lines.count)
        let ours = try model.encode(lines, threads: 1)
        for (index, ids) in ours.enumerated() {
            let text = ids.map(String.init).joined(separator: " ")
            #expect(text == expected[index], "line \(index + 1): \(lines[index].debugDescription)")
        }
    }

    @Test(arguments: types)
    func piecesEqualSpmEncode(type: TrainingOptions.ModelType) throws {
        let (model, path) = try Fixtures.trainedModel(type)
        let lines = try Fixtures.sampleLines()
        let reference = try run("spm_encode", ["--model=\(path)", "--output_format=piece"],
                                inputPath: Fixtures.sample)
        try #require(reference.status == 0, "spm_encode failed: \(reference.error)")
        let expected = Fixtures.lines(of: reference.output)
        try #require(expected.count == lines.count)
        let ours = try model.encodeAsPieces(lines, threads: 1)
        for (index, pieces) in ours.enumerated() {
            #expect(pieces.joined(separator: " ") == expected[index], "line \(index + 1)")
        }
    }

    @Test(arguments: types)
    func decodeEqualsSpmDecode(type: TrainingOptions.ModelType) throws {
        let (model, path) = try Fixtures.trainedModel(type)
        let lines = try Fixtures.sampleLines()
        let ids = try model.encode(lines, threads: 1)
        let directory = try Fixtures.temporaryDirectory()
        let idsPath = directory.appendingPathComponent("ids.txt").path
        let idsText = ids.map { $0.map(String.init).joined(separator: " ") + "\n" }.joined()
        try idsText.write(toFile: idsPath, atomically: true, encoding: .utf8)
        let reference = try run("spm_decode", ["--model=\(path)", "--input_format=id"],
                                inputPath: idsPath)
        try #require(reference.status == 0, "spm_decode failed: \(reference.error)")
        let expected = Fixtures.lines(of: reference.output)
        try #require(expected.count == lines.count)
        for (index, line) in ids.enumerated() {
            #expect(try model.decode(line) == expected[index], "line \(index + 1)")
        }
        // Decoding undoes the normalization only, so plain lines come back unchanged.
        #expect(try model.decode(model.encode("Übung macht den Meister.")) == "Übung macht den Meister.")
    }

    /// The block API behind `nmt tokenizer encode` writes spm_encode's bytes exactly.
    @Test(arguments: types, SentencePieceModel.OutputFormat.allCases)
    func textEncodingEqualsSpmEncodeBytes(
        type: TrainingOptions.ModelType, format: SentencePieceModel.OutputFormat
    ) throws {
        let (model, path) = try Fixtures.trainedModel(type)
        let reference = try run("spm_encode", ["--model=\(path)", "--output_format=\(format)"],
                                inputPath: Fixtures.sample)
        try #require(reference.status == 0)
        for threads in [1, 2, 3] {
            let output = ByteBuffer()
            // A small block size makes the reader cut the file in many blocks.
            let reader = try LineBlockReader(path: Fixtures.sample, blockSize: 4096)
            try reader.forEachBlock { block in
                try model.encode(block, source: reader.source, format: format, threads: threads,
                                 into: output)
            }
            #expect(Data(output.bytes) == reference.output, "threads \(threads)")
        }
    }

    @Test func batchEncodingKeepsOrderAcrossThreads() throws {
        let (model, _) = try Fixtures.trainedModel(.unigram)
        let lines = try Fixtures.sampleLines()
        let single = try lines.map { try model.encode($0) }
        for threads in [1, 2, 4, 7] {
            #expect(try model.encode(lines, threads: threads) == single, "threads \(threads)")
        }
        let pieces = try lines.map { try model.encodeAsPieces($0) }
        #expect(try model.encodeAsPieces(lines, threads: 3) == pieces)
    }
}
