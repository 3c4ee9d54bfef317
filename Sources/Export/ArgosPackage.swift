import Checkpoints
import FileIO
import Foundation

/// An Argos Translate package (.argosmodel), as argostranslate's package.py reads it: a
/// zip holding one directory with metadata.json (languages and versions), model/ (the
/// CTranslate2 model directory), sentencepiece.model (argostranslate tokenizes with it and
/// passes pieces to CTranslate2) and README.md. `install_from_path` unzips it into the
/// package directory.
///
/// No sentence-boundary model is included: argostranslate 1.11 then splits sentences with
/// MiniSBD's model for the source language, which it downloads and caches at first use.
public struct ArgosPackage {
    public var fromCode: String
    public var toCode: String
    public var fromName: String
    public var toName: String
    public var packageVersion: String
    /// The argostranslate version the package was made for (metadata's argos_version).
    public static let argosVersion = "1.11"

    /// A package from `fromCode` to `toCode`; a nil name is looked up in `languageNames`.
    /// - Throws: `ExportError.unknownLanguage` for a code with no name given or known.
    public init(fromCode: String, toCode: String, fromName: String? = nil, toName: String? = nil,
                packageVersion: String = "1.0") throws {
        guard let fromName = fromName ?? Self.languageNames[fromCode] else { throw ExportError.unknownLanguage(fromCode) }
        guard let toName = toName ?? Self.languageNames[toCode] else { throw ExportError.unknownLanguage(toCode) }
        self.fromCode = fromCode
        self.toCode = toCode
        self.fromName = fromName
        self.toName = toName
        self.packageVersion = packageVersion
    }

    /// English names of the ISO 639-1 codes Argos Translate's own packages use most.
    public static let languageNames: [String: String] = [
        "ar": "Arabic", "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
        "en": "English", "eo": "Esperanto", "es": "Spanish", "fi": "Finnish", "fr": "French", "hi": "Hindi",
        "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch",
        "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "tr": "Turkish",
        "uk": "Ukrainian", "zh": "Chinese",
    ]

    /// The directory inside the zip, named as argospm names packages
    /// (translate-es_en-1_0).
    public var directoryName: String {
        "translate-\(fromCode)_\(toCode)-\(packageVersion.replacingOccurrences(of: ".", with: "_"))"
    }

    /// metadata.json.
    func metadata() throws -> Data {
        struct Metadata: Encodable {
            let package_version: String
            let argos_version: String
            let from_code: String
            let from_name: String
            let to_code: String
            let to_name: String
            let type: String
            let links: [String]
        }
        return try CTranslate2Export.json(Metadata(
            package_version: packageVersion, argos_version: Self.argosVersion, from_code: fromCode, from_name: fromName,
            to_code: toCode, to_name: toName, type: "translate", links: []))
    }

    /// The zip's entries, in order: directories before their files.
    func entries(of checkpoint: ModelCheckpoint, quantization: CTranslate2Quantization, producer: String) throws -> [StoredZip.Entry] {
        // Argos Translate tokenizes with one sentencepiece.model for both sides.
        guard checkpoint.config.tokenizer == nil else {
            throw ExportError.unsupported(checkpoint: checkpoint.directory.path,
                                          reason: "an Argos package holds one SentencePiece model for both sides, and this imported "
                                              + "model has a source and a target model joined by vocab.json; export it with --format ctranslate2")
        }
        let root = directoryName + "/"
        let readme = """
            # \(fromName) → \(toName)

            A Transformer translation model trained with \(producer) and exported with \
            `nmt export --format argos` from the checkpoint \(checkpoint.directory.lastPathComponent) \
            (\(quantization.rawValue) weights).

            """
        var entries: [StoredZip.Entry] = [
            .directory(root),
            StoredZip.Entry(name: root + "metadata.json", data: try metadata()),
            StoredZip.Entry(name: root + "README.md", data: Data(readme.utf8)),
            StoredZip.Entry(name: root + CheckpointFiles.tokenizer, data: checkpoint.tokenizerData),
            .directory(root + "model/"),
        ]
        for (name, data) in try CTranslate2Export.files(of: checkpoint, quantization: quantization) {
            entries.append(StoredZip.Entry(name: root + "model/" + name, data: data))
        }
        return entries
    }

    /// Writes the package to `output` (a file that must not exist), atomically.
    /// - Parameter producer: names the program in README.md (e.g. "nmt 0.9").
    public func write(_ checkpoint: ModelCheckpoint, quantization: CTranslate2Quantization, to output: URL,
                      producer: String) throws {
        guard !FileManager.default.fileExists(atPath: output.path) else { throw ExportError.outputExists(output.path) }
        let entries = try entries(of: checkpoint, quantization: quantization, producer: producer)
        try AtomicFile.write(to: output) { write in try StoredZip.write(entries, write) }
    }
}
