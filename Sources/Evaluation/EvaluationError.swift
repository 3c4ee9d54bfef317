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
    /// A metric name that is not `bleu`, `chrf` or `ter`.
    case unknownMetric(String)
    /// `SACREBLEU_SEED` is neither `none` nor a non-negative integer.
    case invalidSeed(String)
    /// A paired test was asked for with only one system.
    case pairedTestNeedsSystems
    /// `--confidence` was asked for with several systems.
    case confidenceNeedsOneSystem
    /// Several systems were given with `--sentence-level`.
    case sentenceLevelNeedsOneSystem
    /// A significance test was asked for with `--sentence-level`.
    case sentenceLevelTest
    /// Two systems have the same name (file path).
    case duplicateSystem(String)
    /// Tab-separated systems on standard input with different field counts.
    case fieldCountMismatch(line: Int, expected: Int, found: Int)

    /// Whether a value lies outside an option's choices, which sacreBLEU's argparse rejects
    /// as a usage error (status 2); sacreBLEU exits 1 for everything else here.
    public var isUsageError: Bool {
        switch self {
        case .unknownTokenizer, .unknownSmoothing, .unknownMetric: return true
        default: return false
        }
    }

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
            return "unknown metric '\(name)' (expected one of: bleu, chrf, ter)"
        case let .invalidSeed(text):
            return "SACREBLEU_SEED must be a non-negative integer or 'none', not '\(text)'"
        case .pairedTestNeedsSystems:
            return "Paired tests require multiple input systems given to --input (-i)."
        case .confidenceNeedsOneSystem:
            return "Use paired tests (--paired) for multiple systems."
        case .sentenceLevelNeedsOneSystem:
            return "Only one system can be evaluated in sentence-level mode."
        case .sentenceLevelTest:
            return "Statistical tests are unavailable in sentence-level mode."
        case let .duplicateSystem(name):
            return "'\(name)' already used to name a system; give each system a different file name"
        case let .fieldCountMismatch(line, expected, found):
            return "standard input line \(line) has \(found) tab-separated systems, the first line \(expected)"
        }
    }
}
