import Tensor

extension TransformerModel {
    /// Encodes source sentences (ids without eos) for decoding: returns the encoder output
    /// (sentences·S, d) copied out of the workspace, the lengths with eos, and S.
    /// A caller encoding batch after batch passes the same `workspace`, so that its memory
    /// is reused rather than mapped (and page-faulted in) anew each time.
    public func encode(_ sources: [[Int32]], workspace: Workspace = Workspace()) throws
        -> (output: TensorStorage, lengths: [Int32], sourceLength: Int) {
        let batch = Batch(sources: sources, targets: sources.map { _ in [] }, padID: config.padID, eosID: config.eosID)
        try validate(batch)
        let ws = workspace
        ws.reset()
        let source = PackedSequences(ids: batch.source, lengths: batch.sourceLengths, batch: batch.size,
                                     paddedLength: batch.sourceLength, workspace: ws)
        let (out, _, _) = encode(source, mode: .inference, workspace: ws)
        // The decoder's cross-attention reads one block of S rows per sentence.
        let storage = TensorStorage(Shape(batch.size * batch.sourceLength, config.modelDim), zeroed: false)
        source.unpack(out, into: storage.tensor)
        return (storage, batch.sourceLengths, batch.sourceLength)
    }
}
