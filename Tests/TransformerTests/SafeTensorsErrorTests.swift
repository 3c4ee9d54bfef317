import Foundation
import Tensor
import Testing
@testable import Transformer

/// Reads `data` as "bad.safetensors" and returns the error it must throw.
private func readError(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) -> SafeTensorsError? {
    #expect(throws: SafeTensorsError.self, sourceLocation: sourceLocation) {
        try SafeTensorsFile.read(data: data, source: "bad.safetensors")
    }
}

/// Asserts that the message names the file and each of `mentions`.
private func expectMessage(_ error: SafeTensorsError?, mentions: [String] = [],
                           sourceLocation: SourceLocation = #_sourceLocation) {
    let message = error?.errorDescription ?? ""
    for text in ["bad.safetensors"] + mentions {
        #expect(message.contains(text), "message \"\(message)\" does not mention \(text)",
                sourceLocation: sourceLocation)
    }
}

/// A header entry with the given fields.
private func entry(_ name: String, dtype: String = "\"F32\"", shape: String, offsets: String) -> String {
    "\"\(name)\":{\"dtype\":\(dtype),\"shape\":\(shape),\"data_offsets\":\(offsets)}"
}

@Suite(.timeLimit(.minutes(10))) struct SafeTensorsFileErrorTests {
    @Test func missingFileIsNamed() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("nowhere.safetensors")
            #expect(throws: SafeTensorsError.fileMissing(file: url.path)) { try SafeTensorsFile.read(from: url) }
            #expect(SafeTensorsError.fileMissing(file: url.path).errorDescription?.contains(url.path) == true)
        }
    }

    @Test func directoryIsUnreadable() throws {
        try withTemporaryDirectory { directory in
            let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile.read(from: directory) }
            guard case let .unreadable(file, _)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(file == directory.path)
        }
    }

    @Test func fileShorterThanTheLengthField() {
        let error = readError(Data([1, 0, 0]))
        guard case .truncated? = error else { Issue.record("got \(String(describing: error))"); return }
        expectMessage(error, mentions: ["3 bytes"])
    }

    @Test func headerLengthBeyondTheFile() {
        let error = readError(safetensorsBytes(header: "{}", declaredLength: 64))
        guard case .truncated? = error else { Issue.record("got \(String(describing: error))"); return }
        expectMessage(error, mentions: ["64"])
    }

    @Test func absurdHeaderLength() {
        let error = readError(safetensorsBytes(header: "{}", declaredLength: 100_000_001))
        #expect(error == .headerTooLarge(file: "bad.safetensors", bytes: 100_000_001))
        expectMessage(error, mentions: ["100000001"])
        // The largest length field of all must not overflow an Int on the way.
        #expect(readError(safetensorsBytes(header: "{}", declaredLength: .max))
                == .headerTooLarge(file: "bad.safetensors", bytes: .max))
    }

    @Test func dataEndingBeforeATensorDoes() {
        let header = "{" + entry("w", shape: "[2]", offsets: "[0,8]") + "}"
        let error = readError(safetensorsBytes(header: header, data: [0, 0, 0, 0]))
        guard case .truncated? = error else { Issue.record("got \(String(describing: error))"); return }
        expectMessage(error, mentions: ["'w'"])
    }
}

@Suite(.timeLimit(.minutes(10))) struct SafeTensorsHeaderErrorTests {
    /// Reads a file with this header and `dataBytes` zero bytes of data and checks that
    /// the header is reported corrupt, naming `tensor` (nil: no tensor is at fault).
    private func expectCorrupt(_ header: String, dataBytes: Int = 0, tensor: String?, mentioning: [String] = [],
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let error = readError(safetensorsBytes(header: header, data: Array(repeating: 0, count: dataBytes)),
                              sourceLocation: sourceLocation)
        guard case let .corruptHeader(_, blamed, _)? = error else {
            Issue.record("expected a corrupt header, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(blamed == tensor, sourceLocation: sourceLocation)
        expectMessage(error, mentions: (tensor.map { ["'\($0)'"] } ?? []) + mentioning, sourceLocation: sourceLocation)
    }

    @Test func headerThatIsNotJSON() {
        expectCorrupt("{\"w\": oops}", tensor: nil, mentioning: ["not valid JSON"])
        expectCorrupt("{\"w\":{", tensor: nil, mentioning: ["not valid JSON"])
    }

    @Test func headerThatIsNotAnObject() {
        expectCorrupt("[1, 2]  ", tensor: nil, mentioning: ["'{'"])
        expectCorrupt("", tensor: nil, mentioning: ["'{'"])
    }

    @Test func headerThatIsNotUTF8() {
        let bytes: [UInt8] = Array("{\"".utf8) + [0xFF, 0xFE] + Array("\":1}".utf8)
        var file = withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init)
        file += bytes
        let error = readError(Data(file))
        guard case .corruptHeader(_, nil, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        expectMessage(error, mentions: ["UTF-8"])
    }

    @Test func headerWithANulByte() {
        // "{\0}\0" would otherwise be decoded as the UTF-16 text "{}".
        expectCorrupt("{\u{0}}\u{0}", tensor: nil, mentioning: ["NUL"])
    }

    @Test func duplicateNameShowsAsAGap() {
        let header = "{" + entry("w", shape: "[1]", offsets: "[0,4]") + ","
            + entry("w", shape: "[1]", offsets: "[4,8]") + "}"
        expectCorrupt(header, dataBytes: 8, tensor: "w", mentioning: ["gap"])
    }

    @Test func entryThatIsNotAnObject() {
        expectCorrupt("{\"w\":[0,4]}", tensor: "w")
    }

    @Test func entriesWithMissingOrMistypedFields() {
        expectCorrupt("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", dataBytes: 4, tensor: "w", mentioning: ["dtype"])
        expectCorrupt("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", dataBytes: 4, tensor: "w", mentioning: ["shape"])
        expectCorrupt("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", dataBytes: 4, tensor: "w", mentioning: ["data_offsets"])
        expectCorrupt("{" + entry("w", dtype: "32", shape: "[1]", offsets: "[0,4]") + "}", dataBytes: 4,
                      tensor: "w", mentioning: ["dtype"])
        expectCorrupt("{" + entry("w", shape: "[-1]", offsets: "[0,4]") + "}", dataBytes: 4, tensor: "w", mentioning: ["shape"])
        expectCorrupt("{" + entry("w", shape: "[1.5]", offsets: "[0,4]") + "}", dataBytes: 4, tensor: "w", mentioning: ["shape"])
        expectCorrupt("{" + entry("w", shape: "[true]", offsets: "[0,4]") + "}", dataBytes: 4, tensor: "w", mentioning: ["shape"])
        expectCorrupt("{" + entry("w", shape: "[\"1\"]", offsets: "[0,4]") + "}", dataBytes: 4, tensor: "w", mentioning: ["shape"])
        expectCorrupt("{" + entry("w", shape: "[1]", offsets: "[0,4,8]") + "}", dataBytes: 8, tensor: "w", mentioning: ["data_offsets"])
        expectCorrupt("{" + entry("w", shape: "[1]", offsets: "[0]") + "}", dataBytes: 4, tensor: "w", mentioning: ["data_offsets"])
        expectCorrupt("{" + entry("w", shape: "[1]", offsets: "[-4,0]") + "}", dataBytes: 4, tensor: "w", mentioning: ["data_offsets"])
    }

    @Test func offsetsThatDoNotMatchTheShape() {
        expectCorrupt("{" + entry("w", shape: "[2,3]", offsets: "[0,20]") + "}", dataBytes: 20,
                      tensor: "w", mentioning: ["(2, 3)", "24 bytes", "[0, 20]"])
        // Extents whose product overflows are reported, not trapped on.
        expectCorrupt("{" + entry("w", shape: "[4611686018427387904,4]", offsets: "[0,16]") + "}", dataBytes: 16,
                      tensor: "w", mentioning: ["too many"])
    }

    @Test func offsetsThatEndBeforeTheyBegin() {
        expectCorrupt("{" + entry("w", shape: "[0]", offsets: "[8,4]") + "}", dataBytes: 8, tensor: "w",
                      mentioning: ["[8, 4]"])
    }

    @Test func overlappingTensors() {
        let header = "{" + entry("a", shape: "[2]", offsets: "[0,8]") + ","
            + entry("b", shape: "[2]", offsets: "[4,12]") + "}"
        expectCorrupt(header, dataBytes: 12, tensor: "b", mentioning: ["overlap", "'a'"])
        // An empty tensor inside another one overlaps it too.
        let inside = "{" + entry("a", shape: "[2]", offsets: "[0,8]") + ","
            + entry("e", shape: "[0]", offsets: "[4,4]") + "}"
        expectCorrupt(inside, dataBytes: 8, tensor: "e", mentioning: ["overlap", "'a'"])
    }

    @Test func gapsBetweenOrBeforeTensors() {
        let between = "{" + entry("a", shape: "[1]", offsets: "[0,4]") + ","
            + entry("b", shape: "[1]", offsets: "[8,12]") + "}"
        expectCorrupt(between, dataBytes: 12, tensor: "b", mentioning: ["gap"])
        expectCorrupt("{" + entry("a", shape: "[1]", offsets: "[4,8]") + "}", dataBytes: 8, tensor: "a", mentioning: ["gap"])
    }

    @Test func bytesAfterTheLastTensor() {
        expectCorrupt("{" + entry("a", shape: "[1]", offsets: "[0,4]") + "}", dataBytes: 8, tensor: nil,
                      mentioning: ["4 data bytes"])
    }

    @Test func metadataThatIsNotAStringMap() {
        expectCorrupt("{\"__metadata__\":[\"a\"]}", tensor: nil, mentioning: ["__metadata__"])
        expectCorrupt("{\"__metadata__\":{\"step\":3}}", tensor: nil, mentioning: ["__metadata__", "'step'"])
    }

    @Test func dtypeOtherThanF32NamesTensorAndDtype() {
        let header = "{" + entry("embed", dtype: "\"F16\"", shape: "[2]", offsets: "[0,4]") + "}"
        let error = readError(safetensorsBytes(header: header, data: [0, 0, 0, 0]))
        #expect(error == .unsupportedDtype(file: "bad.safetensors", tensor: "embed", dtype: "F16"))
        expectMessage(error, mentions: ["'embed'", "F16"])
    }

    @Test func nonFiniteValuesAreData() throws {
        let header = "{" + entry("w", shape: "[3]", offsets: "[0,12]") + "}"
        let nan: UInt32 = 0x7FC0_0001, inf = Float.infinity.bitPattern, negInf = (-Float.infinity).bitPattern
        let data = [nan, inf, negInf].flatMap { bits in withUnsafeBytes(of: bits.littleEndian, Array.init) }
        let file = try SafeTensorsFile.read(data: safetensorsBytes(header: header, data: data), source: "ok")
        #expect(try file.tensor(named: "w").values.map(\.bitPattern) == [nan, inf, negInf])
    }
}

@Suite(.timeLimit(.minutes(10))) struct SafeTensorsContentsErrorTests {
    private func sample() -> SafeTensorsFile {
        var file = SafeTensorsFile(source: "bad.safetensors")
        file.add("fc1.weight", shape: [4, 2], values: [Float](repeating: 1, count: 8))
        file.add("fc1.bias", shape: [4], values: [0, 0, 0, 0])
        file.add("stale", shape: [1], values: [0])
        return file
    }

    @Test func missingTensorIsNamed() {
        let error = #expect(throws: SafeTensorsError.self) { try sample().tensor(named: "fc2.weight") }
        #expect(error == .missingTensor(file: "bad.safetensors", tensor: "fc2.weight"))
        expectMessage(error, mentions: ["'fc2.weight'"])
    }

    @Test func shapeMismatchNamesTensorAndBothShapes() {
        let error = #expect(throws: SafeTensorsError.self) {
            try sample().tensor(named: "fc1.weight", expectedShape: Shape(2, 4))
        }
        #expect(error == .shapeMismatch(file: "bad.safetensors", tensor: "fc1.weight", expected: [2, 4], found: [4, 2]))
        expectMessage(error, mentions: ["'fc1.weight'", "(4, 2)", "expected (2, 4)"])
    }

    @Test func validationReportsMissingUnexpectedAndMismatchedTensors() {
        let expected = ["fc1.weight": Shape(4, 3), "fc1.bias": Shape(4), "fc2.weight": Shape(2)]
        let error = #expect(throws: SafeTensorsError.self) { try sample().validate(expected: expected) }
        #expect(error == .contentsMismatch(
            file: "bad.safetensors", missing: ["fc2.weight"], unexpected: ["stale"],
            shapes: [.init(tensor: "fc1.weight", expected: [4, 3], found: [4, 2])]))
        expectMessage(error, mentions: ["'fc2.weight'", "'stale'", "'fc1.weight'", "(4, 2)", "expected (4, 3)"])
    }

    @Test func validationAcceptsExactlyTheExpectedTensors() throws {
        try sample().validate(expected: ["fc1.weight": Shape(4, 2), "fc1.bias": Shape(4), "stale": Shape(1)])
    }
}
