import Training

/// Validation BLEU for `nmt train`: not available until greedy search and BLEU are wired in.
enum ValidationBLEU {
    static func validator(config: TrainingConfig) throws -> BLEUValidator? { nil }
}
