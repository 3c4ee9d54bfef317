import ArgumentParser
import FileIO
import Foundation
import Translation

/// `nmt translate`'s sampling and alignment flags (fairseq's names).
struct GenerationFlags: ParsableArguments {
    @Flag(help: "Draw --nbest samples per sentence from the model instead of beam search (back-translation).")
    var sampling = false
    @Option(name: .customLong("sampling-topk"), help: "With --sampling, draw from the K most probable tokens only (0: all).")
    var samplingTopK = 0
    @Option(name: .customLong("sampling-topp"), help: "With --sampling, draw from the smallest set of most probable tokens whose probability reaches P, in (0, 1] (1: all).")
    var samplingTopP: Float = 1
    @Option(help: "Divide the logits by T > 0 before the softmax (search and sampling; scores are of the scaled distribution).")
    var temperature: Float = 1
    @Option(help: "With --sampling, the seed: line N's samples depend only on the seed and N, not on batching or threads.")
    var seed: UInt64 = 1
    @Flag(help: "Also write hard alignments (source-target pairs of 0-based SentencePiece token positions): a tab-separated second column, or a last ||| field (marian n-best), or A- lines (fairseq n-best).")
    var printAlignment = false

    func apply(to options: inout SearchOptions) {
        options.sampling = sampling
        options.samplingTopK = samplingTopK
        options.samplingTopP = samplingTopP
        options.temperature = temperature
        options.seed = seed
        options.alignment = printAlignment
    }
}

/// `--prefix FILE`: one target prefix per input line, plain text ("" for none).
struct TargetPrefixFile {
    let path: String
    let lines: [String]

    init(path: String) throws {
        self.path = path
        lines = try TextFile.readLines(path)
    }

    /// The prefixes of the input lines from `firstLine` (1-based), `count` of them.
    func prefixes(firstLine: Int, count: Int) throws -> [String] {
        guard firstLine - 1 + count <= lines.count else {
            throw TargetPrefixError.tooFewLines(path: path, lines: lines.count, inputLine: lines.count + 1)
        }
        return Array(lines[(firstLine - 1)..<(firstLine - 1 + count)])
    }

    /// Checks that the input had as many lines as the file.
    func checkAllUsed(inputLines: Int) throws {
        if lines.count > inputLines { throw TargetPrefixError.tooManyLines(path: path, lines: lines.count, inputLines: inputLines) }
    }

    /// Runs `body`, naming `file` and the line in a prefix error (search numbers the
    /// sentences by input line).
    static func naming<T>(_ file: TargetPrefixFile?, _ body: () throws -> T) throws -> T {
        guard let path = file?.path else { return try body() }
        do {
            return try body()
        } catch let error as SearchError {
            switch error {
            case .prefixTooLong(let sentence, _, _), .invalidPrefixToken(let sentence, _, _, _):
                throw TargetPrefixError.badLine(path: path, line: sentence + 1, reason: error.localizedDescription)
            default: throw error
            }
        }
    }
}

enum TargetPrefixError: Error, LocalizedError {
    case tooFewLines(path: String, lines: Int, inputLine: Int)
    case tooManyLines(path: String, lines: Int, inputLines: Int)
    case badLine(path: String, line: Int, reason: String)

    var errorDescription: String? {
        switch self {
        case let .tooFewLines(path, lines, inputLine):
            "--prefix \(path) has \(lines) lines, but input line \(inputLine) needs one (one prefix per input line; an empty line for none)"
        case let .tooManyLines(path, lines, inputLines):
            "--prefix \(path) has \(lines) lines, but the input has \(inputLines) (one prefix per input line)"
        case let .badLine(path, line, reason): "--prefix \(path) line \(line): \(reason)"
        }
    }
}
