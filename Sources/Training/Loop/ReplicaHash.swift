import Transformer

/// A 64-bit digest of a rank's training state (parameters, both Adam moments and the step),
/// compared across ranks at every checkpoint: identical replicas give identical digests,
/// and a replica that drifted by one bit almost surely does not.
enum ReplicaHash {
    /// FNV-1a over 64-bit words (a float pair per word), then the step.
    static func of(_ model: TransformerModel, _ optimizer: AdamW) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01b3
        for arena in [model.parameters, optimizer.firstMoment, optimizer.secondMoment] {
            let count = arena.table.count
            arena.base.withMemoryRebound(to: UInt32.self, capacity: count) { words in
                var i = 0
                while i + 1 < count {
                    hash = (hash ^ (UInt64(words[i]) | UInt64(words[i + 1]) << 32)) &* prime
                    i += 2
                }
                if i < count { hash = (hash ^ UInt64(words[i])) &* prime }
            }
        }
        return (hash ^ UInt64(bitPattern: Int64(optimizer.step))) &* prime
    }
}
