import ArgumentParser
import Foundation
import Import

/// `nmt import`: a model from another toolkit as a checkpoint directory.
struct ImportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case marian
    }

    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a Hugging Face MarianMT (OPUS-MT) model as a checkpoint directory.",
        discussion: """
            --model names a Hugging Face MarianMT directory (config.json, model.safetensors, \
            source.spm, target.spm, vocab.json, tokenizer_config.json), such as one that \
            `huggingface-cli download Helsinki-NLP/opus-mt-es-en --local-dir DIR` fetches. \
            The output is a checkpoint directory for nmt translate, score, serve, average and \
            export. Weights only as pytorch_model.bin are refused with the command that converts \
            them; a config value the model cannot honour is refused naming the key and value.
            """
    )

    @Option(help: "The model's format.")
    var format: Format = .marian

    @Option(help: "The model directory.")
    var model: String

    @Option(name: .shortAndLong, help: "The new checkpoint directory (must not exist).")
    var output: String

    func run() throws {
        try MarianImport.write(URL(fileURLWithPath: model), to: URL(fileURLWithPath: output))
        FileHandle.standardError.write(Data("imported \(model) into \(output)\n".utf8))
    }
}
