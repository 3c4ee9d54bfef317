import ArgumentParser
import FileIO
import Tokenizer

/// `nmt tokenizer encode`: spm_encode, with the same output, plus a thread count.
struct TokenizerEncode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode text lines into ids or pieces, one output line per input line.")

    @Option(help: "The SentencePiece model file.")
    var model: String

    @Option(name: [.customLong("output-format"), .customLong("output_format")], help: "id or piece.")
    var outputFormat: SentencePieceModel.OutputFormat = .piece

    @Option(help: "Write here instead of standard output.")
    var output: String?

    @Option(help: "Threads that encode each block of lines (the output order is the input's).")
    var threads = 1

    @Argument(help: "Text files to encode (plain or gzip-compressed); standard input when none (or '-').")
    var inputs: [String] = []

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let model = try SentencePieceModel(contentsOf: model)
        try TextFile.write(to: output) { writer in
            for input in inputs.isEmpty ? ["-"] : inputs {
                let reader = try LineBlockReader(path: input)
                try reader.forEachBlock { block in
                    try model.encode(block, source: reader.source, format: outputFormat,
                                     threads: threads, into: writer.buffer)
                    try writer.flushIfFull()
                }
            }
        }
    }
}
