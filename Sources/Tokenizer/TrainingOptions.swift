/// How to train a SentencePiece model; each field is the `spm_train` flag named in its doc.
///
/// The defaults give a deterministic model: one training thread and a fixed seed, so
/// training twice on the same files writes byte-identical model files.
public struct TrainingOptions: Sendable, Equatable {
    /// The segmentation algorithm (`--model_type`).
    public enum ModelType: String, Sendable, CaseIterable {
        case bpe
        case unigram
    }

    /// The normalization applied before segmentation (`--normalization_rule_name`).
    public enum Normalization: String, Sendable, CaseIterable {
        /// NFKC plus SentencePiece's whitespace and control-character rules (its default).
        case nmtNFKC = "nmt_nfkc"
        /// Plain Unicode NFKC.
        case nfkc
        /// `nmtNFKC` then case folding.
        case nmtNFKCCaseFold = "nmt_nfkc_cf"
        /// `nfkc` then case folding.
        case nfkcCaseFold = "nfkc_cf"
        /// No normalization: the text is segmented as written.
        case identity
    }

    /// `--model_type`.
    public var modelType: ModelType = .unigram
    /// `--vocab_size`: pieces in the model, the four special pieces included.
    public var vocabularySize: Int = 8000
    /// `--character_coverage`: the share of characters the model covers (1.0 for scripts
    /// with few characters; 0.9995 suits Chinese and Japanese).
    public var characterCoverage: Double = 0.9995
    /// `--input_sentence_size`: how many lines to sample from the inputs (0 = all).
    public var inputSentenceSize: Int = 0
    /// `--shuffle_input_sentence`: sample lines at random rather than take the first ones.
    public var shuffleInputSentence: Bool = true
    /// The seed of SentencePiece's random generator (`spm_train --random_seed`).
    /// `UInt32.max` asks SentencePiece for a random seed. Debian's SentencePiece 0.1.97
    /// samples input sentences identically whatever the seed (measured: seeds 7, 8 and
    /// random give the same model): with it, training is deterministic and the seed has no
    /// effect; it is passed on for SentencePiece builds that do use it.
    public var seed: UInt32 = 1
    /// `--byte_fallback`: spell characters outside the vocabulary as UTF-8 byte pieces.
    public var byteFallback: Bool = false
    /// `--normalization_rule_name`.
    public var normalization: Normalization = .nmtNFKC
    /// `--num_threads`. More than one makes unigram training faster but may change the
    /// model from run to run.
    public var threads: Int = 1
    /// `--user_defined_symbols`: pieces always kept whole, wherever they appear (such as
    /// target-language tags, `TargetLanguageTag`); they take ids right after the special
    /// pieces.
    public var userDefinedSymbols: [String] = []

    public init() {}

    /// The `spm_train` flags (without dashes) these options stand for, the project's
    /// special ids included.
    var arguments: [(String, String)] {
        [
            ("model_type", modelType.rawValue),
            ("vocab_size", String(vocabularySize)),
            ("character_coverage", String(characterCoverage)),
            ("input_sentence_size", String(inputSentenceSize)),
            ("shuffle_input_sentence", String(shuffleInputSentence)),
            ("byte_fallback", String(byteFallback)),
            ("normalization_rule_name", normalization.rawValue),
            ("num_threads", String(threads)),
            ("pad_id", String(SpecialIDs.pad)),
            ("unk_id", String(SpecialIDs.unk)),
            ("bos_id", String(SpecialIDs.bos)),
            ("eos_id", String(SpecialIDs.eos)),
            // Warnings and errors only: the progress log would bury the CLI's own output.
            ("minloglevel", "1"),
        ] + (userDefinedSymbols.isEmpty ? [] : [("user_defined_symbols", userDefinedSymbols.joined(separator: ","))])
    }

    /// Rejects values that SentencePiece would reject less clearly, or accept and misuse.
    func validate() throws {
        guard vocabularySize > 4 else {
            throw SentencePieceError.invalidOption(
                "vocabulary size \(vocabularySize) leaves no room beside the 4 special pieces")
        }
        guard characterCoverage > 0, characterCoverage <= 1 else {
            throw SentencePieceError.invalidOption(
                "character coverage \(characterCoverage) is not in (0, 1]")
        }
        guard inputSentenceSize >= 0 else {
            throw SentencePieceError.invalidOption(
                "input sentence size \(inputSentenceSize) is negative")
        }
        guard threads >= 1 else {
            throw SentencePieceError.invalidOption("training threads \(threads) is below 1")
        }
        // SentencePiece reads the list comma-separated.
        if let symbol = userDefinedSymbols.first(where: { $0.isEmpty || $0.contains(",") || $0.contains(where: \.isWhitespace) }) {
            throw SentencePieceError.invalidOption("user-defined symbol '\(symbol)' is empty or holds a comma or white space")
        }
    }
}
