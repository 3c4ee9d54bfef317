import Foundation
import Tensor
import Testing
@testable import Transformer

@Suite(.timeLimit(.minutes(10))) struct SafeTensorsRoundTripTests {
    @Test func writeThenReadGivesTheSameTensorsBitForBit() throws {
        var state: UInt32 = 12345
        func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(bitPattern: state)   // any bit pattern, NaNs and subnormals included
        }
        var original = SafeTensorsFile(metadata: ["format_version": "1", "config": "{\"layers\": 2}"])
        original.add("a.weight", shape: [3, 4, 5], values: (0..<60).map { _ in next() })
        original.add("a.bias", shape: [5], values: (0..<5).map { _ in next() })
        original.add("rank4", shape: [2, 1, 3, 2], values: (0..<12).map { _ in next() })
        original.add("step", shape: [], values: [1234])
        original.add("nothing", shape: [0], values: [])
        original.add("nothing.either", shape: [2, 0, 3], values: [])

        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try original.write(to: url)
            let read = try SafeTensorsFile.read(from: url)
            expectSameContents(read, original)
            #expect(read.source == url.path)
        }
    }

    @Test func fileWithoutTensorsOrMetadataRoundTrips() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("empty.safetensors")
            try SafeTensorsFile().write(to: url)
            // "{}" padded to 8 bytes: the smallest file the format allows.
            #expect(try Data(contentsOf: url) == safetensorsBytes(header: "{}      "))
            let read = try SafeTensorsFile.read(from: url)
            #expect(read.names.isEmpty && read.metadata.isEmpty && read.values.isEmpty)
        }
    }

    @Test func streamingWriterWritesWhatTheFileWriterWrites() throws {
        let weight = TensorStorage(Shape(2, 3), values: [1, 2, 3, 4, 5, 6])
        let bias = TensorStorage(Shape(3), values: [-1, -2, -3])
        let step = TensorStorage(Shape([]), values: [42])
        var gathered = SafeTensorsFile(metadata: ["k": "v"])
        gathered.add("w", weight.tensor)
        gathered.add("b", bias.tensor)
        gathered.add("step", step.tensor)

        try withTemporaryDirectory { directory in
            let streamed = directory.appendingPathComponent("streamed.safetensors")
            let written = directory.appendingPathComponent("written.safetensors")
            try SafeTensorsFile.write(tensors: [
                ("w", weight.tensor.shape, UnsafePointer(weight.tensor.data)),
                ("step", step.tensor.shape, UnsafePointer(step.tensor.data)),
                ("b", bias.tensor.shape, UnsafePointer(bias.tensor.data)),
            ], metadata: ["k": "v"], to: streamed)
            try gathered.write(to: written)
            #expect(try Data(contentsOf: streamed) == Data(contentsOf: written))
            expectSameContents(try SafeTensorsFile.read(from: streamed), gathered)
        }
    }

    @Test func copyIntoATensorChecksTheShape() throws {
        var file = SafeTensorsFile(source: "ckpt.safetensors")
        file.add("w", shape: [2, 2], values: [1, 2, 3, 4])
        let destination = TensorStorage(Shape(2, 2))
        try file.copy(named: "w", into: destination.tensor)
        #expect(destination.tensor.toArray() == [1, 2, 3, 4])

        let wrong = TensorStorage(Shape(4))
        #expect(throws: SafeTensorsError.shapeMismatch(file: "ckpt.safetensors", tensor: "w",
                                                       expected: [4], found: [2, 2])) {
            try file.copy(named: "w", into: wrong.tensor)
        }
        #expect(wrong.tensor.toArray() == [0, 0, 0, 0], "nothing copied on a mismatch")
    }
}

@Suite(.timeLimit(.minutes(10))) struct SafeTensorsLayoutTests {
    /// The layout spelled out by hand, independent of any other implementation.
    @Test func tinyFileHasTheSpecifiedBytes() throws {
        var file = SafeTensorsFile(metadata: ["k": "v"])
        file.add("b", shape: [], values: [1])
        file.add("a", shape: [2], values: [-2, 0.5])
        let header = #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#
        #expect(header.utf8.count == 132)
        let padded = header + "    "   // to 136, a multiple of 8
        let data: [UInt8] = [0x00, 0x00, 0x00, 0xC0,  0x00, 0x00, 0x00, 0x3F,  0x00, 0x00, 0x80, 0x3F]

        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("tiny.safetensors")
            try file.write(to: url)
            let bytes = try Data(contentsOf: url)
            #expect(Array(bytes.prefix(8)) == [136, 0, 0, 0, 0, 0, 0, 0])
            #expect(String(decoding: bytes.dropFirst(8).prefix(136), as: UTF8.self) == padded)
            #expect(Array(bytes.dropFirst(144)) == data)
        }
    }

    @Test func pythonSafetensorsFileReads() throws {
        let read = try SafeTensorsFile.read(from: fixtureURL("reference.safetensors"))
        expectSameContents(read, referenceTensors())
        #expect(read.names == ["bias", "empty", "scalar", "weight", "ζ"])
    }

    @Test func ourBytesEqualPythonSafetensorsBytes() throws {
        let reference = try Data(contentsOf: fixtureURL("reference.safetensors"))
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("ours.safetensors")
            try referenceTensors().write(to: url)
            #expect(try Data(contentsOf: url) == reference)
        }
    }

    /// Fixtures/written-by-nmt.safetensors was written by this writer and checked with
    /// Python's safetensors (scripts/fixtures/check_nmt_safetensors.py); the writer must
    /// keep producing it. NMT_WRITE_FIXTURES=1 rewrites it after a deliberate change.
    @Test func ourBytesMatchTheFilePythonWasCheckedWith() throws {
        let fixture = fixtureURL("written-by-nmt.safetensors")
        if ProcessInfo.processInfo.environment["NMT_WRITE_FIXTURES"] == "1" {
            try nmtWrittenTensors().write(to: fixture)
        }
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("ours.safetensors")
            try nmtWrittenTensors().write(to: url)
            #expect(try Data(contentsOf: url) == Data(contentsOf: fixture))
        }
        expectSameContents(try SafeTensorsFile.read(from: fixture), nmtWrittenTensors())
    }

    @Test func jsonStringsAreEscapedAsSerdeJsonEscapesThem() {
        // Expected texts are copied from headers written by Python's safetensors.
        #expect(SafeTensorsFile.jsonString("Z\"\n") == #""Z\"\n""#)
        #expect(SafeTensorsFile.jsonString("x\"\\\n\u{01}é/") == #""x\"\\\n\u0001é/""#)
        #expect(SafeTensorsFile.jsonString("\u{08}\u{0C}\r\t\u{1F}\u{7F}") == #""\b\f\r\t\u001f"# + "\u{7F}\"")
    }
}

@Suite(.timeLimit(.minutes(10))) struct SafeTensorsAtomicWriteTests {
    @Test func overwritingReplacesTheWholeFile() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try referenceTensors().write(to: url)
            var smaller = SafeTensorsFile()
            smaller.add("x", shape: [1], values: [3])
            try smaller.write(to: url)
            expectSameContents(try SafeTensorsFile.read(from: url), smaller)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
        }
    }

    @Test func writeIntoAMissingDirectoryFailsAndCreatesNothing() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("missing/model.safetensors")
            let error = #expect(throws: SafeTensorsError.self) { try referenceTensors().write(to: url) }
            guard case let .writeFailed(file, _)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(file == url.path)
            #expect(error?.errorDescription?.contains(url.path) == true)
            let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(left.isEmpty)
        }
    }

    /// Renaming a file over a directory fails after the temporary file has been written,
    /// which exercises the clean-up of a complete temporary file.
    @Test func failedRenameRemovesTheTemporaryFileAndKeepsTheDestination() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("model.safetensors")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
            let inside = url.appendingPathComponent("keep.txt")
            try Data("keep".utf8).write(to: inside)

            let error = #expect(throws: SafeTensorsError.self) { try referenceTensors().write(to: url) }
            guard case .writeFailed? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
            #expect(try Data(contentsOf: inside) == Data("keep".utf8))
        }
    }
}
