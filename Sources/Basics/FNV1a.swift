/// FNV-1a, 64-bit (Fowler, Noll, Vo): a hash that is the same in every process and on
/// every machine, unlike Swift's seeded `Hasher`. For cache keys, stable orders and
/// replica checks, not for security.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init() {}

    /// Folds in bytes, one at a time (the standard FNV-1a).
    public mutating func combine<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { value = (value ^ UInt64(byte)) &* Self.prime }
    }

    /// Folds in a whole 64-bit word in one step (faster over large arrays; not the
    /// byte-wise standard, so only for hashes compared with each other).
    @inline(__always)
    public mutating func combine(word: UInt64) { value = (value ^ word) &* Self.prime }

    /// The standard FNV-1a of a string's UTF-8 bytes.
    public static func hash(_ text: String) -> UInt64 {
        var hash = FNV1a()
        hash.combine(bytes: text.utf8)
        return hash.value
    }
}
