/// Where a parallel corpus is: two line-aligned files, or one file of tab-separated pairs.
/// Either may be gzip-compressed (FileIO inflates what starts with gzip's magic bytes).
public enum CorpusFiles: Equatable, Sendable, CustomStringConvertible {
    /// Sentence i of `source` translates to sentence i of `target`.
    case aligned(source: String, target: String)
    /// One pair per line: the source, a tab, the target.
    case tabSeparated(String)

    /// The files, in the order the cache key reads them.
    public var paths: [String] {
        switch self {
        case let .aligned(source, target): [source, target]
        case let .tabSeparated(path): [path]
        }
    }

    /// How messages name the corpus.
    public var description: String {
        switch self {
        case let .aligned(source, target): "\(source) / \(target)"
        case let .tabSeparated(path): path
        }
    }
}

/// The two corpora of a run.
public enum CorpusSplit: String, Sendable {
    case train, valid
}

extension TrainingConfig {
    /// The files of the training or validation corpus: `<split>_tsv`, or `<split>_src` and
    /// `<split>_tgt`.
    /// - Throws: `ConfigError.missing` when neither is given, `.conflicting` when both are.
    public func corpusFiles(_ split: CorpusSplit) throws -> CorpusFiles {
        let (source, target, tsv) = split == .train ? (trainSrc, trainTgt, trainTsv) : (validSrc, validTgt, validTsv)
        let name = split.rawValue
        if let tsv {
            guard source == nil && target == nil else {
                throw ConfigError.conflicting("\(name)_tsv gives the \(name) pairs, so \(name)_src and \(name)_tgt must not be given too")
            }
            return .tabSeparated(tsv)
        }
        guard let source else { throw ConfigError.missing(key: "\(name)_src (or \(name)_tsv)") }
        guard let target else { throw ConfigError.missing(key: "\(name)_tgt") }
        return .aligned(source: source, target: target)
    }

    /// What is dropped from `split`'s pairs: the cleaning rules apply to the training pairs
    /// only (a validation set is kept whole, so that its scores stay comparable), while
    /// skip_invalid applies to both.
    public func cleaning(_ split: CorpusSplit) -> CorpusCleaning {
        var cleaning = CorpusCleaning(skipInvalid: skipInvalid)
        guard split == .train else { return cleaning }
        cleaning.dropEmpty = filterEmpty
        cleaning.maxLengthRatio = filterLengthRatio
        cleaning.dropIdentical = filterIdentical
        cleaning.dropDuplicates = filterDuplicates
        return cleaning
    }
}
