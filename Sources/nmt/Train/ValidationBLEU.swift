import Evaluation
import Tokenizer
import Training
import Translation

/// Validation BLEU for `nmt train`: greedy translations of the validation sources,
/// detokenized, scored with sacreBLEU's default corpus BLEU (13a, exp smoothing) against
/// the raw validation references (`valid_src`/`valid_tgt` or `valid_tsv`, plain or gzip).
enum ValidationBLEU {
    static func validator(config: TrainingConfig) throws -> BLEUValidator? {
        // Without a validation corpus the trainer itself stops with the missing key.
        guard config.validTsv != nil || config.validSrc != nil else { return nil }
        // The pairs the validation loss is computed on (TSV, skip_invalid alike).
        var (sources, references, _) = try ParallelCorpus.read(try config.corpusFiles(.valid), cleaning: config.cleaning(.valid))
        if config.validBleuSentences > 0 && config.validBleuSentences < sources.count {
            sources = Array(sources.prefix(config.validBleuSentences))
            references = Array(references.prefix(config.validBleuSentences))
        }
        let options = SearchOptions(beam: 1, maxLenA: Double(config.validMaxLenA), maxLenB: config.validMaxLenB)
        return { model, tokenizer in
            // A multilingual run validates into one language: its tag leads every source.
            let tagged: any SentenceTokenizer = try config.validTargetLanguage.map { try tokenizer.forTargetLanguage($0) } ?? tokenizer
            let translator = try TextTranslator(model: model, tokenizer: tagged, options: options, batchSize: 64,
                                                encodingThreads: config.threads)
            let hypotheses = try translator.translate(sources).map(\.best)
            return try BLEU.corpusScore(hypotheses: hypotheses, references: [references]).score
        }
    }
}
