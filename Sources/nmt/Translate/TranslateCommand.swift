import ArgumentParser
import Checkpoints
import FileIO
import Foundation
import Tensor
import Tokenizer
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

            Writing to standard output, it streams: input is read in chunks of at most \
            --buffer-size lines of what has arrived (it never waits for more), and each \
            chunk's translations are written and flushed as soon as they and every earlier \
            line are done, so nmt translate can sit in a pipe or answer a user line by line. \
            With --output the file appears, complete, when all lines are translated.
            """
    )

    @Option(help: "Checkpoint directory (e.g. runs/NAME/checkpoints/best).")
    var model: String

    @Option(name: .shortAndLong, help: "Source text file, plain or gzip-compressed (default: standard input, which may be gzip too).")
    var input: String?

    @Option(name: .shortAndLong, help: "Write translations here (default: standard output); written atomically.")
    var output: String?

    @OptionGroup var search: SearchFlags

    @Option(help: "Target prefixes, one per input line (plain text; an empty line for none): each translation starts with its line's prefix.")
    var prefix: String?

    @OptionGroup var arithmetic: DecodingPrecisionFlag

    @Option(help: "Sentences decoded together.")
    var batchSize = 32

    @Option(help: "Also limit a batch to this many source tokens (padded), as fairseq's --max-tokens.")
    var maxTokens: Int?

    @Option(help: "Most lines translated together when streaming to standard output (fairseq-interactive's name); a chunk holds what has arrived, up to this many.")
    var bufferSize = 256

    @Option(help: "Threads for BLAS and the kernels.")
    var threads = 2

    @Flag(help: "Show progress on standard error.")
    var progress = false

    @Option(help: "The target language of a multilingual model (imported, or trained with target_language): its >>CODE<< token is put before every source sentence; required for such a model.")
    var targetLanguage: String?

    @Flag(help: "Cut each input line into sentences (the rules of the model's source language, README \"Long texts\"), translate them, and join the translations with the line's own white space; writes when all lines are done.")
    var splitSentences = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be ≥ 1, got \(batchSize)") }
        if let tokens = maxTokens, tokens < 1 { throw ValidationError("--max-tokens must be ≥ 1, got \(tokens)") }
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
        guard bufferSize >= 1 else { throw ValidationError("--buffer-size must be ≥ 1, got \(bufferSize)") }
        if splitSentences && (search.nbest > 1 || search.nbestFormat != nil) {
            throw ValidationError("--split-sentences writes one translation per line; it excludes --nbest and --nbest-format")
        }
    }

    func run() throws {
        Threads.set(threads)
        let checkpoint = try ModelCheckpoint(directory: URL(fileURLWithPath: model))
        let tokenizer = try checkpoint.tokenizer.forTranslation(targetLanguage: targetLanguage)
        let translator = try TextTranslator(model: checkpoint.model, tokenizer: tokenizer, options: search.options,
                                            batchSize: batchSize, maxTokens: maxTokens, encodingThreads: threads,
                                            precision: arithmetic.precision)
        FileHandle.standardError.write(Data("nmt translate: \(arithmetic.summary)\n".utf8))
        let prefixes = try prefix.map(TargetPrefixFile.init(path:))
        if splitSentences {
            if prefixes != nil { throw ValidationError("--prefix cannot be used with --split-sentences") }
            let splitter = SentenceSplitter(language: checkpoint.config.training.languages.source ?? "")
            return try translateTexts(with: translator, splitter: splitter)
        }
        if output == nil || output == "-" { return try stream(with: translator, prefixes: prefixes) }
        let lines = try TextFile.readLines(input)
        try prefixes?.checkAllUsed(inputLines: lines.count)
        var translations: [SentenceTranslation] = []
        translations.reserveCapacity(lines.count)
        let chunk = max(batchSize * 8, 256)
        for start in stride(from: 0, to: lines.count, by: chunk) {
            let count = min(chunk, lines.count - start)
            let part = try TargetPrefixFile.naming(prefixes) {
                try translator.translate(Array(lines[start..<(start + count)]),
                                         prefixes: try prefixes?.prefixes(firstLine: start + 1, count: count) ?? [],
                                         firstSentence: start)
            }
            report(part, firstLine: start + 1)
            translations += part
            if progress { FileHandle.standardError.write(Data("\rtranslated \(translations.count)/\(lines.count) lines".utf8)) }
        }
        if progress { FileHandle.standardError.write(Data("\n".utf8)) }
        try TextFile.write(text(of: translations, firstIndex: 0), to: output)
    }

    /// --split-sentences: each line a text of sentences, its translations joined with its
    /// white space; a truncation warning names the line and the sentence.
    private func translateTexts(with translator: TextTranslator, splitter: SentenceSplitter) throws {
        let lines = try TextFile.readLines(input)
        var text = ""
        let chunk = max(batchSize * 8, 256)
        for start in stride(from: 0, to: lines.count, by: chunk) {
            let texts = try translator.translate(texts: Array(lines[start..<min(start + chunk, lines.count)]), splitter: splitter)
            for (i, translated) in texts.enumerated() {
                for (s, sentence) in translated.sentences.enumerated() {
                    if let warning = sentence.warning { warn("line \(start + i + 1) sentence \(s + 1) \(warning)") }
                }
                text += translated.text + "\n"
            }
            if progress { FileHandle.standardError.write(Data("\rtranslated \(min(start + chunk, lines.count))/\(lines.count) lines".utf8)) }
        }
        if progress { FileHandle.standardError.write(Data("\n".utf8)) }
        try TextFile.write(text, to: output)
    }

    /// Streaming to standard output: chunks of the lines that have arrived are
    /// translated in turn; each chunk's text is made (detokenized) off this thread while
    /// the next chunk translates, and `OrderedChunkWriter` puts the chunks out in input
    /// order whichever finishes first.
    private func stream(with translator: TextTranslator, prefixes: TargetPrefixFile?) throws {
        let feed = try LineFeed(path: input, capacity: 4 * bufferSize)
        let writer = OrderedChunkWriter()
        let formatting = DispatchGroup()
        let failure = FirstError()
        let detokenizer = translator.detokenizer
        var chunk = 0, done = 0
        while failure.error == nil, let (firstLine, lines) = try feed.next(upTo: bufferSize) {
            let sources = try translator.encode(lines)
            let prefixIDs = try translator.encodePrefixes(try prefixes?.prefixes(firstLine: firstLine, count: lines.count) ?? [])
            let result = try TargetPrefixFile.naming(prefixes) {
                try translator.search(sources, prefixes: prefixIDs, firstSentence: firstLine - 1)
            }
            let index = chunk
            DispatchQueue.global().async(group: formatting) {
                do {
                    let translations = try detokenizer.texts(of: result, sources: sources)
                    report(translations, firstLine: firstLine)
                    try writer.finish(chunk: index, text: text(of: translations, firstIndex: firstLine - 1))
                } catch {
                    failure.record(error)
                }
            }
            chunk += 1
            done += lines.count
            if progress { FileHandle.standardError.write(Data("\rtranslated \(done) lines".utf8)) }
        }
        formatting.wait()
        if progress { FileHandle.standardError.write(Data("\n".utf8)) }
        if let error = failure.error { throw error }
        try prefixes?.checkAllUsed(inputLines: done)
    }

    /// The warnings of the lines from `firstLine` (1-based) on, on standard error.
    private func report(_ translations: [SentenceTranslation], firstLine: Int) {
        for (i, translation) in translations.enumerated() {
            if let warning = translation.warning { warn("line \(firstLine + i) \(warning)") }
        }
    }

    /// The output lines of `translations` (the lines from 0-based `firstIndex` on): the
    /// best translation per line, or the n-best lines in the chosen format.
    private func text(of translations: [SentenceTranslation], firstIndex: Int) -> String {
        guard let format = search.nbestFormat ?? (search.nbest > 1 ? .marian : nil) else {
            guard search.generation.printAlignment else { return translations.map { $0.best + "\n" }.joined() }
            return translations.map { $0.best + "\t" + ($0.hypotheses.first?.pharaohAlignment ?? "") + "\n" }.joined()
        }
        var text = ""
        for (i, translation) in translations.enumerated() {
            for h in translation.hypotheses { text += format.lines(index: firstIndex + i, hypothesis: h) }
        }
        return text
    }
}

/// The first error of work done on other threads.
private final class FirstError: @unchecked Sendable {
    // @unchecked: `stored` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: (any Error)?
    var error: (any Error)? { lock.withLock { stored } }
    func record(_ error: any Error) { lock.withLock { if stored == nil { stored = error } } }
}

/// The search settings of `nmt translate` and `nmt serve` (fairseq's flag names).
struct DecodingFlags: ParsableArguments {
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
    @Option(help: "Forbid repeating n-grams of this size (0: off).")
    var noRepeatNgramSize = 0
    @Option(help: "CTranslate2's repetition penalty (1: off): logits of tokens already in the hypothesis are divided by X when positive, multiplied when negative.")
    var repetitionPenalty: Float = 1

    /// The options, with `nbest` hypotheses per sentence.
    func options(nbest: Int = 1) -> SearchOptions {
        SearchOptions(beam: beam, lenpen: lenpen, maxLenA: maxLenA, maxLenB: maxLenB, minLen: minLen,
                      nbest: nbest, noRepeatNgram: noRepeatNgramSize, repetitionPenalty: repetitionPenalty)
    }

    func validate() throws {
        do { try options().validate() } catch { throw ValidationError(error.localizedDescription) }
    }
}

/// `nmt translate`'s search settings: the decoding flags and the n-best output.
struct SearchFlags: ParsableArguments {
    @OptionGroup var decoding: DecodingFlags
    @Option(help: "Hypotheses written per input line (with --sampling, samples drawn per line).")
    var nbest = 1
    @Option(help: "N-best output format: marian or fairseq (default: marian when --nbest > 1).")
    var nbestFormat: NBestFormat?
    @OptionGroup var generation: GenerationFlags

    var options: SearchOptions {
        var options = decoding.options(nbest: nbest)
        generation.apply(to: &options)
        return options
    }

    func validate() throws {
        guard nbest >= 1, generation.sampling || nbest <= decoding.beam else {
            throw ValidationError("--nbest must be in 1...--beam (\(decoding.beam)), got \(nbest)")
        }
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

    /// With an alignment (--print-alignment): marian's lines get it as a last field,
    /// fairseq's an A- line.
    func lines(index: Int, hypothesis h: TextHypothesis) -> String {
        switch self {
        case .marian:
            let alignment = h.pharaohAlignment.map { " ||| \($0)" } ?? ""
            return "\(index) ||| \(h.text) ||| F0= \(h.logProbability) ||| \(h.score)\(alignment)\n"
        case .fairseq:
            let ln2 = Float(M_LN2)
            let positional = h.positionalScores.map { String(format: "%.4f", $0 / ln2) }.joined(separator: " ")
            let alignment = h.pharaohAlignment.map { "A-\(index)\t\($0)\n" } ?? ""
            return "H-\(index)\t\(h.score / ln2)\t\(h.text)\nP-\(index)\t\(positional)\n" + alignment
        }
    }
}
