import ArgumentParser
import FileIO
import Tokenizer

/// `nmt tokenizer decode`: spm_decode, from ids (`--input-format id`, the default) or
/// pieces (`--input-format piece`).
struct TokenizerDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode lines of space-separated ids or pieces back into text.")

    enum InputFormat: String, ExpressibleByArgument, CaseIterable { case id, piece }

    @Option(help: "The SentencePiece model file.")
    var model: String

    @Option(name: [.customLong("input-format"), .customLong("input_format")],
            help: "id or piece (spm_decode's names); as spm_decode, a piece the model lacks is kept as it is.")
    var inputFormat: InputFormat = .id
    @Option(help: "Write here instead of standard output.")
    var output: String?

    @Argument(help: "Files of ids to decode (plain or gzip-compressed); standard input when none (or '-').")
    var inputs: [String] = []

    func run() throws {
        let model = try SentencePieceModel(contentsOf: model)
        try TextFile.write(to: output) { writer in
            for input in inputs.isEmpty ? ["-"] : inputs {
                if inputFormat == .piece {
                    for line in try TextFile.readLines(input) {
                        // Split on the space byte as spm_decode does: as Characters, a space
                        // followed by a combining mark (U+FE0F) would be one grapheme.
                        let pieces = line.utf8.split(separator: 0x20, omittingEmptySubsequences: false)
                            .map { String(decoding: $0, as: UTF8.self) }
                        var text = try model.decode(pieces: pieces) + "\n"
                        text.withUTF8 { writer.buffer.append(UnsafeRawBufferPointer($0)) }
                        try writer.flushIfFull()
                    }
                    continue
                }
                let reader = try LineBlockReader(path: input)
                try reader.forEachBlock { block in
                    try model.decode(block, source: reader.source, into: writer.buffer)
                    try writer.flushIfFull()
                }
            }
        }
    }
}
