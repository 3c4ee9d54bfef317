import Foundation

/// A reproducible random number generator (SplitMix64, Steele, Lea & Flood 2014) whose
/// whole state is one UInt64, so a checkpoint can store and restore it exactly.
public struct SeededGenerator: RandomNumberGenerator, Codable, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Dropout.mix(state)
    }

    /// Uniform in [lo, hi) with 24 random bits.
    public mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
        lo + (hi - lo) * (Float(next() >> 40) * (1.0 / 16_777_216.0))
    }

    /// Standard normal by Box–Muller, computed in Double.
    public mutating func normal(mean: Float = 0, std: Float = 1) -> Float {
        let u1 = (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_993.0)   // (0, 1]
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return mean + std * Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }
}
