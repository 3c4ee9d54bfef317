import Tensor
import Transformer

/// A `Scorer` over a `TransformerModel`: the encoder runs once per `start`, the
/// `IncrementalDecoder` steps all rows together, and the log-probabilities are the
/// log-softmax of its logits (as fairseq's get_normalized_probs).
///
/// The decoder keeps k physical rows per sentence. Rows that search drops (finished
/// sentences) are fed eos and their outputs ignored until at most half of the physical
/// sentences are alive; then the decoder is rebuilt for the live sentences alone by
/// replaying their token histories. Finished sentences therefore cost at most as much as
/// the live ones, and the replays add at most one extra pass over the work saved.
public final class ModelScorer: Scorer {
    public let model: TransformerModel
    /// The decoder's matrices, packed once when the scorer is made (a snapshot).
    private let stepWeights: DecoderStepWeights
    private let encoderWorkspace = Workspace()
    public var vocabularySize: Int { model.config.targetVocabularySize }
    public var eosID: Int32 { model.config.eosID }
    public var padID: Int32 { model.config.padID }
    public var maxSteps: Int { model.config.maxPositions }

    private var k = 1
    private var steps = 0
    private var encoderOut: TensorStorage?                // (sentences·S, d) of the started batch
    private var sourceLengths: [Int32] = []                // (sentences) with eos
    private var sourceLength = 0                           // S
    private var decoder: IncrementalDecoder?
    private var sentenceOfBlock: [Int] = []                // decoder block (k rows) → started sentence
    private var physicalRow: [Int] = []                    // search row → decoder row
    private var history: [[Int32]] = []                    // decoder row → tokens fed so far
    private var logits: TensorStorage?                     // (decoder rows, V)
    private var output: TensorStorage?                     // (started rows, V); the first `rows` are live
    private var options = ScoringOptions()
    private var decoderAttention: TensorStorage?           // (decoder rows, S) with options.attention
    private var attentionOutput: TensorStorage?            // (started rows, S); the first `rows` are live
    private var stepRows = 0                               // search rows of the last step

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

    /// Decoder rows currently computed at each step (live rows plus not yet dropped ones).
    public var computedRows: Int { decoder?.rows ?? 0 }

    public func start(sources: [[Int32]], hypothesesPerSentence k: Int, steps: Int, options: ScoringOptions) throws {
        precondition(k >= 1 && steps >= 1 && steps <= maxSteps,
                     "start: \(k) rows per sentence and \(steps) steps (max \(maxSteps))")
        let (out, lengths, s) = try model.encode(sources, workspace: encoderWorkspace)
        self.k = k
        self.steps = steps
        encoderOut = out
        sourceLengths = lengths
        sourceLength = s
        let rows = sources.count * k
        sentenceOfBlock = Array(sources.indices)
        physicalRow = Array(0..<rows)
        history = Array(repeating: [], count: rows)
        logits = TensorStorage(Shape(max(rows, 1), vocabularySize), zeroed: false)
        output = TensorStorage(Shape(max(rows, 1), vocabularySize), zeroed: false)
        self.options = options
        decoderAttention = options.attention ? TensorStorage(Shape(max(rows, 1), max(s, 1)), zeroed: true) : nil
        attentionOutput = options.attention ? TensorStorage(Shape(max(rows, 1), max(s, 1)), zeroed: true) : nil
        stepRows = 0
        decoder = makeDecoder(sentences: sentenceOfBlock)
    }

    public var attention: Tensor? {
        attentionOutput.map { Tensor(data: $0.tensor.data, shape: Shape(stepRows, sourceLength)) }
    }

    public func step(tokens: [Int32]) -> Tensor {
        guard let decoder, let logits, let output else { preconditionFailure("step called before start") }
        precondition(tokens.count == physicalRow.count, "step: \(tokens.count) tokens for \(physicalRow.count) rows")
        let v = vocabularySize
        var fed = [Int32](repeating: eosID, count: decoder.rows)
        for (row, token) in tokens.enumerated() { fed[physicalRow[row]] = token }
        for (p, token) in fed.enumerated() { history[p].append(token) }
        let computed = Tensor(data: logits.tensor.data, shape: Shape(decoder.rows, v))
        let attention = decoderAttention.map { Tensor(data: $0.tensor.data, shape: Shape(decoder.rows, sourceLength)) }
        decoder.step(tokens: fed, into: computed, attention: attention)
        adjust(computed)
        stepRows = tokens.count
        if let attention, let attentionOutput {
            for (row, p) in physicalRow.enumerated() {
                (attentionOutput.tensor.data + row * sourceLength).update(from: attention.data + p * sourceLength,
                                                                            count: sourceLength)
            }
        }
        let out = Tensor(data: output.tensor.data, shape: Shape(tokens.count, v))
        if physicalRow.enumerated().allSatisfy({ $0.offset == $0.element }) {
            // Search rows are the decoder's first rows: no gather needed.
            Softmax.logSoftmaxForward(Tensor(data: computed.data, shape: out.shape), into: out)
            return out
        }
        for (row, p) in physicalRow.enumerated() {
            (out.data + row * v).update(from: computed.data + p * v, count: v)
        }
        Softmax.logSoftmaxForward(out, into: out)
        return out
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
        let blocks = decoder.rows / k
        var filled = [Int](repeating: 0, count: blocks)
        var order = (0..<Int32(decoder.rows)).map { $0 }   // dropped rows keep their own cache
        var newPhysicalRow: [Int] = []
        newPhysicalRow.reserveCapacity(rows.count)
        for row in rows {
            let from = physicalRow[Int(row)], block = from / k
            precondition(filled[block] < k, "select: more than \(k) rows for sentence \(sentenceOfBlock[block])")
            let to = block * k + filled[block]
            filled[block] += 1
            order[to] = Int32(from)
            newPhysicalRow.append(to)
        }
        history = order.map { history[Int($0)] }
        physicalRow = newPhysicalRow
        let liveBlocks = filled.indices.filter { filled[$0] > 0 }
        if liveBlocks.count * 2 <= blocks {
            rebuild(keeping: liveBlocks)
        } else if order.enumerated().contains(where: { $0.offset != Int($0.element) }) {
            decoder.reorder(order)
        }
    }

    /// A decoder for the started sentences `sentences`, k rows each.
    private func makeDecoder(sentences: [Int]) -> IncrementalDecoder {
        guard let encoderOut else { preconditionFailure("no encoder output") }
        let d = model.config.modelDim, rowsPerSentence = sourceLength * d
        let gathered = TensorStorage(Shape(max(sentences.count * sourceLength, 1), d), zeroed: false)
        for (j, s) in sentences.enumerated() {
            (gathered.tensor.data + j * rowsPerSentence).update(from: encoderOut.tensor.data + s * rowsPerSentence,
                                                                count: rowsPerSentence)
        }
        let encoded = Tensor(data: gathered.tensor.data, shape: Shape(sentences.count * sourceLength, d))
        return IncrementalDecoder(model: model, weights: stepWeights, encoderOut: encoded, sourceLengths: sentences.map { sourceLengths[$0] },
                                  sourceLength: sourceLength,
                                  sentenceOf: sentences.indices.flatMap { Array(repeating: Int32($0), count: k) },
                                  capacity: steps)
    }

    /// Replaces the decoder by one over the sentences of `liveBlocks`, replaying the
    /// tokens their rows were fed; the other rows' histories are dropped.
    private func rebuild(keeping liveBlocks: [Int]) {
        guard let logits else { return }
        var newIndex = [Int](repeating: -1, count: sentenceOfBlock.count)
        for (j, block) in liveBlocks.enumerated() { newIndex[block] = j }
        physicalRow = physicalRow.map { newIndex[$0 / k] * k + $0 % k }
        history = liveBlocks.flatMap { block in history[(block * k)..<((block + 1) * k)] }
        sentenceOfBlock = liveBlocks.map { sentenceOfBlock[$0] }
        let rebuilt = makeDecoder(sentences: sentenceOfBlock)
        let scratch = Tensor(data: logits.tensor.data, shape: Shape(rebuilt.rows, vocabularySize))
        // The replay's attention is not needed (only the next step's is reported).
        for t in 0..<(history.first?.count ?? 0) {
            rebuilt.step(tokens: history.map { $0[t] }, into: scratch)
        }
        decoder = rebuilt
    }
}
