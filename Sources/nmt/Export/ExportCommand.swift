import ArgumentParser
import Checkpoints
import Export
import Foundation

/// `nmt export`: a checkpoint as a CTranslate2 model directory or an Argos Translate package.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a checkpoint for CTranslate2 or Argos Translate.",
        discussion: """
            --format ctranslate2 writes a model directory for ctranslate2.Translator (model.bin, \
            config.json, the vocabulary, and the SentencePiece model for tokenizing). --format argos \
            writes an .argosmodel package for argostranslate.package.install_from_path; it needs \
            --from and --to (ISO 639-1 codes). Translate with the SentencePiece pieces of each line; \
            the model adds eos itself, as nmt translate does.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case ctranslate2, argos
    }

    @Option(help: "ctranslate2 or argos.")
    var format: Format
    @Option(help: "Checkpoint directory (e.g. runs/NAME/checkpoints/best).")
    var model: String
    @Option(name: .shortAndLong, help: "The model directory (ctranslate2) or .argosmodel file (argos) to create; must not exist.")
    var output: String
    @Option(help: "Weights as float32, or int8 with per-row scales.")
    var quantization: CTranslate2Quantization = .float32
    @Option(help: "Source language code (argos).")
    var from: String?
    @Option(help: "Target language code (argos).")
    var to: String?
    @Option(help: "Source language name, when --from is not a code nmt knows (argos).")
    var fromName: String?
    @Option(help: "Target language name, when --to is not a code nmt knows (argos).")
    var toName: String?
    @Option(help: "The package's version (argos).")
    var packageVersion = "1.0"

    func validate() throws {
        switch format {
        case .argos:
            guard from != nil, to != nil else { throw ValidationError("--format argos needs --from and --to") }
        case .ctranslate2:
            guard from == nil, to == nil, fromName == nil, toName == nil else {
                throw ValidationError("--from, --to, --from-name and --to-name are for --format argos")
            }
        }
    }

    func run() throws {
        let outputURL = URL(fileURLWithPath: output)
        // Refused before the checkpoint is loaded, so a mistyped output costs nothing.
        guard !FileManager.default.fileExists(atPath: outputURL.path) else { throw ExportError.outputExists(outputURL.path) }
        let checkpoint = try ModelCheckpoint(directory: URL(fileURLWithPath: model))
        switch format {
        case .ctranslate2:
            try CTranslate2Export.write(checkpoint, quantization: quantization, to: outputURL)
        case .argos:
            let package = try ArgosPackage(fromCode: from!, toCode: to!, fromName: fromName, toName: toName,
                                           packageVersion: packageVersion)
            try package.write(checkpoint, quantization: quantization, to: outputURL, producer: "nmt \(Version.number)")
        }
        FileHandle.standardError.write(Data("exported \(model) as \(format.rawValue) (\(quantization.rawValue)) to \(output)\n".utf8))
    }
}

extension CTranslate2Quantization: ExpressibleByArgument {}
