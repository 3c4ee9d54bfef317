#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Bad input met while reading or scoring text. Every case names what the user has to fix.
public enum EvaluationError: Error, Equatable, LocalizedError {
    /// A file could not be opened or read.
    case unreadableFile(path: String, reason: String)
    /// A line is not valid UTF-8 (sacreBLEU would stop with a UnicodeDecodeError).
    case invalidUTF8(path: String, line: Int)
    /// The hypothesis and a reference stream have different numbers of lines.
    case lineCountMismatch(hypothesisPath: String, hypothesisLines: Int, referencePath: String, referenceLines: Int)
    /// The hypothesis stream holds no line at all.
    case emptyHypothesis(path: String)
    /// No reference stream was given.
    case noReferences
    /// A tokenizer name that is not one of `13a`, `intl`, `char`, `none`.
    case unknownTokenizer(String)
    /// A smoothing method that is not one of `exp`, `floor`, `add-k`, `none`.
    case unknownSmoothing(String)
    /// A metric name that is not `bleu` or `chrf`.
    case unknownMetric(String)

    public var errorDescription: String? {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read '\(path)': \(reason)"
        case let .invalidUTF8(path, line):
            return "'\(path)' line \(line): invalid UTF-8"
        case let .lineCountMismatch(hypPath, hypLines, refPath, refLines):
            return "hypothesis '\(hypPath)' has \(hypLines) lines but reference '\(refPath)' has \(refLines) lines"
        case let .emptyHypothesis(path):
            return "hypothesis '\(path)' contains no line"
        case .noReferences:
            return "no reference file given"
        case let .unknownTokenizer(name):
            return "unknown tokenizer '\(name)' (expected one of: \(Tokenization.allCases.map(\.rawValue).joined(separator: ", ")))"
        case let .unknownSmoothing(name):
            return "unknown smoothing method '\(name)' (expected one of: \(BLEU.Smoothing.names.joined(separator: ", ")))"
        case let .unknownMetric(name):
            return "unknown metric '\(name)' (expected one of: bleu, chrf)"
        }
    }
}
