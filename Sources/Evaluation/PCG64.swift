/// NumPy's default bit generator: PCG64, a 128-bit linear congruential state with the
/// XSL-RR output function (O'Neill, 2014), seeded from a `SeedSequence` as
/// `numpy.random.PCG64` is. Together with the draws in `PCG64+NumPyDraws.swift` it yields the
/// same numbers as `numpy.random.default_rng(seed)`.
public struct PCG64: RandomNumberGenerator, Sendable {
    private var stateHigh: UInt64
    private var stateLow: UInt64
    private let incHigh: UInt64
    private let incLow: UInt64
    /// NumPy hands out a 64-bit output as two 32-bit draws, low half first; the high half
    /// waits here (`has_uint32` / `uinteger`).
    private var pendingHalf: UInt32?

    // PCG's default 128-bit multiplier.
    private static let multHigh: UInt64 = 2_549_297_995_355_413_924
    private static let multLow: UInt64 = 4_865_540_595_714_422_341

    /// The generator `default_rng` builds from `seeds`: state words 0–1 are the initial
    /// state and 2–3 the stream, each high word first.
    public init(_ seeds: SeedSequence) {
        let words = seeds.generateState64(count: 4)
        incHigh = words[2] << 1 | words[3] >> 63
        incLow = words[3] << 1 | 1
        stateHigh = 0
        stateLow = 0
        step()
        let (low, carry) = stateLow.addingReportingOverflow(words[1])
        stateLow = low
        stateHigh = stateHigh &+ words[0] &+ (carry ? 1 : 0)
        step()
    }

    /// `default_rng(seed)` for a non-negative integer seed.
    public init(seed: UInt64) { self.init(SeedSequence(seed: seed)) }

    /// state = state · multiplier + increment (mod 2^128).
    @inline(__always)
    private mutating func step() {
        let low = stateLow.multipliedFullWidth(by: Self.multLow)
        var high = low.high &+ stateLow &* Self.multHigh &+ stateHigh &* Self.multLow
        let (sum, carry) = low.low.addingReportingOverflow(incLow)
        high = high &+ incHigh &+ (carry ? 1 : 0)
        stateLow = sum
        stateHigh = high
    }

    /// The next 64-bit output: advance, then XOR-fold the state and rotate by its top 6 bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        step()
        let folded = stateHigh ^ stateLow
        let rotation = stateHigh >> 58
        return folded >> rotation | folded << ((64 - rotation) & 63)
    }

    /// NumPy's `next_uint32`: the low half of a fresh 64-bit output, and its high half on
    /// the following call.
    @inline(__always)
    public mutating func nextUInt32() -> UInt32 {
        if let half = pendingHalf {
            pendingHalf = nil
            return half
        }
        let word = next()
        pendingHalf = UInt32(truncatingIfNeeded: word >> 32)
        return UInt32(truncatingIfNeeded: word)
    }
}
