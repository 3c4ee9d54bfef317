import ArgumentParser
import Checkpoints
import Export
import Foundation
import Serving
import Tensor
import Translation

/// `nmt serve`: a checkpoint behind HTTP (LibreTranslate's API, a native API, a page).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model over HTTP: LibreTranslate's API, a native API with n-best, and a page.",
        discussion: """
            Endpoints: GET / (a page), GET /health, GET /languages, POST /translate \
            (LibreTranslate's: q, source, target, format, alternatives; JSON or form-encoded), \
            POST /v1/translate (JSON: texts, beam, nbest, lenpen, max_len_a, max_len_b, min_len, \
            no_repeat_ngram_size, repetition_penalty, prefix, alignment, split_sentences; answers every \
            hypothesis with its scores). Concurrent requests \
            share decoder batches (up to --max-batch sentences, waiting at most --max-wait-ms for \
            company); when --queue-capacity sentences wait, requests get 503 with Retry-After. \
            SIGTERM or SIGINT stops accepting connections, answers the requests in flight and \
            exits 0. One access-log line per request goes to standard error.
            """
    )

    @Option(help: "Checkpoint directory (e.g. runs/NAME/checkpoints/best).")
    var model: String
    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port = 5000
    @Option(help: "Source language code (default: the extension of the training source file, e.g. es).")
    var source: String?
    @Option(help: "Target language code (default: the extension of the training target file).")
    var target: String?

    /// The search of requests that do not choose one (LibreTranslate's cannot).
    @OptionGroup var decoding: DecodingFlags
    @OptionGroup var arithmetic: DecodingPrecisionFlag
    @Option(help: "The largest beam a request may ask for.")
    var maxBeam = 16

    @Option(help: "Most sentences decoded together.")
    var maxBatch = 64
    @Option(help: "Milliseconds the oldest waiting request waits for others to share its batch.")
    var maxWaitMs: Double = 5
    @Option(help: "Most sentences waiting; beyond, requests get 503 with Retry-After.")
    var queueCapacity = 1024
    @Option(help: "Most bytes in a request body.")
    var maxBodyBytes = 1 << 20
    @Option(help: "Most characters (code points) in one text (LibreTranslate's --char-limit).")
    var charLimit = 5000
    @Option(help: "Most texts in one request (LibreTranslate's --batch-limit).")
    var batchLimit = 64
    @Option(help: "Seconds a request may take before it gets 503.")
    var timeout: Double = 30
    @Option(help: "Threads for BLAS and the kernels.")
    var threads = 2
    @Flag(inversion: .prefixedNo, help: "Cut LibreTranslate's texts into sentences (the source language's rules) before translating; --no-split-sentences cuts them into lines only.")
    var splitSentences = true

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535, got \(port)") }
        guard decoding.beam <= maxBeam else {
            throw ValidationError("--beam must be in 1...--max-beam (\(maxBeam)), got \(decoding.beam)")
        }
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be ≥ 1, got \(maxBatch)") }
        guard maxWaitMs >= 0, maxWaitMs.isFinite else { throw ValidationError("--max-wait-ms must be ≥ 0, got \(maxWaitMs)") }
        guard batchLimit >= 1 else { throw ValidationError("--batch-limit must be ≥ 1, got \(batchLimit)") }
        guard queueCapacity >= batchLimit else {
            throw ValidationError("--queue-capacity (\(queueCapacity)) must be ≥ --batch-limit (\(batchLimit)), or a full request could never be queued")
        }
        guard maxBodyBytes >= 1, charLimit >= 1 else { throw ValidationError("--max-body-bytes and --char-limit must be ≥ 1") }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be > 0 seconds, got \(timeout)") }
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
    }

    func run() throws {
        Threads.set(threads)
        let directory = URL(fileURLWithPath: model)
        let checkpoint = try ModelCheckpoint(directory: directory)
        let (sourceCode, targetCode) = try languages(of: checkpoint)
        var settings = ServingSettings(
            source: Language(code: sourceCode, name: ArgosPackage.languageNames[sourceCode] ?? sourceCode),
            target: Language(code: targetCode, name: ArgosPackage.languageNames[targetCode] ?? targetCode),
            search: decoding.options(),
            limits: RequestLimits(maxBodyBytes: maxBodyBytes, maxCharactersPerText: charLimit,
                                  maxTextsPerRequest: batchLimit, timeout: timeout, maxBeam: maxBeam),
            batching: BatchingLimits(maxBatchSentences: maxBatch, maxWait: maxWaitMs / 1000, queueCapacity: queueCapacity),
            modelName: model)
        settings.splitSentences = splitSentences
        let translator = try CheckpointTranslator(checkpoint: checkpoint, batchSize: maxBatch, precision: arithmetic.precision)
        settings.targetLanguages = translator.targetLanguages.map {
            Language(code: $0, name: ArgosPackage.languageNames[$0] ?? $0)
        }
        let api = TranslationAPI(settings: settings, batcher: DynamicBatcher(translator: translator, limits: settings.batching))
        let server = TranslationServer(api: api, host: host, port: port) { line in
            FileHandle.standardError.write(Data("\(Self.timestamp()) \(line)\n".utf8))
        }
        let host = self.host, summary = arithmetic.summary
        let targets = settings.targetLanguages.isEmpty ? targetCode : settings.targetLanguages.map(\.code).joined(separator: "|")
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run { port in
                    FileHandle.standardError.write(Data(
                        "nmt serve: \(sourceCode)→\(targets), \(summary), listening on http://\(host):\(port)\n".utf8))
                }
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw ServeError.server(error) }
        FileHandle.standardError.write(Data("nmt serve: stopped\n".utf8))
    }

    /// The language codes: the flags, else the extensions of the run's training files
    /// (`TrainingSummary.languages`, such as train.es and train.en); a multilingual model's
    /// target is "mul" (ISO 639-2: several languages), its requests naming one of its tags.
    private func languages(of checkpoint: ModelCheckpoint) throws -> (String, String) {
        let stored = checkpoint.config.training.languages
        let multilingual = checkpoint.tokenizer.targetLanguages.isEmpty ? nil : "mul"
        guard let sourceCode = source ?? stored.source, let targetCode = target ?? stored.target ?? multilingual else {
            throw ValidationError("\(checkpoint.directory.path)/config.json names no training files with language extensions; give --source and --target")
        }
        return (sourceCode, targetCode)
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}

/// The server task's failure, carried back to the command's thread.
private final class Outcome: @unchecked Sendable {
    // @unchecked: written by the server task before `done` is signalled, read after.
    var error: (any Error)?
}

enum ServeError: Error, LocalizedError {
    case server(any Error)

    var errorDescription: String? {
        switch self {
        case let .server(error): return "the server stopped: \(error)"
        }
    }
}
