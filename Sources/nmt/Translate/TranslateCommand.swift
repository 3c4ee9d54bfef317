import ArgumentParser
import Checkpoints
import FileIO
import Foundation
import Tensor
import Transformer
import Translation

/// `nmt translate`: source lines in, detokenized translations out, one line per input line.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate text with a trained model (greedy or beam search).",
        discussion: """
            Reads source sentences from --input or standard input and writes one translation \
            per input line, in input order (an empty line gives an empty line). With --nbest K \
            > 1 (or --nbest-format) it writes K hypotheses per input: in Marian's n-best format \
            `index ||| translation ||| F0= log-probability ||| score` (the default), or with \
            --nbest-format fairseq as fairseq-generate's H-index and P-index lines (scores in \
            base 2). The score is fairseq's: the log-probability (eos included) divided by \
            (length + 1)^lenpen.
            """
    )

    @Option(help: "Checkpoint directory (e.g. runs/NAME/checkpoints/best).")
    var model: String

    @Option(name: .shortAndLong, help: "Source text file (default: standard input).")
    var input: String?

    @Option(name: .shortAndLong, help: "Write translations here (default: standard output); written atomically.")
    var output: String?

    @OptionGroup var search: SearchFlags

    @Option(help: "Sentences decoded together.")
    var batchSize = 32

    @Option(help: "Also limit a batch to this many source tokens (padded), as fairseq's --max-tokens.")
    var maxTokens: Int?

    @Option(help: "Threads for BLAS and the kernels.")
    var threads = 2

    @Flag(help: "Show progress on standard error.")
    var progress = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be ≥ 1, got \(batchSize)") }
        if let tokens = maxTokens, tokens < 1 { throw ValidationError("--max-tokens must be ≥ 1, got \(tokens)") }
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
    }

    func run() throws {
        Threads.set(threads)
        let checkpoint = try ModelCheckpoint(directory: URL(fileURLWithPath: model))
        let lines = try TextFile.readLines(input)
        let sources = try checkpoint.tokenizer.encode(lines, threads: threads)
        let translator = try Translator(model: checkpoint.model, options: search.options, batchSize: batchSize,
                                        maxTokens: maxTokens)
        var hypotheses: [[Hypothesis]] = []
        hypotheses.reserveCapacity(sources.count)
        let chunk = max(batchSize * 8, 256)
        for start in stride(from: 0, to: sources.count, by: chunk) {
            let part = Array(sources[start..<min(start + chunk, sources.count)])
            let result = try translator.translate(part)
            for warning in result.warnings {
                if case let .sourceTruncated(sentence, length, kept) = warning {
                    warn("line \(start + sentence + 1) has \(length) tokens; translating its first \(kept) (the model's positions)")
                }
            }
            hypotheses += result.hypotheses
            if progress { FileHandle.standardError.write(Data("\rtranslated \(hypotheses.count)/\(sources.count) lines".utf8)) }
        }
        if progress { FileHandle.standardError.write(Data("\n".utf8)) }
        var text = ""
        for (i, list) in hypotheses.enumerated() {
            guard let format = search.nbestFormat ?? (search.nbest > 1 ? .marian : nil) else {
                text += try (list.first.map { try checkpoint.tokenizer.decode($0.tokens) } ?? "") + "\n"
                continue
            }
            for h in list { text += format.lines(index: i, text: try checkpoint.tokenizer.decode(h.tokens), hypothesis: h) }
        }
        try TextFile.write(text, to: output)
    }
}

/// Search settings shared by `nmt translate` (fairseq's flag names).
struct SearchFlags: ParsableArguments {
    @Option(help: "Beam size (1: greedy).")
    var beam = 5
    @Option(help: "Length penalty: scores are divided by length^lenpen.")
    var lenpen: Float = 1
    @Option(help: "Maximum output length is max-len-a · source length + max-len-b.")
    var maxLenA: Double = 1.2
    @Option(help: "See --max-len-a.")
    var maxLenB = 10
    @Option(help: "Minimum output length (eos is not allowed before).")
    var minLen = 1
    @Option(help: "Hypotheses written per input line.")
    var nbest = 1
    @Option(help: "Forbid repeating n-grams of this size (0: off).")
    var noRepeatNgramSize = 0
    @Option(help: "N-best output format: marian or fairseq (default: marian when --nbest > 1).")
    var nbestFormat: NBestFormat?

    var options: SearchOptions {
        SearchOptions(beam: beam, lenpen: lenpen, maxLenA: maxLenA, maxLenB: maxLenB, minLen: minLen,
                      nbest: nbest, noRepeatNgram: noRepeatNgramSize)
    }

    func validate() throws {
        guard nbest >= 1, nbest <= beam else { throw ValidationError("--nbest must be in 1...--beam (\(beam)), got \(nbest)") }
        do { try options.validate() } catch { throw ValidationError(error.localizedDescription) }
    }
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("nmt: warning: \(message)\n".utf8))
}

/// The n-best list formats of the neighbouring tools.
enum NBestFormat: String, ExpressibleByArgument, CaseIterable {
    /// Marian's: `index ||| translation ||| F0= model score ||| total score`, the feature
    /// field holding the one model's log-probability and the last field the normalised score.
    case marian
    /// fairseq-generate's: `H-index<TAB>score<TAB>translation` and
    /// `P-index<TAB>positional scores`, in base 2 as fairseq prints them (4 decimals for P).
    case fairseq

    func lines(index: Int, text: String, hypothesis h: Hypothesis) -> String {
        switch self {
        case .marian:
            return "\(index) ||| \(text) ||| F0= \(h.logProbability) ||| \(h.score)\n"
        case .fairseq:
            let ln2 = Float(M_LN2)
            let positional = h.positionalScores.map { String(format: "%.4f", $0 / ln2) }.joined(separator: " ")
            return "H-\(index)\t\(h.score / ln2)\t\(text)\nP-\(index)\t\(positional)\n"
        }
    }
}
