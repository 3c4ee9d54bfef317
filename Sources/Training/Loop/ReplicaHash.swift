import Basics
import Transformer

/// A 64-bit digest of a rank's training state (parameters, both Adam moments and the step),
/// compared across ranks at every checkpoint: identical replicas give identical digests,
/// and a replica that drifted by one bit almost surely does not.
enum ReplicaHash {
    /// FNV-1a over 64-bit words (a float pair per word), then the step.
    static func of(_ model: TransformerModel, _ optimizer: AdamW) -> UInt64 {
        var hash = FNV1a()
        for arena in [model.parameters, optimizer.firstMoment, optimizer.secondMoment] {
            let count = arena.table.count
            arena.base.withMemoryRebound(to: UInt32.self, capacity: count) { words in
                var i = 0
                while i + 1 < count {
                    hash.combine(word: UInt64(words[i]) | UInt64(words[i + 1]) << 32)
                    i += 2
                }
                if i < count { hash.combine(word: UInt64(words[i])) }
            }
        }
        hash.combine(word: UInt64(bitPattern: Int64(optimizer.step)))
        return hash.value
    }
}
