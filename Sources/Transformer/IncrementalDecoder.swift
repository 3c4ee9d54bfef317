import Tensor

/// The decoder run one position at a time for translation, with cached keys and values:
/// self-attention keys/values of the positions decoded so far grow by one row per step;
/// the encoder's keys/values for cross-attention are computed once per sentence.
///
/// Rows are hypotheses (sentences × beam). `sentenceOf[row]` names the sentence whose
/// encoder output a hypothesis attends to, so beams share one copy of the encoder keys.
/// `select` follows search's choice of surviving hypotheses and drops finished ones, so
/// later steps compute only live rows (CTranslate2 gathers its live batch the same way).
/// The logits equal the full forward pass's at every position
/// (TransformerTests/IncrementalDecoderTests).
public final class IncrementalDecoder {
    public let model: TransformerModel
    public let weights: DecoderStepWeights
    /// Hypotheses computed at each step: the rows made at init, fewer after `select` drops some.
    public private(set) var rows: Int
    public let capacity: Int
    public private(set) var position = 0

    private let sourceLength: Int
    private let sourceLengths: UnsafeMutablePointer<Int32>       // (rows): the source length of each row's sentence
    // Per layer, rows of [key | value] (2d floats): self-attention (rows, capacity, 2d),
    // where position t's entry of decoder row r is written at step t and never moved (a
    // row's own history is contiguous, so reading it streams);
    // cross-attention (sentences, S, 2d).
    private let selfKeyValues: [TensorStorage]
    private let crossKeyValues: [TensorStorage]
    // (rows, capacity): the cache row whose position-p entry is hypothesis r's p-th key.
    // `select` rewrites these indices instead of copying the cache: position t is written
    // only at step t, into cache row r of the row r computing it, so entries of earlier
    // positions stay where they are for as long as any slot names them.
    private var slots: UnsafeMutablePointer<Int32>
    private var scratchSlots: UnsafeMutablePointer<Int32>
    // (rows, S): each row's cross-attention key entries, and (rows) their counts.
    private let crossEntries: UnsafeMutablePointer<Int32>
    private let workspace = Workspace()

    /// - Parameters:
    ///   - weights: the decoder's packed matrices; by default packed from `model` now.
    ///   - encoderOut: (sentences·S, d) from `TransformerModel.encode`.
    ///   - sourceLengths: (sentences) source lengths including eos.
    ///   - sentenceOf: the sentence of each hypothesis row.
    ///   - capacity: the most positions that will be decoded.
    public init(model: TransformerModel, weights: DecoderStepWeights? = nil, encoderOut: Tensor,
                sourceLengths lengths: [Int32], sourceLength: Int, sentenceOf: [Int32], capacity: Int) {
        precondition(capacity <= model.config.maxPositions,
                     "decoder capacity \(capacity) exceeds max_positions \(model.config.maxPositions)")
        self.model = model
        self.weights = weights ?? DecoderStepWeights(model: model)
        rows = sentenceOf.count
        self.capacity = capacity
        self.sourceLength = sourceLength
        let d = model.config.modelDim, sentences = lengths.count
        self.sourceLengths = .allocate(capacity: max(rows, 1))
        for (r, s) in sentenceOf.enumerated() {
            precondition(s >= 0 && Int(s) < sentences, "hypothesis \(r) refers to sentence \(s) of \(sentences)")
            self.sourceLengths[r] = lengths[Int(s)]
        }
        let layers = model.config.decoderLayers
        func caches(_ shape: Shape) -> [TensorStorage] { (0..<layers).map { _ in TensorStorage(shape, zeroed: false) } }
        selfKeyValues = caches(Shape(rows, capacity, 2 * d))
        slots = .allocate(capacity: max(rows * capacity, 1))
        scratchSlots = .allocate(capacity: max(rows * capacity, 1))
        crossEntries = .allocate(capacity: max(rows * sourceLength, 1))
        for r in 0..<rows {
            for j in 0..<sourceLength { crossEntries[r * sourceLength + j] = Int32(Int(sentenceOf[r]) * sourceLength + j) }
        }
        crossKeyValues = caches(Shape(sentences * sourceLength, 2 * d))
        for (l, layer) in self.weights.layers.enumerated() {
            layer.crossKV.forward(encoderOut, into: crossKeyValues[l].tensor, workspace)
        }
    }

    deinit {
        sourceLengths.deallocate()
        slots.deallocate()
        scratchSlots.deallocate()
        crossEntries.deallocate()
    }

    /// Feeds one token per row at the current position; writes the next-token logits
    /// (rows, V_tgt) into `logits` and advances the position. With `attention`
    /// (rows, S), also writes the last layer's cross-attention probabilities averaged over
    /// the heads (fairseq's alignment source; zeros past each row's source length).
    public func step(tokens: [Int32], into logits: Tensor, attention: Tensor? = nil) {
        precondition(tokens.count == rows, "step: \(tokens.count) tokens for \(rows) hypotheses")
        precondition(position < capacity, "step: all \(capacity) positions are decoded")
        precondition(logits.shape.rows == rows && logits.shape.last == model.config.targetVocabularySize,
                     "step: logits \(logits.shape) should be (\(rows), \(model.config.targetVocabularySize))")
        precondition(attention.map { $0.shape.rows == rows && $0.shape.last == sourceLength } ?? true,
                     "step: attention \(attention?.shape.description ?? "") should be (\(rows), \(sourceLength))")
        let d = model.config.modelDim, t = position
        let ws = workspace
        ws.reset()
        let ids = ws.buffer(Int32.self, count: rows)
        // Callers feed eos first; a model with another start token reads that (`decoderStartID`).
        for (i, id) in tokens.enumerated() { ids[i] = t == 0 ? model.config.decoderStart : id }
        var x = ws.tensor(rows, d)
        model.embed(ids: ids, count: rows, table: weights.decoderEmbedding, into: x) { _ in t }
        let keys = stepKeys(position: t)
        let last = model.weights.decoderLayers.count - 1
        for l in model.weights.decoderLayers.indices {
            x = decoderLayer(l, x, keys: keys, attention: l == last ? attention?.data : nil)
        }
        if let norm = model.weights.decoderNorm { x = ResidualBlock.normalize(x, norm, ws).0 }
        weights.output.forward(x, into: logits, ws)
        position += 1
    }

    /// What this step's attention reads besides the caches: each row's self-attention key
    /// entries (position j of row r is entry slot·capacity + j) and their counts, and one
    /// scores buffer for every attention of the step.
    private struct StepKeys {
        var selfEntries: UnsafeMutablePointer<Int32>
        var selfCounts: UnsafeMutablePointer<Int32>
        var scores: UnsafeMutablePointer<Float>
    }

    private func stepKeys(position t: Int) -> StepKeys {
        let ws = workspace, rows = rows, capacity = capacity
        for r in 0..<rows { slots[r * capacity + t] = Int32(r) }
        let selfEntries = ws.buffer(Int32.self, count: rows * (t + 1)), selfCounts = ws.buffer(Int32.self, count: rows)
        for r in 0..<rows {
            for j in 0...t { selfEntries[r * (t + 1) + j] = slots[r * capacity + j] * Int32(capacity) + Int32(j) }
            selfCounts[r] = Int32(t + 1)
        }
        return StepKeys(selfEntries: selfEntries, selfCounts: selfCounts,
                        scores: ws.buffer(Float.self, count: rows * max(t + 1, sourceLength)))
    }

    /// Decoder layer `l` for this step's rows: self-attention over the cache (which gets
    /// this position's keys and values), attention over the source (its probabilities
    /// averaged over the heads into `attention` when set), feed-forward.
    private func decoderLayer(_ l: Int, _ x: Tensor, keys: StepKeys, attention: UnsafeMutablePointer<Float>?) -> Tensor {
        let config = model.config, d = config.modelDim, t = position, capacity = capacity, rows = rows, entry = 2 * d
        let ws = workspace, w = model.weights.decoderLayers[l], packed = weights.layers[l], cache = selfKeyValues[l].tensor.data
        var x = x
        (x, _) = ResidualBlock.forward(x, norm: w.selfAttentionNorm, preNorm: config.normalizeBefore,
                                       dropout: .off, workspace: ws) { input in
            let qkv = ws.tensor(rows, 3 * d)
            packed.selfQKV.forward(input, into: qkv, ws)
            for r in 0..<rows {
                (cache + (r * capacity + t) * entry).update(from: qkv.data + r * 3 * d + d, count: entry)
            }
            let context = ws.tensor(rows, d), out = ws.tensor(rows, d)
            StepAttention.attend(q: qkv.data, queryStride: 3 * d, rows: rows, heads: config.heads,
                                 headDim: config.headDim, keyValues: cache,
                                 entries: keys.selfEntries, counts: keys.selfCounts,
                                 scores: keys.scores, maxKeys: t + 1, context: context)
            packed.selfOut.forward(context, into: out, ws)
            return out
        }
        (x, _) = ResidualBlock.forward(x, norm: w.crossAttentionNorm, preNorm: config.normalizeBefore,
                                       dropout: .off, workspace: ws) { input in
            let q = ws.tensor(rows, d), context = ws.tensor(rows, d), out = ws.tensor(rows, d)
            packed.crossQ.forward(input, into: q, ws)
            StepAttention.attend(q: q.data, queryStride: d, rows: rows, heads: config.heads,
                                 headDim: config.headDim, keyValues: crossKeyValues[l].tensor.data,
                                 entries: crossEntries, counts: sourceLengths,
                                 scores: keys.scores, maxKeys: sourceLength, context: context, averaged: attention)
            packed.crossOut.forward(context, into: out, ws)
            return out
        }
        (x, _) = ResidualBlock.forward(x, norm: w.finalNorm, preNorm: config.normalizeBefore,
                                       dropout: .off, workspace: ws) { input in
            let hidden = ws.tensor(rows, packed.fc1.outputs), out = ws.tensor(rows, d)
            // ReLU runs in the packed product's epilogue; another activation after it.
            let fused = config.activation == .relu
            packed.fc1.forward(input, into: hidden, relu: fused, ws)
            if !fused { config.activation.apply(hidden, into: hidden) }
            packed.fc2.forward(hidden, into: out, ws)
            return out
        }
        return x
    }

    /// Keeps hypotheses for the next step: new row i continues old row `from[i]` (its
    /// sentence, source and cached history). Rows may repeat (a beam split in two) or be
    /// left out (finished hypotheses); later steps compute `from.count` rows. Costs
    /// O(rows · (position + S)) index copies; the caches themselves do not move.
    public func select(_ from: [Int32]) {
        precondition(from.count <= rows, "select: \(from.count) rows kept of \(rows)")
        for (r, old) in from.enumerated() {
            precondition(old >= 0 && Int(old) < rows, "select: row \(r) continues row \(old) of \(rows)")
        }
        let s = sourceLength
        for (r, old) in from.enumerated() {
            (scratchSlots + r * capacity).update(from: slots + Int(old) * capacity, count: position)
        }
        swap(&slots, &scratchSlots)
        // The per-row tables are small: gather them through copies of the old rows.
        let oldLengths = Array(UnsafeBufferPointer(start: sourceLengths, count: rows))
        let oldEntries = Array(UnsafeBufferPointer(start: crossEntries, count: rows * s))
        for (r, old) in from.enumerated() {
            let o = Int(old)
            sourceLengths[r] = oldLengths[o]
            for j in 0..<s { crossEntries[r * s + j] = oldEntries[o * s + j] }
        }
        rows = from.count
    }
}
