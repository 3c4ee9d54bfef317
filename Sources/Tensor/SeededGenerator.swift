import Foundation

/// A reproducible random number generator (SplitMix64, Steele, Lea & Flood 2014) whose
/// whole state is one UInt64, so a checkpoint can store and restore it exactly.
public struct SeededGenerator: RandomNumberGenerator, Codable, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// A seed for one stream of random numbers of a run: mixed from the run's seed, a step
    /// (an update, an epoch) and a site (which dropout layer, the data order), so that
    /// every (step, site) gets an independent stream that a resumed run draws again.
    public static func derivedSeed(seed: UInt64, step: UInt64, site: UInt64) -> UInt64 {
        mix(mix(seed ^ 0x9E37_79B9_7F4A_7C15) ^ mix(step &+ 0x632B_E59B_D9B4_E019) ^ (site &* 0xD1B5_4A32_D192_ED03))
    }

    /// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix.
    @inline(__always)
    static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
