/// NumPy's `SeedSequence` (O'Neill's seed_seq design as NumPy implements it): hashes any
/// amount of entropy into a 4-word pool, from which generator states are drawn. sacreBLEU
/// seeds `numpy.random.default_rng(seed)` through it, so reproducing its resamples starts here.
///
/// All arithmetic is on 32-bit words modulo 2^32, as in NumPy.
public struct SeedSequence: Sendable {
    /// The mixed entropy pool (NumPy's `pool`, size 4).
    public private(set) var pool: [UInt32]

    private static let poolSize = 4
    private static let initA: UInt32 = 0x43B0_D7E5
    private static let multA: UInt32 = 0x931E_8875
    private static let initB: UInt32 = 0x8B51_F9DD
    private static let multB: UInt32 = 0x58F3_8DED
    private static let mixMultL: UInt32 = 0xCA01_F9DD
    private static let mixMultR: UInt32 = 0x4973_F715
    private static let xShift: UInt32 = 16

    /// A sequence from entropy words, least significant first (NumPy's
    /// `_coerce_to_uint32_array` of a non-negative integer; `[0]` for zero).
    public init(entropy: [UInt32]) {
        let words = entropy.isEmpty ? [0] : entropy
        var hashConst = Self.initA
        func hashmix(_ value: UInt32) -> UInt32 {
            var v = value ^ hashConst
            hashConst = hashConst &* Self.multA
            v = v &* hashConst
            return v ^ (v >> Self.xShift)
        }
        func mix(_ x: UInt32, _ y: UInt32) -> UInt32 {
            let r = Self.mixMultL &* x &- Self.mixMultR &* y
            return r ^ (r >> Self.xShift)
        }
        var pool = [UInt32](repeating: 0, count: Self.poolSize)
        for i in 0..<Self.poolSize { pool[i] = hashmix(i < words.count ? words[i] : 0) }
        for src in 0..<Self.poolSize {
            for dst in 0..<Self.poolSize where src != dst { pool[dst] = mix(pool[dst], hashmix(pool[src])) }
        }
        for src in Self.poolSize..<max(Self.poolSize, words.count) {
            for dst in 0..<Self.poolSize { pool[dst] = mix(pool[dst], hashmix(words[src])) }
        }
        self.pool = pool
    }

    /// A sequence seeded with one integer, as `default_rng(seed)` does.
    public init(seed: UInt64) {
        self.init(entropy: seed >> 32 == 0 ? [UInt32(seed)] : [UInt32(truncatingIfNeeded: seed), UInt32(seed >> 32)])
    }

    /// `generate_state(count, np.uint64)`: `2 · count` 32-bit words drawn from the pool,
    /// paired little-endian into 64-bit words.
    public func generateState64(count: Int) -> [UInt64] {
        var hashConst = Self.initB
        var words: [UInt32] = []
        words.reserveCapacity(2 * count)
        for i in 0..<(2 * count) {
            var v = pool[i % Self.poolSize] ^ hashConst
            hashConst = hashConst &* Self.multB
            v = v &* hashConst
            words.append(v ^ (v >> Self.xShift))
        }
        return (0..<count).map { UInt64(words[2 * $0]) | UInt64(words[2 * $0 + 1]) << 32 }
    }

    /// The 32-bit words of a non-negative decimal integer of any size, least significant
    /// first, or nil when `decimal` is not all ASCII digits.
    public static func entropyWords(decimal: String) -> [UInt32]? {
        guard !decimal.isEmpty, decimal.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var words: [UInt32] = [0]
        for digit in decimal.utf8 {
            // words = words · 10 + digit, carrying through 64-bit intermediates.
            var carry = UInt64(digit - 0x30)
            for i in words.indices {
                let v = UInt64(words[i]) * 10 + carry
                words[i] = UInt32(truncatingIfNeeded: v)
                carry = v >> 32
            }
            if carry > 0 { words.append(UInt32(carry)) }
        }
        return words
    }
}
