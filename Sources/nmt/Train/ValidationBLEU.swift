import Evaluation
import Training
import Translation

/// Validation BLEU for `nmt train`: greedy translations of the validation sources,
/// detokenized, scored with sacreBLEU's default corpus BLEU (13a, exp smoothing) against
/// the raw validation references.
enum ValidationBLEU {
    static func validator(config: TrainingConfig) throws -> BLEUValidator? {
        guard let sourcePath = config.validSrc, let referencePath = config.validTgt else { return nil }
        var (sources, references) = try ParallelCorpus.read(source: sourcePath, target: referencePath)
        if config.validBleuSentences > 0 && config.validBleuSentences < sources.count {
            sources = Array(sources.prefix(config.validBleuSentences))
            references = Array(references.prefix(config.validBleuSentences))
        }
        let options = SearchOptions(beam: 1, maxLenA: Double(config.validMaxLenA), maxLenB: config.validMaxLenB)
        return { model, tokenizer in
            let translator = try TextTranslator(model: model, tokenizer: tokenizer, options: options, batchSize: 64,
                                                encodingThreads: config.threads)
            let hypotheses = try translator.translate(sources).map(\.best)
            return try BLEU.corpusScore(hypotheses: hypotheses, references: [references]).score
        }
    }
}
