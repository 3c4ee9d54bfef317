import Tensor
import Transformer

/// Everything `nmt train` needs: data, tokenizer, model, criterion, optimizer, budgets.
///
/// Each property is one config key (YAML `snake_case`, flag `--kebab-case`), listed with
/// its allowed values in `TrainingConfig.keys`. Names follow fairseq where fairseq has the
/// option (max_tokens, max_update, lr, warmup_updates, clip_norm, update_freq, …).
public struct TrainingConfig: Codable, Equatable, Sendable {
    // MARK: Data and tokenizer
    public var trainSrc: String? = nil
    public var trainTgt: String? = nil
    public var validSrc: String? = nil
    public var validTgt: String? = nil
    /// One file of tab-separated pairs (source, target) instead of train_src and train_tgt.
    public var trainTsv: String? = nil
    /// One file of tab-separated pairs instead of valid_src and valid_tgt.
    public var validTsv: String? = nil
    /// Several training corpora with sampling weights (and target-language tags), instead
    /// of train_src/train_tgt or train_tsv; given only as a YAML list (`TrainingCorpus`).
    public var corpora: [TrainingCorpus]? = nil
    /// The target-language tag of the validation sources (`>>xx<<`), for a run whose
    /// corpora have tags.
    public var validTargetLanguage: String? = nil
    /// Skip (and count) a pair whose line is not UTF-8 or, in a TSV file, has the wrong
    /// number of fields, instead of stopping with an error naming it.
    public var skipInvalid = false
    /// Cleaning of the training pairs (OpusFilter's and Moses's clean-corpus-n rules), each
    /// off by default (`CorpusCleaning`).
    public var filterEmpty = false
    /// 0: off.
    public var filterLengthRatio: Double = 0
    public var filterIdentical = false
    public var filterDuplicates = false
    /// A SentencePiece model to use; when nil one is trained on the training data.
    public var spmModel: String? = nil
    public var vocabSize = 8000
    public var spmModelType = "unigram"
    /// Sentences longer than this many tokens (either side, with eos) are skipped.
    public var maxPositions = 256
    /// A checkpoint directory whose weights, tokenizer and architecture a new run starts
    /// from (fine-tuning, fairseq's --finetune-from-model; `FineTuning`); nil: a fresh model.
    public var initFrom: String? = nil

    // MARK: Model
    public var arch = "small"
    public var dropout: Float? = nil
    public var attentionDropout: Float? = nil
    public var activationDropout: Float? = nil
    public var normalizeBefore: Bool? = nil
    public var shareEmbeddings: EmbeddingSharing? = nil
    public var activation: ActivationKind? = nil

    // MARK: Criterion
    public var criterion: CriterionKind = .labo
    /// α: label-regularization mass (fairseq's --label-smoothing).
    public var labelSmoothing: Float = 0.1
    /// τ: LABO's temperature. 2 won the τ ∈ {1, 2, 4, 8} sweep on the Bible corpus,
    /// narrowly (docs/RESULTS.md).
    public var laboTau: Float = 2

    // MARK: Optimizer and schedule
    public var lr: Float = 5e-4
    public var adamBeta1: Float = 0.9
    public var adamBeta2: Float = 0.98
    public var adamEps: Float = 1e-8
    public var weightDecay: Float = 0.0001
    public var warmupUpdates = 4000
    public var warmupInitLR: Float = 1e-7
    public var clipNorm: Float = 0
    public var maxTokens = 4096
    public var updateFreq = 1

    // MARK: Run
    public var seed = 1
    public var threads = 2
    /// The products' arithmetic (nil: `RunPrecision.defaultRequest`). In a checkpoint's
    /// config.json, the precision the segment that wrote it actually used, never auto.
    public var precision: PrecisionRequest? = nil
    /// 0: no limit.
    public var maxEpoch = 0
    public var maxUpdate = 0
    public var stopTimeHours: Double = 0
    public var validateIntervalUpdates = 1000
    /// Stop after this many validations without a new best BLEU; −1: never.
    public var patience = -1
    /// Also write a checkpoint every N updates, without validating (fairseq's
    /// --save-interval-updates; 0: checkpoints only at validations and epoch ends).
    public var saveIntervalUpdates = 0
    /// No checkpoint at the end of each epoch (fairseq's --no-epoch-checkpoints).
    public var noEpochCheckpoints = false
    /// Update checkpoints (`update-N`) to keep besides the targets of `last` and `best`
    /// (fairseq's --keep-interval-updates; −1: all).
    public var keepIntervalUpdates = -1
    /// Update checkpoints at multiples of this are exempt from keepIntervalUpdates (fairseq's
    /// --keep-interval-updates-pattern; ≤ 0: none).
    public var keepIntervalUpdatesPattern = 0
    /// Epoch checkpoints (`epoch-N`) to keep (fairseq's --keep-last-epochs; −1: all).
    public var keepLastEpochs = -1
    public var logInterval = 100
    /// Sentences of the validation set decoded for BLEU (0: all).
    public var validBleuSentences = 0
    public var validMaxLenA: Float = 1.2
    public var validMaxLenB = 10

    public init() {}

    /// The model architecture: the preset `arch` with this config's overrides.
    public func modelConfig(vocabularySize: Int, padID: Int32, eosID: Int32) throws -> TransformerConfig {
        guard var config = TransformerConfig.preset(arch, vocabularySize: vocabularySize) else {
            throw ConfigError.invalidValue(key: "arch", value: arch, allowed: TransformerConfig.presetNames.joined(separator: ", "))
        }
        if let v = dropout { config.dropout = v }
        if let v = attentionDropout { config.attentionDropout = v }
        if let v = activationDropout { config.activationDropout = v }
        if let v = normalizeBefore { config.normalizeBefore = v }
        if let v = shareEmbeddings { config.sharing = v }
        if let v = activation { config.activation = v }
        config.maxPositions = maxPositions
        config.padID = padID
        config.eosID = eosID
        return config
    }

    /// The training criterion.
    public var criterionValue: Criterion {
        switch criterion {
        case .labo: .labo(alpha: labelSmoothing, tau: laboTau)
        case .labelSmoothedCrossEntropy: .labelSmoothed(alpha: labelSmoothing)
        case .crossEntropy: .crossEntropy
        }
    }
}
