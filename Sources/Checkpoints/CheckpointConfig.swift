import Foundation
import Tensor
import Transformer

/// config.json of a checkpoint directory, the one schema that writes and reads it.
///
/// `Training` is the training section's type: Training writes and resumes with its whole
/// `TrainingConfig`; everything else (translate, score, serve, average, export) reads a
/// `TrainingSection`, the few keys it needs, and ignores the rest. `format` versions the
/// schema: a reader refuses a format newer than `newestFormat`, naming both, instead of
/// misreading it.
///
/// Format 1 (every checkpoint trained here): `format`, `model` (`TransformerConfig`),
/// `training`, `specialIDs` (pad, unk, bos, eos → id).
/// Format 2 (imported models): format 1 plus `tokenizer` (`TokenizerSection`) and the
/// model keys of imported models (`TransformerConfig.usesImportKeys`). A checkpoint that
/// needs neither is still written as format 1, so older readers keep reading it.
public struct CheckpointConfig<Training: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    /// The newest format this build reads, and the one it writes.
    public static var newestFormat: Int { 2 }

    public var format: Int
    public var model: TransformerConfig
    public var training: Training
    /// The special ids the model was trained with (pad, unk, bos, eos).
    public var specialIDs: [String: Int32]
    /// The tokenizer's files; nil: one SentencePiece model (sentencepiece.model).
    public var tokenizer: TokenizerSection?

    public init(model: TransformerConfig, training: Training, specialIDs: [String: Int32], tokenizer: TokenizerSection? = nil) {
        self.format = model.usesImportKeys || tokenizer != nil ? 2 : 1
        self.model = model
        self.training = training
        self.specialIDs = specialIDs
        self.tokenizer = tokenizer
    }

    /// Decodes config.json's bytes: the format first (so a newer one is named as such, not
    /// as a missing key), then the whole schema, then the model config's own checks
    /// (`TransformerConfig.problems()`) before anything is allocated for it.
    /// - Throws: `CheckpointError.newerFormat` or `.corrupt`, naming `source`.
    public static func decode(_ data: Data, source: String) throws -> Self {
        let decoder = JSONDecoder()
        do {
            let format = try decoder.decode(CheckpointFormat.self, from: data).format
            guard format <= newestFormat else {
                throw CheckpointError.newerFormat(file: source, found: format, newest: newestFormat)
            }
            guard format >= 1 else { throw CheckpointError.corrupt(file: source, reason: "format \(format) is not a checkpoint format") }
            let config = try decoder.decode(Self.self, from: data)
            let problems = config.model.problems()
            guard problems.isEmpty else {
                throw CheckpointError.corrupt(file: source, reason: problems.joined(separator: "; "))
            }
            return config
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError.corrupt(file: source, reason: "\(error)")
        }
    }

    /// Reads and decodes `directory`/config.json.
    public static func read(from directory: URL) throws -> Self {
        let url = try CheckpointFiles.existing(CheckpointFiles.config, in: directory)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError.corrupt(file: url.path, reason: error.localizedDescription)
        }
        return try decode(data, source: url.path)
    }

    /// The bytes written to config.json: pretty-printed with sorted keys, so that the same
    /// config always gives the same bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// What readers other than training need of config.json's training section (decoding
/// ignores every other key of it).
public struct TrainingSection: Codable, Equatable, Sendable {
    /// The training corpus files (such as train.es and train.en), whose extensions name
    /// the languages.
    public var trainSrc: String?
    public var trainTgt: String?
    /// The precision the segment that wrote the checkpoint trained in; absent in
    /// checkpoints from before it was recorded, which trained in fp32.
    public var precision: String?

    public init(trainSrc: String? = nil, trainTgt: String? = nil, precision: String? = nil) {
        self.trainSrc = trainSrc
        self.trainTgt = trainTgt
        self.precision = precision
    }

    /// The source and target language codes, from the training files' extensions
    /// (train.es or train.es.gz → es; nil where a file is unknown or has none).
    public var languages: (source: String?, target: String?) {
        func code(_ path: String?) -> String? {
            guard let path else { return nil }
            var url = URL(fileURLWithPath: path)
            // train.es.gz names Spanish, compressed.
            if url.pathExtension == "gz" { url.deletePathExtension() }
            return url.pathExtension.isEmpty ? nil : url.pathExtension
        }
        return (code(trainSrc), code(trainTgt))
    }

    /// `precision` as a `ProductPrecision` (fp32 when absent).
    /// - Throws: `CheckpointError.corrupt` naming `source` for an unknown value.
    public func productPrecision(source: String) throws -> ProductPrecision {
        guard let precision else { return .fp32 }
        guard let value = ProductPrecision(rawValue: precision) else {
            let known = ProductPrecision.allCases.map(\.rawValue).joined(separator: ", ")
            throw CheckpointError.corrupt(file: source, reason: "training.precision '\(precision)' is not one of \(known)")
        }
        return value
    }
}

/// config.json's `tokenizer` section (format 2): which tokenizer the checkpoint's files
/// make up.
public struct TokenizerSection: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// A MarianMT tokenizer: source.spm, target.spm and vocab.json (`MarianTokenizer`).
        case marian
    }

    public var kind: Kind

    public init(kind: Kind) { self.kind = kind }
}

/// config.json's `format` alone, read before the rest.
private struct CheckpointFormat: Decodable { var format: Int }
