/// Which keys a row of attention scores may attend to.
///
/// Batches are padded on the right, so every mask is a valid prefix of the keys: key
/// padding keeps the first `keyLengths[b]` keys of batch item b, and the causal mask keeps
/// keys j ≤ i + `queryOffset` for query i (the offset is the number of positions already
/// decoded, for incremental decoding). Query padding (`queryLengths`) masks whole rows:
/// queries i ≥ `queryLengths[b]` of item b attend to nothing. Masked probabilities are
/// exactly 0 and masked scores are never read, so they may hold anything; a row whose
/// every key is masked gets all zeros (no NaN) and a zero gradient.
public struct AttentionMask {
    /// (B) valid key counts, or nil when no key is padding.
    public var keyLengths: UnsafePointer<Int32>?
    /// (B) valid query counts, or nil when no query is padding.
    public var queryLengths: UnsafePointer<Int32>?
    public var causal: Bool
    public var queryOffset: Int

    public init(keyLengths: UnsafePointer<Int32>? = nil, queryLengths: UnsafePointer<Int32>? = nil,
                causal: Bool = false, queryOffset: Int = 0) {
        self.keyLengths = keyLengths
        self.queryLengths = queryLengths
        self.causal = causal
        self.queryOffset = queryOffset
    }

    public static var none: AttentionMask { AttentionMask() }

    /// Whether any key or query is hidden (then scores must be shaped (B, H, Tq, Tk)).
    public var masksAnything: Bool { keyLengths != nil || queryLengths != nil || causal }
}

/// A mask applied to rows of a (rows, keys) score matrix: how a flat row index maps to
/// (batch item, query), and how many leading keys each row keeps.
public struct MaskedRows {
    public let mask: AttentionMask
    @usableFromInline let queriesPerBatch: Int
    @usableFromInline let queries: Int
    @usableFromInline let keys: Int

    /// For scores shaped (B, H, Tq, Tk) when `mask` hides anything; otherwise `rows` rows of
    /// `keys` keys that all count.
    public init(mask: AttentionMask, batchStride queriesPerBatch: Int, queries: Int, keys: Int) {
        self.mask = mask
        self.queriesPerBatch = Swift.max(queriesPerBatch, 1)
        self.queries = Swift.max(queries, 1)
        self.keys = keys
    }

    /// Number of leading keys row `row` may attend to.
    @inlinable @inline(__always)
    public func validKeys(_ row: Int) -> Int {
        var n = keys
        if let lengths = mask.keyLengths { n = Swift.min(n, Int(lengths[row / queriesPerBatch])) }
        if mask.causal { n = Swift.min(n, row % queries + mask.queryOffset + 1) }
        if let lengths = mask.queryLengths, row % queries >= Int(lengths[row / queriesPerBatch]) { n = 0 }
        return Swift.max(n, 0)
    }
}
