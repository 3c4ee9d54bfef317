import Foundation

/// The parsers that read untrusted files, each as a function of arbitrary bytes with the
/// properties it must keep (docs/RELIABILITY.md).
///
/// Every target holds two kinds of property. The first is the same for all: whatever the
/// bytes, the parser returns or throws its module's own error type; it never traps, never
/// reads out of bounds (the address sanitizer checks this under libFuzzer) and never
/// throws anything else. The second is what the parser's result must satisfy when it
/// succeeds, such as a round trip or a count that can be computed another way. A broken
/// property is returned as a `PropertyViolation`; the libFuzzer driver (`nmt-fuzz`)
/// turns it into a crash so that the input is saved, and the test suite asserts there is
/// none.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `SafeTensorsFile.read(data:source:)`: model and optimizer files.
    case safetensors
    /// `CheckpointConfig.decode`: a checkpoint's config.json.
    case modelConfig = "model-config"
    /// `TrainingConfig.load(yaml:source:)`: the YAML configs of `nmt train --config`.
    case yamlConfig = "yaml-config"
    /// `LineBlockReader` and `LineBlock.validateUTF8`: corpus lines, read in small blocks,
    /// inflated when they start as gzip.
    case corpusLines = "corpus-lines"
    /// The `bleu` tokenizers (13a, intl, char, none) and sentence BLEU and chrF.
    case bleuTokenizers = "bleu-tokenizers"
    /// `TextLines(bytes:source:universalNewlines:)`: `bleu`'s reading of references and
    /// hypotheses, then corpus BLEU and chrF of the lines against themselves.
    case bleuReferences = "bleu-references"
    /// `SentencePieceModel(serialized:)` through CSentencePiece, then encoding and
    /// decoding with the loaded model.
    case sentencepiece
    /// `MarianVocabulary(json:source:)`: an imported MarianMT model's vocab.json.
    case marianVocabulary = "marian-vocabulary"
    /// `MarianConfig(json:source:)`: an imported MarianMT model's config.json.
    case marianConfig = "marian-config"

    /// Runs the parser on `bytes` and checks its properties.
    /// - Returns: the first property the parser broke, or nil.
    public func check(_ bytes: [UInt8]) -> PropertyViolation? {
        do {
            switch self {
            case .safetensors: try SafeTensorsProperties.check(bytes)
            case .modelConfig: try ConfigProperties.checkModelConfig(bytes)
            case .yamlConfig: try ConfigProperties.checkYAML(bytes)
            case .corpusLines: try CorpusLineProperties.check(bytes)
            case .bleuTokenizers: try BLEUProperties.checkTokenizers(bytes)
            case .bleuReferences: try BLEUProperties.checkReferences(bytes)
            case .sentencepiece: try SentencePieceProperties.check(bytes)
            case .marianVocabulary: try MarianProperties.checkVocabulary(bytes)
            case .marianConfig: try MarianProperties.checkConfig(bytes)
            }
            return nil
        } catch let violation as PropertyViolation {
            return violation
        } catch {
            return PropertyViolation("\(rawValue) threw an error of an unexpected type: \(type(of: error)): \(error)")
        }
    }
}

/// A property a parser broke, with what was expected and what happened.
public struct PropertyViolation: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Throws a `PropertyViolation` with `message` unless `condition` holds.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) throws {
    if !condition() { throw PropertyViolation(message()) }
}

/// Runs `parse`; an error of type `Expected` is the parser's way of refusing the input and
/// gives nil, any other error propagates (and becomes a violation in `check`).
func refusedOrParsed<Expected: Error, T>(_ expected: Expected.Type, _ parse: () throws -> T) throws -> T? {
    do { return try parse() } catch is Expected { return nil }
}
