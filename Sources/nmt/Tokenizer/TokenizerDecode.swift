import ArgumentParser
import FileIO
import Tokenizer

/// `nmt tokenizer decode`: spm_decode --input_format=id.
struct TokenizerDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode lines of space-separated ids back into text.")

    @Option(help: "The SentencePiece model file.")
    var model: String

    @Option(help: "Write here instead of standard output.")
    var output: String?

    @Argument(help: "Files of ids to decode; standard input when none (or '-').")
    var inputs: [String] = []

    func run() throws {
        let model = try SentencePieceModel(contentsOf: model)
        try TextFile.write(to: output) { writer in
            for input in inputs.isEmpty ? ["-"] : inputs {
                let reader = try LineBlockReader(path: input)
                try reader.forEachBlock { block in
                    try model.decode(block, source: reader.source, into: writer.buffer)
                    try writer.flushIfFull()
                }
            }
        }
    }
}
