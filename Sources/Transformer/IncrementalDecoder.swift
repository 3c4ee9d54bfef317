import Tensor

/// The decoder run one position at a time for translation, with cached keys and values:
/// self-attention keys/values of the positions decoded so far grow by one row per step;
/// the encoder's keys/values for cross-attention are computed once per sentence.
///
/// Rows are hypotheses (sentences × beam). `sentenceOf[row]` names the sentence whose
/// encoder output a hypothesis attends to, so beams share one copy of the encoder keys.
/// `reorder` follows beam search's choice of surviving hypotheses. The logits equal the
/// full forward pass's at every position (TransformerTests/IncrementalDecoderTests).
public final class IncrementalDecoder {
    public let model: TransformerModel
    public let rows: Int
    public let capacity: Int
    public private(set) var position = 0

    private let sourceLength: Int
    private let sentenceOf: UnsafeMutablePointer<Int32>          // (rows)
    private let sourceLengths: UnsafeMutablePointer<Int32>       // (rows): the source length of each row's sentence
    private var selfKeys: [TensorStorage], selfValues: [TensorStorage]   // per layer (rows, capacity, d)
    private var scratchKeys: [TensorStorage], scratchValues: [TensorStorage]
    private let crossKeys: [TensorStorage], crossValues: [TensorStorage] // per layer (sentences, S, d)
    private let workspace = Workspace()

    /// - Parameters:
    ///   - encoderOut: (sentences·S, d) from `TransformerModel.encode`.
    ///   - sourceLengths: (sentences) source lengths including eos.
    ///   - sentenceOf: the sentence of each hypothesis row.
    ///   - capacity: the most positions that will be decoded.
    public init(model: TransformerModel, encoderOut: Tensor, sourceLengths lengths: [Int32], sourceLength: Int,
                sentenceOf: [Int32], capacity: Int) {
        precondition(capacity <= model.config.maxPositions,
                     "decoder capacity \(capacity) exceeds max_positions \(model.config.maxPositions)")
        self.model = model
        rows = sentenceOf.count
        self.capacity = capacity
        self.sourceLength = sourceLength
        let d = model.config.modelDim, sentences = lengths.count
        self.sentenceOf = .allocate(capacity: max(rows, 1))
        self.sourceLengths = .allocate(capacity: max(rows, 1))
        for (r, s) in sentenceOf.enumerated() {
            precondition(s >= 0 && Int(s) < sentences, "hypothesis \(r) refers to sentence \(s) of \(sentences)")
            self.sentenceOf[r] = s
            self.sourceLengths[r] = lengths[Int(s)]
        }
        let layers = model.config.decoderLayers
        func caches(_ shape: Shape) -> [TensorStorage] { (0..<layers).map { _ in TensorStorage(shape) } }
        selfKeys = caches(Shape(rows, capacity, d)); selfValues = caches(Shape(rows, capacity, d))
        scratchKeys = caches(Shape(rows, capacity, d)); scratchValues = caches(Shape(rows, capacity, d))
        crossKeys = caches(Shape(sentences * sourceLength, d)); crossValues = caches(Shape(sentences * sourceLength, d))
        for (l, w) in model.weights.decoderLayers.enumerated() {
            Linear.forward(encoderOut, w.crossAttention.k, into: crossKeys[l].tensor)
            Linear.forward(encoderOut, w.crossAttention.v, into: crossValues[l].tensor)
        }
    }

    deinit {
        sentenceOf.deallocate()
        sourceLengths.deallocate()
    }

    /// Feeds one token per row at the current position; writes the next-token logits
    /// (rows, V_tgt) into `logits` and advances the position.
    public func step(tokens: [Int32], into logits: Tensor) {
        precondition(tokens.count == rows, "step: \(tokens.count) tokens for \(rows) hypotheses")
        precondition(position < capacity, "step: all \(capacity) positions are decoded")
        precondition(logits.shape.rows == rows && logits.shape.last == model.config.targetVocabularySize,
                     "step: logits \(logits.shape) should be (\(rows), \(model.config.targetVocabularySize))")
        let config = model.config, d = config.modelDim, t = position
        let ws = workspace
        ws.reset()
        let ids = ws.buffer(Int32.self, count: rows)
        for (i, id) in tokens.enumerated() { ids[i] = id }
        var x = ws.tensor(rows, d)
        Embedding.forward(table: model.weights.decoderEmbedding, ids: ids, count: rows,
                          scale: Float(d).squareRoot(), into: x)
        let pos = model.positions.row(t)
        for r in 0..<rows { for c in 0..<d { x.data[r * d + c] += pos[c] } }

        let selfGeometry = AttentionGeometry(batch: rows, heads: config.heads, headDim: config.headDim,
                                             queries: 1, keys: t + 1, keyBatchStride: capacity)
        var crossGeometry = AttentionGeometry(batch: rows, heads: config.heads, headDim: config.headDim,
                                              queries: 1, keys: sourceLength, keyBatchStride: sourceLength)
        crossGeometry.keyBlocks = UnsafePointer(sentenceOf)
        let crossMask = AttentionMask(keyLengths: sourceLengths)
        let probabilities = ws.tensor(rows, config.heads, 1, max(t + 1, sourceLength))

        for (l, w) in model.weights.decoderLayers.enumerated() {
            (x, _) = ResidualBlock.forward(x, norm: w.selfAttentionNorm, preNorm: config.normalizeBefore,
                                           dropout: .off, workspace: ws) { input in
                let q = ws.tensor(rows, d), newKey = ws.tensor(rows, d), newValue = ws.tensor(rows, d)
                Linear.forward(input, w.selfAttention.q, into: q)
                Elementwise.scale(q, by: 1 / Float(config.headDim).squareRoot(), into: q)
                Linear.forward(input, w.selfAttention.k, into: newKey)
                Linear.forward(input, w.selfAttention.v, into: newValue)
                for r in 0..<rows {
                    (selfKeys[l].tensor.data + (r * capacity + t) * d).update(from: newKey.data + r * d, count: d)
                    (selfValues[l].tensor.data + (r * capacity + t) * d).update(from: newValue.data + r * d, count: d)
                }
                let p = Tensor(data: probabilities.data, shape: Shape(rows, config.heads, 1, t + 1))
                let context = ws.tensor(rows, d), out = ws.tensor(rows, d)
                MultiheadAttention.attend(q: q, k: selfKeys[l].tensor, v: selfValues[l].tensor, geometry: selfGeometry,
                                          mask: .none, dropout: .off, probabilities: p, dropped: p, context: context)
                Linear.forward(context, w.selfAttention.out, into: out)
                return out
            }
            (x, _) = ResidualBlock.forward(x, norm: w.crossAttentionNorm, preNorm: config.normalizeBefore,
                                           dropout: .off, workspace: ws) { input in
                let q = ws.tensor(rows, d)
                Linear.forward(input, w.crossAttention.q, into: q)
                Elementwise.scale(q, by: 1 / Float(config.headDim).squareRoot(), into: q)
                let p = Tensor(data: probabilities.data, shape: Shape(rows, config.heads, 1, sourceLength))
                let context = ws.tensor(rows, d), out = ws.tensor(rows, d)
                MultiheadAttention.attend(q: q, k: crossKeys[l].tensor, v: crossValues[l].tensor, geometry: crossGeometry,
                                          mask: crossMask, dropout: .off, probabilities: p, dropped: p, context: context)
                Linear.forward(context, w.crossAttention.out, into: out)
                return out
            }
            (x, _) = ResidualBlock.forward(x, norm: w.finalNorm, preNorm: config.normalizeBefore,
                                           dropout: .off, workspace: ws) { input in
                FeedForward.forward(input, fc1: w.fc1, fc2: w.fc2, activation: config.activation,
                                    dropout: .off, workspace: ws).0
            }
        }
        if let norm = model.weights.decoderNorm { x = ResidualBlock.normalize(x, norm, ws).0 }
        MatMul.multiply(x, model.weights.outputProjection, into: logits, transposeB: true)
        position += 1
    }

    /// Keeps, for each row r, the cached keys/values of row `order[r]` (beam search's
    /// surviving hypotheses); the rows' sentences must not change.
    public func reorder(_ order: [Int32]) {
        precondition(order.count == rows, "reorder: \(order.count) indices for \(rows) hypotheses")
        let d = model.config.modelDim
        for l in 0..<selfKeys.count {
            for r in 0..<rows {
                let from = Int(order[r])
                precondition(from >= 0 && from < rows && sentenceOf[from] == sentenceOf[r],
                             "reorder: row \(r) cannot take hypothesis \(from) of another sentence")
                let n = position * d
                (scratchKeys[l].tensor.data + r * capacity * d).update(from: selfKeys[l].tensor.data + from * capacity * d, count: n)
                (scratchValues[l].tensor.data + r * capacity * d).update(from: selfValues[l].tensor.data + from * capacity * d, count: n)
            }
        }
        swap(&selfKeys, &scratchKeys)
        swap(&selfValues, &scratchValues)
    }
}

extension TransformerModel {
    /// Encodes source sentences (ids without eos) for decoding: returns the encoder output
    /// (sentences·S, d) copied out of the step workspace, the lengths with eos, and S.
    public func encode(_ sources: [[Int32]]) throws -> (output: TensorStorage, lengths: [Int32], sourceLength: Int) {
        let batch = Batch(sources: sources, targets: sources.map { _ in [] }, padID: config.padID, eosID: config.eosID)
        try validate(batch)
        let ws = Workspace()
        let source = PackedSequences(ids: batch.source, lengths: batch.sourceLengths, batch: batch.size,
                                     paddedLength: batch.sourceLength, workspace: ws)
        let (out, _, _) = encode(source, mode: .inference, workspace: ws)
        // The decoder's cross-attention reads one block of S rows per sentence.
        let storage = TensorStorage(Shape(batch.size * batch.sourceLength, config.modelDim), zeroed: false)
        source.unpack(out, into: storage.tensor)
        return (storage, batch.sourceLengths, batch.sourceLength)
    }
}
