import ArgumentParser
import Tokenizer

/// `nmt tokenizer`: SentencePiece models, with the flags of spm_train / spm_encode / spm_decode.
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Train SentencePiece models and encode or decode text with them.",
        discussion: """
            Models trained here fix the special ids pad=\(SpecialIDs.pad), \
            unk=\(SpecialIDs.unk), bos=\(SpecialIDs.bos), eos=\(SpecialIDs.eos).
            """,
        subcommands: [TokenizerTrain.self, TokenizerEncode.self, TokenizerDecode.self]
    )
}

extension TrainingOptions.ModelType: ExpressibleByArgument {}
extension TrainingOptions.Normalization: ExpressibleByArgument {}
extension SentencePieceModel.OutputFormat: ExpressibleByArgument {}
