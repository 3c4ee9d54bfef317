import Tensor
import Transformer

/// A `Scorer` over a `TransformerModel`: the encoder runs once per `start`, the
/// `IncrementalDecoder` steps all rows together, and the log-probabilities are the
/// log-softmax of its logits (as fairseq's get_normalized_probs).
///
/// The decoder's rows are search's rows: `select` hands search's choice to
/// `IncrementalDecoder.select`, which rewrites cache indices, so a finished hypothesis
/// costs nothing from the next step on and a beam's reorder copies no keys or values.
public final class ModelScorer: Scorer {
    public let model: TransformerModel
    /// The decoder's matrices, packed once when the scorer is made (a snapshot).
    private let stepWeights: DecoderStepWeights
    private let encoderWorkspace = Workspace()
    public var vocabularySize: Int { model.config.targetVocabularySize }
    public var eosID: Int32 { model.config.eosID }
    public var padID: Int32 { model.config.padID }
    public var maxSteps: Int { model.config.maxPositions }

    private var sourceLength = 0                           // S
    private var decoder: IncrementalDecoder?
    private var history: [[Int32]] = []                    // row → tokens fed so far
    // (started rows, V), the first `rows` live: the logits, then in place their log-softmax.
    private var logits: TensorStorage?
    private var options = ScoringOptions()
    private var attentionOutput: TensorStorage?            // (started rows, S) with options.attention
    private var stepRows = 0                               // rows of the last step

    /// The products' arithmetic (int8: CTranslate2's int8 scheme, `DecodingPrecision`).
    public let precision: DecodingPrecision

    /// Packs the model's decoder matrices (and in int8 quantizes every weight matrix):
    /// translate with a new scorer after the model's parameters change.
    public init(model: TransformerModel, precision: DecodingPrecision = .fp32) {
        self.model = model
        self.precision = precision
        switch precision {
        case .fp32:
            stepWeights = DecoderStepWeights(model: model)
        case .int8:
            // The encoder's layer products and embeddings; the decoder's are packed below.
            let int8 = model.makeInt8Weights(includingDecoder: false)
            encoderWorkspace.products = .int8(weights: int8)
            stepWeights = DecoderStepWeights(model: model, precision: .int8, int8: int8)
        }
    }

    /// Decoder rows computed at each step: the rows search kept.
    public var computedRows: Int { decoder?.rows ?? 0 }

    public func start(sources: [[Int32]], hypothesesPerSentence k: Int, steps: Int, options: ScoringOptions) throws {
        precondition(k >= 1 && steps >= 1 && steps <= maxSteps,
                     "start: \(k) rows per sentence and \(steps) steps (max \(maxSteps))")
        // The last batch's caches go before this one's are made, so that two never coexist.
        decoder = nil
        let (out, lengths, s) = try model.encode(sources, workspace: encoderWorkspace)
        sourceLength = s
        let rows = sources.count * k
        history = Array(repeating: [], count: rows)
        logits = TensorStorage(Shape(max(rows, 1), vocabularySize), zeroed: false)
        self.options = options
        attentionOutput = options.attention ? TensorStorage(Shape(max(rows, 1), max(s, 1)), zeroed: true) : nil
        stepRows = 0
        decoder = IncrementalDecoder(model: model, weights: stepWeights, encoderOut: out.tensor, sourceLengths: lengths,
                                     sourceLength: s,
                                     sentenceOf: sources.indices.flatMap { Array(repeating: Int32($0), count: k) },
                                     capacity: steps)
    }

    public var attention: Tensor? {
        attentionOutput.map { Tensor(data: $0.tensor.data, shape: Shape(stepRows, sourceLength)) }
    }

    public func step(tokens: [Int32]) -> Tensor {
        guard let decoder, let logits else { preconditionFailure("step called before start") }
        precondition(tokens.count == decoder.rows, "step: \(tokens.count) tokens for \(decoder.rows) rows")
        for (row, token) in tokens.enumerated() { history[row].append(token) }
        let computed = Tensor(data: logits.tensor.data, shape: Shape(decoder.rows, vocabularySize))
        let attention = attentionOutput.map { Tensor(data: $0.tensor.data, shape: Shape(decoder.rows, sourceLength)) }
        decoder.step(tokens: tokens, into: computed, attention: attention)
        adjust(computed)
        stepRows = tokens.count
        Softmax.logSoftmaxForward(computed, into: computed)
        return computed
    }

    /// The repetition penalty and the temperature on the decoder's logits (rows, V),
    /// before the log-softmax: CTranslate2 penalizes logits, not log-probabilities (a
    /// log-probability is never positive, so dividing by the penalty would raise it).
    private func adjust(_ logits: Tensor) {
        let v = vocabularySize
        if options.repetitionPenalty != 1 {
            let penalty = options.repetitionPenalty
            var penalized = [Bool](repeating: false, count: v)
            for (p, fed) in history.enumerated() {
                let row = logits.data + p * v
                // fed[0] is the decoder's leading eos, not a token of the hypothesis.
                for token in fed.dropFirst() where !penalized[Int(token)] {
                    penalized[Int(token)] = true
                    row[Int(token)] = row[Int(token)] > 0 ? row[Int(token)] / penalty : row[Int(token)] * penalty
                }
                for token in fed.dropFirst() { penalized[Int(token)] = false }
            }
        }
        if options.temperature != 1 {
            let scale = 1 / options.temperature, data = logits.data
            for i in 0..<(logits.shape.rows * v) { data[i] *= scale }
        }
    }

    public func select(_ rows: [Int32]) {
        guard let decoder else { preconditionFailure("select called before start") }
        decoder.select(rows)   // checks the rows
        history = rows.map { history[Int($0)] }
    }
}
