import ArgumentParser
import Tokenizer

/// `nmt tokenizer train`: spm_train with the project's special ids and a fixed seed. Every
/// flag also takes spm_train's own spelling (`--model_prefix`, `--vocab_size`, …).
struct TokenizerTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a SentencePiece model on text files (one joint model for all of them).")

    @Option(name: .long, parsing: .singleValue,
            help: "A training text file (plain or gzip-compressed); repeat the flag or separate files with commas.")
    var input: [String] = []

    @Option(name: [.customLong("model-prefix"), .customLong("model_prefix")],
            help: "Write PREFIX.model and PREFIX.vocab, as spm_train does.")
    var modelPrefix: String?

    @Option(help: "Write the model file to this path (no vocabulary file).")
    var output: String?

    @Option(name: [.customLong("vocab-size"), .customLong("vocab_size")], help: "Pieces in the model, special pieces included.")
    var vocabSize = 8000

    @Option(name: [.customLong("model-type"), .customLong("model_type")], help: "bpe or unigram.")
    var modelType: TrainingOptions.ModelType = .unigram

    @Option(name: [.customLong("character-coverage"), .customLong("character_coverage")],
            help: "Share of characters covered: 1.0 for small alphabets, 0.9995 for CJK.")
    var characterCoverage = 0.9995

    @Option(name: [.customLong("input-sentence-size"), .customLong("input_sentence_size")],
            help: "Lines sampled from the inputs (0 = all).")
    var inputSentenceSize = 0

    @Option(name: [.customLong("seed"), .customLong("random_seed")],
            help: "Random seed: the same inputs, options and seed give the same model file.")
    var seed: UInt32 = 1

    @Flag(name: .customLong("byte-fallback"), help: "Spell unknown characters as UTF-8 bytes.")
    var byteFallbackSwitch = false

    /// spm_train's spelling, which takes a value: `--byte_fallback=true`.
    @Option(name: .customLong("byte_fallback"), help: "spm_train's --byte_fallback=true|false.")
    var byteFallbackValue: Bool?

    var byteFallback: Bool { byteFallbackValue ?? byteFallbackSwitch }

    @Option(name: [.customLong("normalization"), .customLong("normalization_rule_name")],
            help: "Normalization: nmt_nfkc, nfkc, nmt_nfkc_cf, nfkc_cf or identity.")
    var normalization: TrainingOptions.Normalization = .nmtNFKC

    @Option(name: [.customLong("threads"), .customLong("num_threads")],
            help: "Training threads; more than 1 may change the model from run to run.")
    var threads = 1

    var inputs: [String] {
        input.flatMap { $0.split(separator: ",").map(String.init) }
    }

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one --input file") }
        guard (modelPrefix == nil) != (output == nil) else {
            throw ValidationError("give exactly one of --model-prefix and --output")
        }
    }

    func run() throws {
        var options = TrainingOptions()
        options.vocabularySize = vocabSize
        options.modelType = modelType
        options.characterCoverage = characterCoverage
        options.inputSentenceSize = inputSentenceSize
        options.seed = seed
        options.byteFallback = byteFallback
        options.normalization = normalization
        options.threads = threads
        let model = try SentencePieceModel.train(inputs: inputs, options: options)
        if let modelPrefix {
            try model.write(to: modelPrefix + ".model")
            try model.writeVocabulary(to: modelPrefix + ".vocab")
        } else if let output {
            try model.write(to: output)
        }
    }
}
