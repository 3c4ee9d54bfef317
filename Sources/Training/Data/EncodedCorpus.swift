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

    /// Reads, cleans and encodes a parallel corpus, through the cache in `cacheDirectory`
    /// (nil: no cache); the report says what reading and cleaning dropped (nil for aligned
    /// files with cleaning off, which are read exactly as they always were).
    public static func load(_ files: CorpusFiles, cleaning: CorpusCleaning = CorpusCleaning(), tokenizer: SentencePieceModel,
                            threads: Int, cacheDirectory: URL?) throws -> (corpus: EncodedCorpus, report: CorpusReport?) {
        try load(files, cleaning: cleaning, tokenizer: tokenizer, identity: [tokenizer.serialized()], threads: threads,
                 cacheDirectory: cacheDirectory)
    }

    /// The same with any tokenizer: sources encoded by `encode`, targets by `encodeTargets`
    /// (a MarianMT tokenizer splits each side with its own SentencePiece model);
    /// `identity` is the tokenizer's files, for the cache key.
    public static func load(_ files: CorpusFiles, cleaning: CorpusCleaning = CorpusCleaning(), tokenizer: any SentenceTokenizer,
                            identity: [Data], threads: Int, cacheDirectory: URL?) throws -> (corpus: EncodedCorpus, report: CorpusReport?) {
        let settings = cacheSettings(files, cleaning)
        let key = try cacheKey(files: files.paths, settings: settings, tokenizer: identity)
        let cacheFile = cacheDirectory?.appendingPathComponent("corpus-\(key).bin")
        // A cache of the other version was not written for these settings.
        if let file = cacheFile, let cached = try? read(file), (cached.report == nil) == (settings == nil) {
            return cached
        }
        let (s, t, report) = try ParallelCorpus.read(files, cleaning: cleaning)
        let corpus = EncodedCorpus(sources: try tokenizer.encode(s, threads: threads),
                                   targets: try tokenizer.encodeTargets(t, threads: threads))
        if let file = cacheFile {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(corpus.serialized(report: report), to: file)
        }
        return (corpus, report)
    }

    /// What besides the files' bytes decides the pairs, for the cache key: nil for aligned
    /// files without cleaning, so that their key (and cache file) is what it always was.
    static func cacheSettings(_ files: CorpusFiles, _ cleaning: CorpusCleaning) -> String? {
        if cleaning.isOff, case .aligned = files { return nil }
        let format = if case .tabSeparated = files { "tsv" } else { "aligned" }
        return "\(format) skip_invalid=\(cleaning.skipInvalid) empty=\(cleaning.dropEmpty) ratio=\(cleaning.maxLengthRatio) "
            + "identical=\(cleaning.dropIdentical) duplicates=\(cleaning.dropDuplicates)"
    }

    /// FNV-1a (64-bit) over the files' bytes (as stored: compressed files are hashed
    /// compressed), the reading `settings` when there are any, and the tokenizer's files
    /// (for a SentencePiece model, its serialized bytes), in hex.
    static func cacheKey(files: [String], settings: String? = nil, tokenizer: [Data]) throws -> String {
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
        if let settings { mix(Data(settings.utf8)) }
        for data in tokenizer { mix(data) }
        return String(hash.value, radix: 16)
    }

    // MARK: Cache format
    // "NMTC", version, pair count, then per pair: source length, target length, ids
    // (little-endian Int32). Version 1 ends there (a corpus read without cleaning); version
    // 2 adds the cleaning report as little-endian Int64s: pairs read, pairs kept, and per
    // rule of `CorpusRule.allCases` the pairs it dropped, −1 for a rule that was off.

    static let magic: [UInt8] = Array("NMTC".utf8)

    func serialized(report: CorpusReport? = nil) -> Data {
        var out = Data(Self.magic)
        func append(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func append64(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { out.append(contentsOf: $0) } }
        append(report == nil ? 1 : 2)
        append(Int32(count))
        for i in 0..<count {
            append(Int32(sources[i].count)); append(Int32(targets[i].count))
            for id in sources[i] { append(id) }
            for id in targets[i] { append(id) }
        }
        if let report {
            append64(report.read)
            append64(report.kept)
            for rule in CorpusRule.allCases { append64(report.dropped[rule] ?? -1) }
        }
        return out
    }

    /// nil when the file is not a complete cache of this format (it is then rebuilt).
    static func read(_ url: URL) throws -> (corpus: EncodedCorpus, report: CorpusReport?)? {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw -> (corpus: EncodedCorpus, report: CorpusReport?)? in
            var offset = 0
            func next<T: FixedWidthInteger>(_: T.Type = Int32.self) -> T? {
                guard offset + MemoryLayout<T>.size <= raw.count else { return nil }
                defer { offset += MemoryLayout<T>.size }
                return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
            }
            guard raw.count >= 12, Array(raw[0..<4]) == Self.magic else { return nil }
            offset = 4
            guard let version = next(), version == 1 || version == 2, let n = next(), n >= 0 else { return nil }
            var sources: [[Int32]] = [], targets: [[Int32]] = []
            sources.reserveCapacity(Int(n)); targets.reserveCapacity(Int(n))
            for _ in 0..<n {
                guard let ls = next(), let lt = next(), ls >= 0, lt >= 0 else { return nil }
                var s: [Int32] = [], t: [Int32] = []
                for _ in 0..<ls { guard let id = next() else { return nil }; s.append(id) }
                for _ in 0..<lt { guard let id = next() else { return nil }; t.append(id) }
                sources.append(s); targets.append(t)
            }
            var report: CorpusReport?
            if version == 2 {
                guard let read = next(Int64.self), let kept = next(Int64.self) else { return nil }
                var dropped: [CorpusRule: Int] = [:]
                for rule in CorpusRule.allCases {
                    guard let count = next(Int64.self) else { return nil }
                    if count >= 0 { dropped[rule] = Int(count) }
                }
                report = CorpusReport(read: Int(read), kept: Int(kept), dropped: dropped)
            }
            return offset == raw.count ? (EncodedCorpus(sources: sources, targets: targets), report) : nil
        }
    }
}
