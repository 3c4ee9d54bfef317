import Basics
import FileIO
import Foundation
import Tokenizer
import Transformer

/// Sentence pairs as subword ids (without eos), cached on disk so that a second run on the
/// same files with the same tokenizer does not tokenize again.
public struct EncodedCorpus: Equatable, Sendable {
    public var sources: [[Int32]]
    public var targets: [[Int32]]

    public init(sources: [[Int32]], targets: [[Int32]]) {
        precondition(sources.count == targets.count, "encoded corpus: \(sources.count) sources, \(targets.count) targets")
        self.sources = sources
        self.targets = targets
    }

    public var count: Int { sources.count }

    /// Reads and encodes a parallel corpus, through the cache in `cacheDirectory` (nil: no cache).
    public static func load(source: String, target: String, tokenizer: SentencePieceModel, threads: Int,
                            cacheDirectory: URL?) throws -> EncodedCorpus {
        let key = try cacheKey(files: [source, target], tokenizer: tokenizer)
        let cacheFile = cacheDirectory?.appendingPathComponent("corpus-\(key).bin")
        if let file = cacheFile, let cached = try? read(file) { return cached }
        let (s, t) = try ParallelCorpus.read(source: source, target: target)
        let corpus = EncodedCorpus(sources: try tokenizer.encode(s, threads: threads),
                                   targets: try tokenizer.encode(t, threads: threads))
        if let file = cacheFile {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(corpus.serialized(), to: file)
        }
        return corpus
    }

    /// FNV-1a (64-bit) over the files' bytes and the serialized tokenizer, in hex.
    static func cacheKey(files: [String], tokenizer: SentencePieceModel) throws -> String {
        var hash = FNV1a()
        func mix(_ data: Data) {
            data.withUnsafeBytes { hash.combine(bytes: $0) }
            withUnsafeBytes(of: UInt64(data.count).littleEndian) { hash.combine(bytes: $0) }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CorpusError.unreadable(path: file, reason: "no such file or not readable")
            }
            mix(data)
        }
        mix(tokenizer.serialized())
        return String(hash.value, radix: 16)
    }

    // MARK: Cache format: "NMTC" v1, pair count, then per pair: source length, target length, ids (little-endian Int32)

    static let magic: [UInt8] = Array("NMTC".utf8)

    func serialized() -> Data {
        var out = Data(Self.magic)
        func append(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        append(1)
        append(Int32(count))
        for i in 0..<count {
            append(Int32(sources[i].count)); append(Int32(targets[i].count))
            for id in sources[i] { append(id) }
            for id in targets[i] { append(id) }
        }
        return out
    }

    /// nil when the file is not a complete cache of this format (it is then rebuilt).
    static func read(_ url: URL) throws -> EncodedCorpus? {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw -> EncodedCorpus? in
            var offset = 0
            func next() -> Int32? {
                guard offset + 4 <= raw.count else { return nil }
                defer { offset += 4 }
                return Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
            }
            guard raw.count >= 12, Array(raw[0..<4]) == Self.magic else { return nil }
            offset = 4
            guard next() == 1, let n = next(), n >= 0 else { return nil }
            var sources: [[Int32]] = [], targets: [[Int32]] = []
            sources.reserveCapacity(Int(n)); targets.reserveCapacity(Int(n))
            for _ in 0..<n {
                guard let ls = next(), let lt = next(), ls >= 0, lt >= 0 else { return nil }
                var s: [Int32] = [], t: [Int32] = []
                for _ in 0..<ls { guard let id = next() else { return nil }; s.append(id) }
                for _ in 0..<lt { guard let id = next() else { return nil }; t.append(id) }
                sources.append(s); targets.append(t)
            }
            return offset == raw.count ? EncodedCorpus(sources: sources, targets: targets) : nil
        }
    }
}
