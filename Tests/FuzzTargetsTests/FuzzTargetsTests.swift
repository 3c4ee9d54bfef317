import Foundation
import PropertyBased
import Import
import Testing
import Checkpoints
import Tokenizer
import Training
import Transformer
@testable import FuzzTargets

/// The fuzz targets' properties (FuzzTargets.FuzzTarget) over the seed corpora and over
/// a few hundred random mutations of them per target: the short, deterministic-per-seed
/// run of what scripts/fuzz.sh runs for hours under libFuzzer.
struct FuzzTargetsTests {
    static func seeds(_ target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        let directory = try #require(Bundle.module.url(forResource: "Corpus", withExtension: nil))
            .appendingPathComponent(target.rawValue)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return try names.map { ($0, Array(try Data(contentsOf: directory.appendingPathComponent($0)))) }
    }

    static func validSeeds(_ target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        try seeds(target).filter { !$0.name.hasPrefix("found-") }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedCorpusKeepsTheProperties(_ target: FuzzTarget) throws {
        let seeds = try Self.seeds(target)
        #expect(seeds.count >= 2, "\(target.rawValue) needs seeds in Corpus/\(target.rawValue)")
        for seed in seeds {
            let violation = target.check(seed.bytes)
            #expect(violation == nil, "\(target.rawValue)/\(seed.name): \(violation?.description ?? "")")
        }
    }

    /// The valid seeds are accepted, so the properties about accepted input are exercised
    /// (a seed that the parser refused would only test the refusal). Inputs named `found-…`
    /// are those fuzzing found (kept as regression inputs) and need not be valid.
    @Test func validSeedsAreAccepted() throws {
        for seed in try Self.validSeeds(.safetensors) {
            _ = try SafeTensorsFile.read(data: Data(seed.bytes), source: seed.name)
        }
        for seed in try Self.validSeeds(.sentencepiece) {
            #expect(try SentencePieceModel(serialized: Data(seed.bytes)).vocabularySize >= 80)
        }
        for seed in try Self.validSeeds(.modelConfig) {
            _ = try CheckpointConfig<TrainingSection>.decode(Data(seed.bytes), source: seed.name)
        }
        for seed in try Self.validSeeds(.marianVocabulary) {
            #expect(try MarianVocabulary(json: Data(seed.bytes), source: seed.name).count >= 40)
        }
        for seed in try Self.validSeeds(.marianConfig) {
            _ = try MarianConfig(json: Data(seed.bytes), source: seed.name)
        }
        for seed in try Self.validSeeds(.yamlConfig) {
            _ = try TrainingConfig.load(yaml: String(decoding: seed.bytes, as: UTF8.self), source: seed.name)
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func mutatedSeedsKeepTheProperties(_ target: FuzzTarget) async throws {
        let seeds = try Self.seeds(target).map(\.bytes)
        await propertyCheck(
            count: 300,
            input: Gen.int(in: 0...(seeds.count - 1)), Gen<UInt8>.value().array(of: 1...32),
            Gen.int(in: 0...Int(Int32.max)).array(of: 0...8)
        ) { seedIndex, fill, edits in
            let input = Mutation.apply(edits, fill: fill, to: seeds[seedIndex])
            let violation = target.check(input)
            #expect(violation == nil, "\(target.rawValue) on \(input): \(violation?.description ?? "")")
        }
    }

    /// Bytes alone, not derived from a seed.
    @Test(arguments: FuzzTarget.allCases)
    func randomBytesKeepTheProperties(_ target: FuzzTarget) async {
        await propertyCheck(count: 200, input: Gen<UInt8>.value().array(of: 0...300)) { bytes in
            let violation = target.check(bytes)
            #expect(violation == nil, "\(target.rawValue) on \(bytes): \(violation?.description ?? "")")
        }
    }
}

/// Byte-level edits of a seed, in the spirit of libFuzzer's mutators: each edit overwrites,
/// inserts, deletes or truncates at a position, taking new bytes from `fill`.
enum Mutation {
    static func apply(_ edits: [Int], fill: [UInt8], to seed: [UInt8]) -> [UInt8] {
        var bytes = seed
        for (k, edit) in edits.enumerated() {
            let position = (edit / 4) % (bytes.count + 1)
            let byte = fill[k % fill.count]
            switch edit % 4 {
            case 0 where position < bytes.count: bytes[position] = byte
            case 1: bytes.insert(contentsOf: fill.prefix(1 + edit % fill.count), at: position)
            case 2 where position < bytes.count: bytes.remove(at: position)
            case 3: bytes.removeSubrange(position...)
            default: bytes.insert(byte, at: position)
            }
        }
        return bytes
    }
}
