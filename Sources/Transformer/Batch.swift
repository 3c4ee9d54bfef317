/// A batch of sentence pairs as the model reads them, padded on the right.
///
/// fairseq's conventions: the encoder reads the source ids followed by eos; the decoder
/// reads eos followed by the target ids and predicts the target ids followed by eos.
/// Shapes: source (B, S), decoderInput and target (B, T); lengths count eos.
/// `packedTarget` (N = Σ target lengths) is the target without padding, sentence by
/// sentence: the order of the model's logits rows.
public struct Batch: Codable, Sendable {
    public let size: Int
    public let sourceLength: Int
    public let targetLength: Int
    public let source: [Int32]
    public let sourceLengths: [Int32]
    public let decoderInput: [Int32]
    public let target: [Int32]
    public let targetLengths: [Int32]
    public let packedTarget: [Int32]

    /// Builds a batch from sentences of ids without eos. Padding makes every row as long
    /// as the longest sentence of its side.
    public init(sources: [[Int32]], targets: [[Int32]], padID: Int32, eosID: Int32) {
        precondition(sources.count == targets.count, "batch: \(sources.count) sources but \(targets.count) targets")
        size = sources.count
        var source: [Int32], decoderInput: [Int32], target: [Int32]
        sourceLength = (sources.map(\.count).max() ?? 0) + 1
        targetLength = (targets.map(\.count).max() ?? 0) + 1
        source = [Int32](repeating: padID, count: size * sourceLength)
        decoderInput = [Int32](repeating: padID, count: size * targetLength)
        target = [Int32](repeating: padID, count: size * targetLength)
        sourceLengths = sources.map { Int32($0.count + 1) }
        targetLengths = targets.map { Int32($0.count + 1) }
        for b in 0..<size {
            let s = sources[b], t = targets[b]
            for (i, id) in s.enumerated() { source[b * sourceLength + i] = id }
            source[b * sourceLength + s.count] = eosID
            decoderInput[b * targetLength] = eosID
            for (i, id) in t.enumerated() {
                decoderInput[b * targetLength + i + 1] = id
                target[b * targetLength + i] = id
            }
            target[b * targetLength + t.count] = eosID
        }
        self.source = source
        self.decoderInput = decoderInput
        self.target = target
        packedTarget = targets.flatMap { $0 + [eosID] }
    }

    /// The row of target position t of sentence b in `packedTarget` and in the model's
    /// logits (t < targetLengths[b]).
    public func packedTargetRow(sentence b: Int, position t: Int) -> Int {
        targetLengths[..<b].reduce(0) { $0 + Int($1) } + t
    }

    /// Target tokens that count in the loss (everything but padding).
    public var targetTokenCount: Int { targetLengths.reduce(0) { $0 + Int($1) } }
    public var sourceTokenCount: Int { sourceLengths.reduce(0) { $0 + Int($1) } }
}
