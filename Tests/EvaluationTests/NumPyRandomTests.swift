@testable import Evaluation
import XCTest

/// SeedSequence, PCG64 and the draws sacreBLEU makes, against NumPy's own numbers, so that a
/// resampling mismatch is traced to the generator, the bounded draw or the boolean draw.
final class NumPyRandomTests: XCTestCase {
    private func generator(_ seed: String) -> PCG64 {
        PCG64(SeedSequence(entropy: SeedSequence.entropyWords(decimal: seed)!))
    }

    func testRawOutputsMatchNumPy() throws {
        let streams = try SignificanceFixture.load().numpy
        XCTAssertGreaterThanOrEqual(streams.count, 4)
        for stream in streams {
            var rng = generator(stream.seed)
            XCTAssertEqual((0..<stream.raw.count).map { _ in String(rng.next()) }, stream.raw, "seed \(stream.seed)")
        }
    }

    func testChoiceMatchesNumPy() throws {
        for stream in try SignificanceFixture.load().numpy {
            var rng = generator(stream.seed)
            XCTAssertEqual(stream.choice_1000.map { _ in rng.boundedIndex(below: 1000) }, stream.choice_1000, "seed \(stream.seed)")
            rng = generator(stream.seed)
            XCTAssertEqual(stream.choice_3.map { _ in rng.boundedIndex(below: 3) }, stream.choice_3, "seed \(stream.seed)")
        }
    }

    func testBooleanDrawsMatchNumPy() throws {
        for stream in try SignificanceFixture.load().numpy {
            var rng = generator(stream.seed)
            var bits = PCG64BoolStream()
            XCTAssertEqual(stream.bools.map { _ in bits.next(&rng) ? 1 : 0 }, stream.bools, "seed \(stream.seed)")
        }
    }

    func testThirtyTwoBitDrawsSplitOutputsLowHalfFirst() {
        var a = PCG64(seed: 12345), b = PCG64(seed: 12345)
        let word = a.next()
        XCTAssertEqual(b.nextUInt32(), UInt32(truncatingIfNeeded: word))
        XCTAssertEqual(b.nextUInt32(), UInt32(word >> 32))
        XCTAssertEqual(b.nextUInt32(), UInt32(truncatingIfNeeded: a.next()))
    }

    func testSeedWordsOfLargeIntegers() {
        XCTAssertEqual(SeedSequence.entropyWords(decimal: "0"), [0])
        XCTAssertEqual(SeedSequence.entropyWords(decimal: "4294967296"), [0, 1])
        XCTAssertEqual(SeedSequence.entropyWords(decimal: "123456789012345678901"), [0x2F36_6C35, 0xB14E_9F81, 6])
        XCTAssertNil(SeedSequence.entropyWords(decimal: "12a"))
    }

    func testSeedFromEnvironmentFollowsSacreBLEU() throws {
        let unset = try SacreBLEUSeed(environmentValue: nil)
        XCTAssertEqual(unset.confidenceSignature, "12345")
        XCTAssertEqual(unset.pairedSignature, "12345")
        let padded = try SacreBLEUSeed(environmentValue: " 0_07 ")
        XCTAssertEqual(padded.entropy, [7])
        XCTAssertEqual(padded.confidenceSignature, " 0_07 ", "-ci prints the variable as given, lowercased")
        XCTAssertEqual(padded.pairedSignature, "7", "paired tests print the integer")
        let none = try SacreBLEUSeed(environmentValue: "None")
        XCTAssertNil(none.entropy)
        XCTAssertEqual(none.pairedSignature, "none")
        XCTAssertEqual(none.confidenceSignature, "none")
        for bad in ["-1", "abc", "", "1__0", "_1", "1_", "0x10"] {
            XCTAssertThrowsError(try SacreBLEUSeed(environmentValue: bad), bad) {
                XCTAssertEqual($0 as? EvaluationError, .invalidSeed(bad))
            }
        }
    }
}
