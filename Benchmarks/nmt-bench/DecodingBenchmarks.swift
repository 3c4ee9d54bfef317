import Tensor
import Transformer
import Translation

/// Decoding throughput: greedy and beam 5 over 32 sentences of 24 tokens with a fixed
/// output length (eos forbidden until the last of 30 steps), as the PyTorch reference
/// (Benchmarks/reference/torch_transformer.py decode) does.
enum DecodingBenchmarks {
    static let sentences = 32, sourceLength = 24, steps = 30

    static func run(preset: String, threads: Int, rounds: Int) throws -> [Measurement] {
        Threads.set(threads)
        guard let config = TransformerConfig.preset(preset, vocabularySize: 8000) else { fatalError("unknown preset \(preset)") }
        let model = try TransformerModel(config: config)
        model.initializeParameters(seed: 1)
        var rng = SeededGenerator(seed: 11)
        let sources = (0..<sentences).map { _ in (0..<sourceLength).map { _ in Int32(4 + rng.next() % 7996) } }
        var rows: [Measurement] = []
        for precision in DecodingPrecision.allCases {
            let suffix = precision == .fp32 ? "" : " \(precision.rawValue)"
            for beam in [1, 5] {
                // steps − 1 tokens, then eos: `steps` decoder steps per sentence.
                let options = SearchOptions(beam: beam, maxLenA: 0, maxLenB: steps - 1, minLen: steps - 1)
                let translator = try Translator(model: model, options: options, batchSize: sentences, precision: precision)
                let seconds = Timing.medians([{ _ = try? translator.translate(sources) }], rounds: rounds, callsPerRound: 1)[0]
                rows.append(Measurement(scenario: "decoding",
                                        name: "\(preset) \(beam == 1 ? "greedy" : "beam \(beam)") batch \(sentences)\(suffix)",
                                        threads: threads, value: Double(sentences * steps) / seconds, unit: "out tok/s"))
            }
            rows.append(Measurement(scenario: "decoding", name: "\(preset) decoder weights\(suffix)", threads: threads,
                                    value: weightMegabytes(model, precision), unit: "MB"))
        }
        return rows
    }

    /// The weights decoding reads, in MB: the decoder's packed matrices (step weights),
    /// plus in int8 the encoder's int8 matrices and the dequantized embedding tables; in
    /// fp32 the encoder's weights are the model's own parameters.
    static func weightMegabytes(_ model: TransformerModel, _ precision: DecodingPrecision) -> Double {
        let step = DecoderStepWeights(model: model, precision: precision)
        let encoder: Int
        switch precision {
        case .fp32: encoder = model.weights.encoderLayers.count * 4 * (4 * model.config.modelDim * model.config.modelDim
                                                                       + 2 * model.config.modelDim * model.config.ffnDim)
                        + model.weights.encoderEmbedding.count * 4
        case .int8: encoder = model.makeInt8Weights(includingDecoder: false).byteCount
        }
        return Double(step.byteCount + encoder) / 1e6
    }
}
