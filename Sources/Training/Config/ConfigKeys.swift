import Foundation
import Tensor
import Tokenizer
import Transformer

public enum ConfigError: Error, LocalizedError, Equatable {
    case unknownKey(String, source: String)
    case invalidValue(key: String, value: String, allowed: String)
    case unreadable(path: String, reason: String)
    case missing(key: String)
    /// Keys that exclude each other; the reason says which to give.
    case conflicting(String)

    public var errorDescription: String? {
        switch self {
        case let .unknownKey(key, source): "\(source): unknown config key '\(key)' (nmt train --help lists the keys)"
        case let .invalidValue(key, value, allowed): "config key '\(key)': '\(value)' is not allowed; expected \(allowed)"
        case let .unreadable(path, reason): "cannot read config \(path): \(reason)"
        case let .missing(key): "config key '\(key)' is required"
        case let .conflicting(reason): "config keys exclude each other: \(reason)"
        }
    }
}

/// One config key: its name, what it means, how to parse and check a value.
public struct ConfigKey: Sendable {
    public let name: String
    public let help: String
    public let allowed: String
    /// A true/false key, which the command line also takes as a plain switch
    /// (`--no-epoch-checkpoints` ⇔ `--no-epoch-checkpoints true`).
    public var isBoolean = false
    let apply: @Sendable (inout TrainingConfig, String) throws -> Void

    init(name: String, help: String, allowed: String, isBoolean: Bool = false,
         apply: @escaping @Sendable (inout TrainingConfig, String) throws -> Void) {
        self.name = name
        self.help = help
        self.allowed = allowed
        self.isBoolean = isBoolean
        self.apply = apply
    }

    /// The flag spelling, e.g. max_tokens → --max-tokens.
    public var flag: String { "--" + name.replacingOccurrences(of: "_", with: "-") }
}

extension TrainingConfig {
    /// Every key, in the order `nmt train --help` lists them.
    public static let keys: [ConfigKey] = [
        corpusPath("train_src", \.trainSrc, replacing: [\.trainTsv], "training source text, one sentence per line"),
        corpusPath("train_tgt", \.trainTgt, replacing: [\.trainTsv], "training target text, line-aligned with train_src"),
        corpusPath("valid_src", \.validSrc, replacing: [\.validTsv], "validation source text"),
        corpusPath("valid_tgt", \.validTgt, replacing: [\.validTsv], "validation target text"),
        corpusPath("train_tsv", \.trainTsv, replacing: [\.trainSrc, \.trainTgt],
                   "training pairs as one file of source<TAB>target lines, instead of train_src and train_tgt"),
        corpusPath("valid_tsv", \.validTsv, replacing: [\.validSrc, \.validTgt],
                   "validation pairs as source<TAB>target lines, instead of valid_src and valid_tgt"),
        ConfigKey(name: "corpora", help: "several training corpora with sampling weights and target-language tags, as a YAML list (README \"Several corpora\"), instead of train_src/train_tgt or train_tsv",
                  allowed: TrainingCorpus.allowedList + ", in the YAML config file") { _, text in
            throw invalid("corpora", text, TrainingCorpus.allowedList + ", in the YAML config file")
        },
        ConfigKey(name: "valid_target_language", help: "target-language tag (>>xx<<) put before every validation source sentence",
                  allowed: "a language code such as de, fra or pt_br") { config, text in
            do { config.validTargetLanguage = try TargetLanguageTag(language: text).language } catch {
                throw invalid("valid_target_language", text, "a language code: 2 or 3 ASCII letters with optional _ or - subtags (e.g. de, fra, pt_br)")
            }
        },
        bool("skip_invalid", \.skipInvalid,
             "skip and count pairs whose line is not UTF-8 or, in a TSV file, lacks exactly one tab (default: an error naming the line)"),
        bool("filter_empty", \.filterEmpty, "drop training pairs with an empty (or all-white-space) side"),
        ratio("filter_length_ratio", \.filterLengthRatio,
              "drop training pairs whose longer side has more than this many times the words of the shorter (0: off)"),
        bool("filter_identical", \.filterIdentical, "drop training pairs whose source equals their target (surrounding white space aside)"),
        bool("filter_duplicates", \.filterDuplicates, "drop training pairs equal on both sides to an earlier pair"),
        string("init_from", \.initFrom,
               "checkpoint directory to fine-tune: weights, tokenizer and architecture come from it; optimizer, schedule and progress start fresh"),
        string("spm_model", \.spmModel, "SentencePiece model to use (default: train one on the training data)"),
        int("vocab_size", \.vocabSize, 8...1_000_000, "vocabulary size of a trained SentencePiece model"),
        choice("spm_model_type", \.spmModelType, ["unigram", "bpe"], "SentencePiece model type"),
        int("max_positions", \.maxPositions, 2...65_536, "longest sentence in tokens (with eos); longer pairs are skipped"),
        choice("arch", \.arch, TransformerConfig.presetNames, "model preset"),
        optionalFloat("dropout", \.dropout, 0, 0.99, "dropout (default: the preset's)"),
        optionalFloat("attention_dropout", \.attentionDropout, 0, 0.99, "dropout on attention weights"),
        optionalFloat("activation_dropout", \.activationDropout, 0, 0.99, "dropout after the FFN activation"),
        optionalBool("normalize_before", \.normalizeBefore, "pre-norm (true) or post-norm (false)"),
        optionalEnum("share_embeddings", \.shareEmbeddings, "which embeddings are shared"),
        optionalEnum("activation", \.activation, "FFN activation"),
        enumeration("criterion", \.criterion, "training loss"),
        float("label_smoothing", \.labelSmoothing, 0, 0.99, "α: label smoothing / LABO regularization mass"),
        float("labo_tau", \.laboTau, 1e-3, 1e9, "τ: LABO temperature"),
        float("lr", \.lr, 1e-9, 10, "peak learning rate"),
        float("adam_beta1", \.adamBeta1, 0, 0.999_999, "Adam β₁"),
        float("adam_beta2", \.adamBeta2, 0, 0.999_999_9, "Adam β₂"),
        float("adam_eps", \.adamEps, 1e-12, 1, "Adam ε"),
        float("weight_decay", \.weightDecay, 0, 1, "decoupled weight decay (AdamW)"),
        int("warmup_updates", \.warmupUpdates, 1...10_000_000, "linear warmup updates of the inverse-sqrt schedule"),
        float("warmup_init_lr", \.warmupInitLR, 0, 10, "learning rate at update 0"),
        float("clip_norm", \.clipNorm, 0, 1e9, "clip the gradient norm to this (0: off)"),
        int("max_tokens", \.maxTokens, 16...10_000_000, "padded tokens per batch (per side)"),
        int("update_freq", \.updateFreq, 1...1024, "batches accumulated per update"),
        int("seed", \.seed, 0...Int(Int32.max), "random seed (data order, dropout, initialisation)"),
        int("threads", \.threads, 1...256, "threads for BLAS and the kernels"),
        optionalEnum("precision", \.precision,
                     "products' arithmetic: fp32, bf16 (bf16 inputs, fp32 accumulation; needs AVX512-BF16) or auto (bf16 where the CPU has it); default fp32"),
        int("max_epoch", \.maxEpoch, 0...1_000_000, "stop after this many epochs (0: no limit)"),
        int("max_update", \.maxUpdate, 0...1_000_000_000, "stop after this many updates (0: no limit)"),
        double("stop_time_hours", \.stopTimeHours, 0, 10_000, "stop after this wall-clock time (0: no limit)"),
        int("validate_interval_updates", \.validateIntervalUpdates, 1...1_000_000_000, "validate and checkpoint every N updates"),
        int("patience", \.patience, -1...1_000_000, "stop when more than N validations in a row bring no better BLEU (fairseq's --patience N+1; −1: never)"),
        int("save_interval_updates", \.saveIntervalUpdates, 0...1_000_000_000,
            "also checkpoint every N updates, without validating (0: only at validations)"),
        bool("no_epoch_checkpoints", \.noEpochCheckpoints, "no checkpoint at the end of each epoch"),
        int("keep_interval_updates", \.keepIntervalUpdates, -1...1_000_000, "update checkpoints to keep (−1: all)"),
        int("keep_interval_updates_pattern", \.keepIntervalUpdatesPattern, -1...1_000_000_000,
            "update checkpoints at multiples of N are kept whatever keep_interval_updates says (0 or −1: none)"),
        int("keep_last_epochs", \.keepLastEpochs, -1...1_000_000, "epoch checkpoints to keep (−1: all)"),
        int("log_interval", \.logInterval, 1...1_000_000, "log every N updates"),
        int("valid_bleu_sentences", \.validBleuSentences, 0...10_000_000, "validation sentences decoded for BLEU (0: all)"),
        float("valid_max_len_a", \.validMaxLenA, 0, 100, "validation decoding: max length a·src_len + b"),
        int("valid_max_len_b", \.validMaxLenB, 0...10_000, "validation decoding: max length a·src_len + b"),
    ]

    public static func key(named name: String) -> ConfigKey? {
        let normalized = name.replacingOccurrences(of: "-", with: "_")
        return keys.first { $0.name == normalized }
    }

    /// Sets `name` from its text form; throws naming the key and what is allowed.
    public mutating func set(_ name: String, to value: String, source: String) throws {
        guard let key = Self.key(named: name) else { throw ConfigError.unknownKey(name, source: source) }
        try key.apply(&self, value)
    }

    // MARK: Key constructors

    static func invalid(_ name: String, _ value: String, _ allowed: String) -> ConfigError {
        .invalidValue(key: name, value: value, allowed: allowed)
    }

    /// `text` as a number of type T within lo...hi, or an error naming the key and the range.
    static func number<T: LosslessStringConvertible & Comparable>(_ name: String, _ text: String, _ lo: T, _ hi: T,
                                                                   allowed: String) throws -> T {
        guard let v = T(text.trimmingCharacters(in: .whitespaces)), v >= lo, v <= hi else { throw invalid(name, text, allowed) }
        return v
    }

    static func int(_ name: String, _ path: WritableKeyPath<TrainingConfig, Int> & Sendable, _ range: ClosedRange<Int>,
                    _ help: String) -> ConfigKey {
        let allowed = "an integer in \(range.lowerBound)...\(range.upperBound)"
        return ConfigKey(name: name, help: help, allowed: allowed) { config, text in
            config[keyPath: path] = try number(name, text, range.lowerBound, range.upperBound, allowed: allowed)
        }
    }

    static func double(_ name: String, _ path: WritableKeyPath<TrainingConfig, Double> & Sendable, _ lo: Double, _ hi: Double,
                       _ help: String) -> ConfigKey {
        let allowed = "a number in [\(lo), \(hi)]"
        return ConfigKey(name: name, help: help, allowed: allowed) { config, text in
            config[keyPath: path] = try number(name, text, lo, hi, allowed: allowed)
        }
    }

    static func float(_ name: String, _ path: WritableKeyPath<TrainingConfig, Float> & Sendable, _ lo: Float, _ hi: Float,
                      _ help: String) -> ConfigKey {
        let allowed = "a number in [\(lo), \(hi)]"
        return ConfigKey(name: name, help: help, allowed: allowed) { config, text in
            config[keyPath: path] = try number(name, text, lo, hi, allowed: allowed)
        }
    }

    static func optionalFloat(_ name: String, _ path: WritableKeyPath<TrainingConfig, Float?> & Sendable, _ lo: Float, _ hi: Float,
                              _ help: String) -> ConfigKey {
        let allowed = "a number in [\(lo), \(hi)]"
        return ConfigKey(name: name, help: help, allowed: allowed) { config, text in
            config[keyPath: path] = try number(name, text, lo, hi, allowed: allowed)
        }
    }

    /// A length-ratio limit: 0 (off) or a number ≥ 1 (a ratio below 1 would drop every pair).
    static func ratio(_ name: String, _ path: WritableKeyPath<TrainingConfig, Double> & Sendable, _ help: String) -> ConfigKey {
        let allowed = "0 (off) or a number in [1, 1e9]"
        return ConfigKey(name: name, help: help, allowed: allowed) { config, text in
            let value = try number(name, text, 0, 1e9, allowed: allowed)
            guard value == 0 || value >= 1 else { throw invalid(name, text, allowed) }
            config[keyPath: path] = value
        }
    }

    static func bool(_ name: String, _ path: WritableKeyPath<TrainingConfig, Bool> & Sendable, _ help: String) -> ConfigKey {
        ConfigKey(name: name, help: help, allowed: "true or false", isBoolean: true) { config, text in
            switch text.lowercased() {
            case "true", "yes", "1": config[keyPath: path] = true
            case "false", "no", "0": config[keyPath: path] = false
            default: throw invalid(name, text, "true or false")
            }
        }
    }

    static func optionalBool(_ name: String, _ path: WritableKeyPath<TrainingConfig, Bool?> & Sendable, _ help: String) -> ConfigKey {
        ConfigKey(name: name, help: help, allowed: "true or false", isBoolean: true) { config, text in
            switch text.lowercased() {
            case "true", "yes", "1": config[keyPath: path] = true
            case "false", "no", "0": config[keyPath: path] = false
            default: throw invalid(name, text, "true or false")
            }
        }
    }

    static func string(_ name: String, _ path: WritableKeyPath<TrainingConfig, String?> & Sendable, _ help: String) -> ConfigKey {
        ConfigKey(name: name, help: help, allowed: "a path") { config, text in
            guard !text.isEmpty else { throw invalid(name, text, "a non-empty path") }
            config[keyPath: path] = text
        }
    }

    /// A corpus file. The two ways of giving a corpus (two aligned files, one TSV file)
    /// replace each other, so that a flag overrides a config file's corpus in the other
    /// form; one file or command line giving both is refused (`requireOneCorpusForm`).
    static func corpusPath(_ name: String, _ path: WritableKeyPath<TrainingConfig, String?> & Sendable,
                           replacing others: [WritableKeyPath<TrainingConfig, String?> & Sendable], _ help: String) -> ConfigKey {
        ConfigKey(name: name, help: help, allowed: "a path") { config, text in
            guard !text.isEmpty else { throw invalid(name, text, "a non-empty path") }
            config[keyPath: path] = text
            for other in others { config[keyPath: other] = nil }
            // A training corpus given by flag replaces a config file's list too.
            if name.hasPrefix("train_") { config.corpora = nil }
        }
    }

    /// Refuses a config file or command line (`source`) that gives a corpus both as
    /// aligned files and as a TSV file; `given` are the keys it sets.
    static func requireOneCorpusForm(given: Set<String>, source: String) throws {
        let single = ["train_src", "train_tgt", "train_tsv"].filter(given.contains)
        if given.contains("corpora") && !single.isEmpty {
            throw ConfigError.conflicting("\(source) gives both corpora and \(single.joined(separator: " and ")); give one")
        }
        for split in ["train", "valid"] where given.contains("\(split)_tsv") {
            let aligned = ["\(split)_src", "\(split)_tgt"].filter(given.contains)
            guard aligned.isEmpty else {
                throw ConfigError.conflicting("\(source) gives both \(split)_tsv and \(aligned.joined(separator: " and ")); give one")
            }
        }
    }

    static func choice(_ name: String, _ path: WritableKeyPath<TrainingConfig, String> & Sendable, _ values: [String],
                       _ help: String) -> ConfigKey {
        let allowed = "one of " + values.joined(separator: ", ")
        return ConfigKey(name: name, help: help, allowed: allowed) { config, text in
            guard values.contains(text) else { throw invalid(name, text, allowed) }
            config[keyPath: path] = text
        }
    }

    static func enumeration<E: RawRepresentable & CaseIterable & SendableMetatype>(_ name: String, _ path: WritableKeyPath<TrainingConfig, E> & Sendable,
                                                                _ help: String) -> ConfigKey where E.RawValue == String {
        let allowed = "one of " + E.allCases.map(\.rawValue).joined(separator: ", ")
        return ConfigKey(name: name, help: help, allowed: allowed) { config, text in
            guard let v = E(rawValue: text) else { throw invalid(name, text, allowed) }
            config[keyPath: path] = v
        }
    }

    static func optionalEnum<E: RawRepresentable & CaseIterable & SendableMetatype>(_ name: String, _ path: WritableKeyPath<TrainingConfig, E?> & Sendable,
                                                                 _ help: String) -> ConfigKey where E.RawValue == String {
        let allowed = "one of " + E.allCases.map(\.rawValue).joined(separator: ", ")
        return ConfigKey(name: name, help: help, allowed: allowed) { config, text in
            guard let v = E(rawValue: text) else { throw invalid(name, text, allowed) }
            config[keyPath: path] = v
        }
    }
}
