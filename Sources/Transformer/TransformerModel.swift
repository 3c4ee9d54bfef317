import Foundation
import Tensor

/// Bad model input: ids outside the vocabulary, a config that cannot be built.
public enum ModelError: Error, LocalizedError, Equatable {
    case invalidConfig([String])
    case idOutOfVocabulary(side: String, sentence: Int, position: Int, id: Int32, vocabularySize: Int)
    case sequenceTooLong(side: String, sentence: Int, length: Int, maxPositions: Int)

    public var errorDescription: String? {
        switch self {
        case .invalidConfig(let problems): "invalid model config: " + problems.joined(separator: "; ")
        case let .idOutOfVocabulary(side, sentence, position, id, size):
            "\(side) sentence \(sentence), token \(position): id \(id) is outside the vocabulary 0..<\(size)"
        case let .sequenceTooLong(side, sentence, length, maxPositions):
            "\(side) sentence \(sentence) has \(length) tokens with eos, more than max_positions \(maxPositions)"
        }
    }
}

/// How a forward pass runs: with dropout (training, masks drawn from `seed` and `step`)
/// or without (validation, translation, gradient checks).
public enum ForwardMode: Sendable {
    case training(seed: UInt64, step: UInt64)
    case inference
}

/// A Transformer encoder-decoder with hand-written forward and backward passes.
///
/// Parameters and gradients are two arenas of one `ParameterTable`. `forward` keeps the
/// activations its backward pass needs in the workspace; `backward` then adds the
/// gradients of the summed loss into `gradients` (zero them once per update).
public final class TransformerModel {
    public let config: TransformerConfig
    public let table: ParameterTable
    public let parameters: ParameterArena
    public let gradients: ParameterArena
    public let weights: ModelWeights
    public let gradientWeights: ModelWeights
    let positions: SinusoidalPositions

    /// The bf16 copy of the parameters that bf16 products read, made on the first bf16
    /// forward pass and refreshed at the start of each one.
    private var roundedParameters: BF16Mirror?

    /// The caches of the last forward pass (kept in arrays reused across steps).
    private var encoderCaches: [EncoderLayerCache] = []
    private var decoderCaches: [DecoderLayerCache] = []
    private var pass: PassState?

    struct PassState {
        let source: PackedSequences, target: PackedSequences
        let encoderEmbeddingDropout: DropoutSite, decoderEmbeddingDropout: DropoutSite
        let encoderNorm: NormCache?, decoderNorm: NormCache?
        let encoderOut: Tensor, decoderOut: Tensor
    }

    public init(config: TransformerConfig) throws {
        let problems = config.problems()
        guard problems.isEmpty else { throw ModelError.invalidConfig(problems) }
        self.config = config
        table = ParameterTable.transformer(config)
        parameters = ParameterArena(table: table)
        gradients = ParameterArena(table: table)
        weights = ModelWeights(table: table, config: config, base: parameters.base)
        gradientWeights = ModelWeights(table: table, config: config, base: gradients.base)
        positions = SinusoidalPositions(dim: config.modelDim, maxPositions: config.maxPositions, padID: Int(config.padID),
                                        layout: config.positionLayout ?? .fairseq)
        encoderCaches.reserveCapacity(config.encoderLayers)
        decoderCaches.reserveCapacity(config.decoderLayers)
    }

    public var parameterCount: Int { table.entries.reduce(0) { $0 + $1.shape.count } }

    /// Throws if an id is outside its vocabulary or a sequence is longer than the positions.
    public func validate(_ batch: Batch) throws {
        func check(_ ids: [Int32], _ length: Int, _ lengths: [Int32], _ vocab: Int, _ side: String) throws {
            for b in 0..<batch.size {
                if Int(lengths[b]) > config.maxPositions {
                    throw ModelError.sequenceTooLong(side: side, sentence: b, length: Int(lengths[b]), maxPositions: config.maxPositions)
                }
                for t in 0..<length where ids[b * length + t] < 0 || Int(ids[b * length + t]) >= vocab {
                    throw ModelError.idOutOfVocabulary(side: side, sentence: b, position: t, id: ids[b * length + t], vocabularySize: vocab)
                }
            }
        }
        try check(batch.source, batch.sourceLength, batch.sourceLengths, config.sourceVocabularySize, "source")
        try check(batch.decoderInput, batch.targetLength, batch.targetLengths, config.targetVocabularySize, "target")
        try check(batch.target, batch.targetLength, batch.targetLengths, config.targetVocabularySize, "target")
    }

    // MARK: Dropout sites

    func dropoutSite(_ p: Float, _ mode: ForwardMode, site: UInt64) -> DropoutSite {
        guard case let .training(seed, step) = mode, p > 0 else { return .off }
        return DropoutSite(probability: p, key: Dropout.key(seed: seed, step: step, site: site))
    }

    /// Sites are numbered per layer so that each draws an independent mask.
    func layerDropout(_ mode: ForwardMode, base: UInt64) -> LayerDropout {
        LayerDropout(attentionProbabilities: dropoutSite(config.attentionDropout, mode, site: base),
                     crossAttentionProbabilities: dropoutSite(config.attentionDropout, mode, site: base + 1),
                     residual: (dropoutSite(config.dropout, mode, site: base + 2), dropoutSite(config.dropout, mode, site: base + 3),
                                dropoutSite(config.dropout, mode, site: base + 4)),
                     activation: dropoutSite(config.activationDropout, mode, site: base + 5))
    }

    // MARK: Embeddings

    /// x[row of (b, t)] = √d · E[id] + position(t) (the factor is `config.embeddingScale`).
    /// Shapes: out (count, d), packed rows.
    func embed(_ tokens: PackedSequences, table embedding: Tensor, dropout: DropoutSite, into out: Tensor) {
        // Rows are packed sentence after sentence and visited in order; a row's position is
        // its index in its sentence.
        var sentence = 0
        embed(ids: tokens.ids, count: tokens.count, table: embedding, into: out) { row in
            while sentence + 1 < tokens.batch && Int(tokens.starts[sentence + 1]) <= row { sentence += 1 }
            return row - Int(tokens.starts[sentence])
        }
        ResidualBlock.applyDropout(out, dropout)
    }

    /// out[i] = √d · E[ids[i]] + position(position(i)): the embedding of every model input,
    /// whole sentences in training and one token per hypothesis in decoding.
    /// Shapes: table (V, d), out (count, d).
    func embed(ids: UnsafePointer<Int32>, count: Int, table embedding: Tensor, into out: Tensor,
               position: (_ row: Int) -> Int) {
        let d = config.modelDim
        Embedding.forward(table: embedding, ids: ids, count: count, scale: config.embeddingScale, into: out)
        for i in 0..<count {
            let row = out.data + i * d, encoding = positions.row(position(i))
            for c in 0..<d { row[c] += encoding[c] }
        }
    }

    // MARK: Forward

    /// Runs the encoder; returns its output (packed rows, d) and records the caches for
    /// backward.
    func encode(_ source: PackedSequences, mode: ForwardMode, workspace ws: Workspace) -> (Tensor, DropoutSite, NormCache?) {
        let d = config.modelDim
        let embeddingDropout = dropoutSite(config.dropout, mode, site: 0)
        var x = ws.tensor(source.count, d)
        embed(source, table: ws.products.embeddingTable(for: weights.encoderEmbedding), dropout: embeddingDropout, into: x)
        let geometry = AttentionGeometry(batch: source.batch, heads: config.heads, headDim: config.headDim,
                                         queries: source.paddedLength, keys: source.paddedLength,
                                         keyBatchStride: source.paddedLength, queryRows: source.rows, keyRows: source.rows)
        let mask = AttentionMask(keyLengths: source.lengths, queryLengths: source.lengths)
        encoderCaches.removeAll(keepingCapacity: true)
        // Index loops, not enumerated(): in debug builds the generic iterator allocates.
        for l in 0..<config.encoderLayers {
            let layerWeights = weights.encoderLayers[l]
            let (y, cache) = EncoderLayer.forward(x, layerWeights, config: config, geometry: geometry, mask: mask,
                                                  dropout: layerDropout(mode, base: 16 + UInt64(l) * 8), workspace: ws)
            encoderCaches.append(cache)
            x = y
        }
        var normCache: NormCache?
        if let norm = weights.encoderNorm { (x, normCache) = ResidualBlock.normalize(x, norm, ws) }
        return (x, embeddingDropout, normCache)
    }

    /// Full forward pass over a batch: returns the logits (N, V_tgt) in the workspace, one
    /// row per real target token (N = `batch.targetTokenCount`) in the order of
    /// `batch.packedTarget`: sentence by sentence, padding left out. The batch must have
    /// passed `validate`.
    ///
    /// `precision` is the products' arithmetic for this pass and its backward (bf16 needs a
    /// CPU that multiplies bf16 natively, `CPUFeatures.multipliesBF16Natively`); everything
    /// else is fp32 either way.
    public func forward(_ batch: Batch, mode: ForwardMode, precision: ProductPrecision = .fp32,
                        workspace ws: Workspace) -> Tensor {
        forward(batch, mode: mode, engine: productEngine(precision), workspace: ws)
    }

    /// The forward pass with products computed by `engine`: int8 scoring passes
    /// `.int8(makeInt8Weights())`. Inference only unless the engine is fp32 or bf16.
    public func forward(_ batch: Batch, mode: ForwardMode, engine: ProductEngine, workspace ws: Workspace) -> Tensor {
        ws.products = engine
        let (B, S, T, d) = (batch.size, batch.sourceLength, batch.targetLength, config.modelDim)
        let source = PackedSequences(ids: batch.source, lengths: batch.sourceLengths, batch: B, paddedLength: S, workspace: ws)
        let target = PackedSequences(ids: batch.decoderInput, lengths: batch.targetLengths, batch: B, paddedLength: T,
                                     workspace: ws)
        // The batch starts each decoder input with eos; a model with another start token
        // reads that instead (backward reads the same ids, so its gradient goes there too).
        if let start = config.decoderStartID {
            for b in 0..<B where target.lengths[b] > 0 { target.ids[Int(target.starts[b])] = start }
        }
        let (encoderOut, encoderDropout, encoderNorm) = encode(source, mode: mode, workspace: ws)
        let decoderDropout = dropoutSite(config.dropout, mode, site: 1)
        var x = ws.tensor(target.count, d)
        embed(target, table: ws.products.embeddingTable(for: weights.decoderEmbedding), dropout: decoderDropout, into: x)
        let selfGeometry = AttentionGeometry(batch: B, heads: config.heads, headDim: config.headDim, queries: T, keys: T,
                                             keyBatchStride: T, queryRows: target.rows, keyRows: target.rows)
        let crossGeometry = AttentionGeometry(batch: B, heads: config.heads, headDim: config.headDim, queries: T, keys: S,
                                              keyBatchStride: S, queryRows: target.rows, keyRows: source.rows)
        let selfMask = AttentionMask(keyLengths: target.lengths, queryLengths: target.lengths, causal: true)
        let crossMask = AttentionMask(keyLengths: source.lengths, queryLengths: target.lengths)
        decoderCaches.removeAll(keepingCapacity: true)
        for l in 0..<config.decoderLayers {
            let layerWeights = weights.decoderLayers[l]
            let (y, cache) = DecoderLayer.forward(x, encoderOut: encoderOut, layerWeights, config: config,
                                                  selfGeometry: selfGeometry, selfMask: selfMask,
                                                  crossGeometry: crossGeometry, crossMask: crossMask,
                                                  dropout: layerDropout(mode, base: 1 << 20 + UInt64(l) * 8), workspace: ws)
            decoderCaches.append(cache)
            x = y
        }
        var decoderNorm: NormCache?
        if let norm = weights.decoderNorm { (x, decoderNorm) = ResidualBlock.normalize(x, norm, ws) }
        let logits = ws.tensor(target.count, config.targetVocabularySize)
        MatMul.multiply(x, weights.outputProjection, into: logits, transposeB: true, in: ws)
        if let bias = weights.outputBias { addRowBias(bias, to: logits) }
        pass = PassState(source: source, target: target, encoderEmbeddingDropout: encoderDropout,
                         decoderEmbeddingDropout: decoderDropout, encoderNorm: encoderNorm, decoderNorm: decoderNorm,
                         encoderOut: encoderOut, decoderOut: x)
        return logits
    }

    /// The engine of a pass in `precision`; in bf16 the rounded parameters are refreshed
    /// first, since the optimizer may have moved the weights since the last pass.
    func productEngine(_ precision: ProductPrecision) -> ProductEngine {
        switch precision {
        case .fp32:
            return .fp32
        case .bf16:
            precondition(CPUFeatures.current.multipliesBF16Natively || CPUFeatures.current.isUnknown,
                         "bf16 products on a CPU without AVX512-BF16 (check PrecisionChoice first)")
            let mirror = roundedParameters ?? BF16Mirror(of: parameters.base, count: table.count)
            roundedParameters = mirror
            mirror.refresh()
            return .bf16(weights: mirror)
        }
    }

    // MARK: Backward

    /// Adds the gradients of the loss whose logit gradients are `dLogits` (N, V_tgt), rows
    /// as `forward`'s logits, into `gradients`. Must follow `forward` on the same workspace
    /// step.
    public func backward(_ dLogits: Tensor, workspace ws: Workspace) {
        guard let p = pass else { preconditionFailure("backward called without a forward pass") }
        let d = config.modelDim, g = gradientWeights
        precondition(dLogits.shape.rows == p.target.count && dLogits.shape.last == config.targetVocabularySize,
                     "backward: dLogits \(dLogits.shape) should be (\(p.target.count), \(config.targetVocabularySize))")
        var dx = ws.tensor(p.target.count, d)
        MatMul.sharingRounded(dLogits, in: ws) {
            MatMul.multiply(dLogits, weights.outputProjection, into: dx, in: ws)
            MatMul.multiply(dLogits, p.decoderOut, into: g.outputProjection, transposeA: true, beta: 1, in: ws)
        }
        if let dBias = g.outputBias { addColumnSums(of: dLogits, to: dBias) }
        if let norm = weights.decoderNorm, let gn = g.decoderNorm, let cache = p.decoderNorm {
            let dIn = ws.tensor(dx.shape)
            ResidualBlock.normalizeBackward(dx, cache, norm, gn, dx: dIn, accumulate: false)
            dx = dIn
        }
        let dEncoderOut = ws.tensor(p.encoderOut.shape, zeroed: true)
        // Layer by layer, the gradient moves between two buffers and each layer's scratch
        // is released: peak memory is the forward activations plus one layer's scratch.
        var spare = ws.tensor(dx.shape)
        for l in stride(from: config.decoderLayers - 1, through: 0, by: -1) {
            let mark = ws.mark()
            let dIn = DecoderLayer.backward(dx, cache: decoderCaches[l], weights.decoderLayers[l], gradients: g.decoderLayers[l],
                                            config: config, dEncoderOut: dEncoderOut, workspace: ws)
            spare.copy(from: dIn)
            ws.release(to: mark)
            swap(&dx, &spare)
        }
        embedBackward(dx, ids: p.target.ids, count: p.target.count, dropout: p.decoderEmbeddingDropout,
                      into: g.decoderEmbedding)

        var de = dEncoderOut
        if let norm = weights.encoderNorm, let gn = g.encoderNorm, let cache = p.encoderNorm {
            let dIn = ws.tensor(de.shape)
            ResidualBlock.normalizeBackward(de, cache, norm, gn, dx: dIn, accumulate: false)
            de = dIn
        }
        var spareEncoder = ws.tensor(de.shape)
        for l in stride(from: config.encoderLayers - 1, through: 0, by: -1) {
            let mark = ws.mark()
            let dIn = EncoderLayer.backward(de, cache: encoderCaches[l], weights.encoderLayers[l], gradients: g.encoderLayers[l],
                                            config: config, workspace: ws)
            spareEncoder.copy(from: dIn)
            ws.release(to: mark)
            swap(&de, &spareEncoder)
        }
        embedBackward(de, ids: p.source.ids, count: p.source.count, dropout: p.encoderEmbeddingDropout,
                      into: g.encoderEmbedding)
    }

    func embedBackward(_ dy: Tensor, ids: UnsafePointer<Int32>, count: Int, dropout: DropoutSite, into dTable: Tensor) {
        ResidualBlock.dropoutBackward(dy, into: dy, dropout)
        Embedding.backward(dy, ids: ids, count: count, scale: config.embeddingScale,
                           skipping: config.padID, into: dTable)
    }
}

// MARK: Output bias

extension TransformerModel {
    /// y[r] += bias for every row r. Shapes: bias (V), y (N, V).
    func addRowBias(_ bias: Tensor, to y: Tensor) {
        let v = bias.count
        for r in 0..<y.shape.rows {
            let row = y.data + r * v
            for c in 0..<v { row[c] += bias.data[c] }
        }
    }

    /// dBias += Σ_r dy[r]: the output bias's gradient. Shapes: dy (N, V), dBias (V).
    func addColumnSums(of dy: Tensor, to dBias: Tensor) {
        let v = dBias.count
        for r in 0..<dy.shape.rows {
            let row = dy.data + r * v
            for c in 0..<v { dBias.data[c] += row[c] }
        }
    }
}
