import FileIO
import Foundation

public enum CorpusError: Error, LocalizedError, Equatable {
    /// No pair at all in `corpus` (`CorpusFiles.description`).
    case empty(corpus: String)
    case unreadable(path: String, reason: String)
    /// A TSV line without exactly two fields (lines are numbered from 1).
    case wrongFieldCount(path: String, line: Int, fields: Int)
    /// Cleaning left no pair of the `read` pairs of `corpus`.
    case allDropped(corpus: String, report: CorpusReport)
    /// Every pair of `corpus` (one of several) is longer than max_positions or max_tokens.
    case noUsablePair(corpus: String, maxPositions: Int, maxTokens: Int)

    public var errorDescription: String? {
        switch self {
        case let .empty(corpus): "parallel corpus \(corpus) has no sentence pairs"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        case let .wrongFieldCount(path, line, fields):
            "\(path):\(line): expected 2 tab-separated fields (source, target), found \(fields); "
                + "fix the line, or skip such lines with --skip-invalid"
        case let .allDropped(corpus, report): "parallel corpus \(corpus): no pair is left after cleaning (\(report.summary))"
        case let .noUsablePair(corpus, maxPositions, maxTokens):
            "parallel corpus \(corpus): every pair is longer than max_positions \(maxPositions) or max_tokens \(maxTokens) tokens, so it cannot be sampled; raise them or drop the corpus"
        }
    }
}

/// Parallel text: line-aligned UTF-8 files or one tab-separated file (plain or gzip), one
/// sentence (pair) per line.
public enum ParallelCorpus {
    /// Both sides' lines; throws when the files differ in length (`TextFile.readAligned`)
    /// or hold no pair.
    public static func read(source: String, target: String) throws -> (source: [String], target: [String]) {
        let (s, t) = try TextFile.readAligned(source, target)
        guard !s.isEmpty else { throw CorpusError.empty(corpus: CorpusFiles.aligned(source: source, target: target).description) }
        return (s, t)
    }

    /// The pairs of `files` that `cleaning` keeps, in file order, and what it dropped (nil
    /// when cleaning is off: aligned files are then read exactly as `read(source:target:)`
    /// reads them).
    /// - Throws: `FileIOError` or `CorpusError` naming the file (and line) at fault, or the
    ///   corpus when nothing is left.
    public static func read(_ files: CorpusFiles, cleaning: CorpusCleaning)
        throws -> (source: [String], target: [String], report: CorpusReport?)
    {
        if cleaning.isOff, case let .aligned(source, target) = files {
            let (s, t) = try read(source: source, target: target)
            return (s, t, nil)
        }
        var report = cleaning.emptyReport(tabSeparated: files.paths.count == 1)
        let (source, target): ([String], [String])
        switch files {
        case let .aligned(sourcePath, targetPath):
            (source, target) = try readAligned(sourcePath, targetPath, skipInvalid: cleaning.skipInvalid, report: &report)
        case let .tabSeparated(path):
            (source, target) = try TabSeparatedCorpus.read(path, skipInvalid: cleaning.skipInvalid, report: &report)
        }
        let kept = cleaning.apply(source: source, target: target, report: &report)
        guard report.read > 0 else { throw CorpusError.empty(corpus: files.description) }
        guard report.kept > 0 else { throw CorpusError.allDropped(corpus: files.description, report: report) }
        return (kept.source, kept.target, report)
    }

    /// Line-aligned files, with a pair that is not UTF-8 on either side skipped and counted
    /// when `skipInvalid` (otherwise an error naming its file and line, as always).
    private static func readAligned(_ sourcePath: String, _ targetPath: String, skipInvalid: Bool,
                                    report: inout CorpusReport) throws -> ([String], [String]) {
        guard skipInvalid else {
            let (source, target) = try TextFile.readAligned(sourcePath, targetPath)
            report.read = source.count
            return (source, target)
        }
        let source = try TextFile.readLinesMarkingInvalid(sourcePath), target = try TextFile.readLinesMarkingInvalid(targetPath)
        guard source.count == target.count else {
            throw FileIOError.lineCountsDiffer(first: sourcePath, firstLines: source.count, second: targetPath, secondLines: target.count)
        }
        report.read = source.count
        var valid: ([String], [String]) = ([], [])
        for (s, t) in zip(source, target) {
            guard let s, let t else {
                report.dropped[.invalidUTF8, default: 0] += 1
                continue
            }
            valid.0.append(s)
            valid.1.append(t)
        }
        return valid
    }
}
