#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's `statistics.mean` of non-negative finite doubles: the exact rational mean,
/// rounded once to the nearest double (ties to even). sacreBLEU's single-system confidence
/// interval (`Score.estimate_ci`) uses it, so a compensated or pairwise sum would differ in
/// the last bit, which `repr` shows.
///
/// The sum is held exactly as a big integer in units of the smallest exponent present.
/// - Complexity: O(n · w) with w the span of exponents in 64-bit words (a few for scores).
func exactMean(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "exactMean of no values")
    precondition(values.allSatisfy { $0.isFinite && $0 >= 0 }, "exactMean takes non-negative finite values")
    let nonzero = values.filter { $0 != 0 }
    guard !nonzero.isEmpty else { return 0 }
    // x = significand · 2^(exponent - 52) with an integer significand (subnormals included).
    func parts(_ x: Double) -> (significand: UInt64, exponent: Int) {
        let raw = Int(x.exponentBitPattern)
        let fraction = x.significandBitPattern
        return raw == 0 ? (fraction, -1074) : (fraction | 1 << 52, raw - 1075)
    }
    let base = nonzero.map { parts($0).exponent }.min()!
    var sum = BigUInt()
    for x in nonzero {
        let (m, e) = parts(x)
        sum.add(m, shiftedBy: e - base)
    }
    // 128 extra bits leave more than 53 significant bits in the quotient for any count.
    let extra = 128
    sum.shiftLeft(by: extra)
    let remainder = sum.divide(by: UInt64(values.count))
    let length = sum.bitLength
    let drop = max(0, length - 53)
    var mantissa = sum.bits(from: drop, count: min(53, length))
    if drop > 0 {
        let half = sum.bit(drop - 1)
        let sticky = remainder != 0 || sum.anyBit(below: drop - 1)
        if half && (sticky || mantissa & 1 == 1) { mantissa += 1 }
    } else if remainder != 0 {
        preconditionFailure("exactMean: quotient too short to round")
    }
    return scalbn(Double(mantissa), base - extra + drop)
}

/// The few unsigned big-integer operations `exactMean` needs; 64-bit limbs, least
/// significant first.
private struct BigUInt {
    var limbs: [UInt64] = []

    mutating func add(_ value: UInt64, shiftedBy shift: Int) {
        let limb = shift / 64, offset = shift % 64
        let low = value << offset
        let high = offset == 0 ? 0 : value >> (64 - offset)
        while limbs.count < limb + 3 { limbs.append(0) }
        var carry: UInt64 = 0
        var i = limb
        for part in [low, high] {
            let (a, o1) = limbs[i].addingReportingOverflow(part)
            let (b, o2) = a.addingReportingOverflow(carry)
            limbs[i] = b
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
            i += 1
        }
        while carry != 0 {
            if i == limbs.count { limbs.append(0) }
            let (a, o) = limbs[i].addingReportingOverflow(carry)
            limbs[i] = a
            carry = o ? 1 : 0
            i += 1
        }
    }

    mutating func shiftLeft(by bits: Int) {
        precondition(bits % 64 == 0, "BigUInt.shiftLeft by whole limbs only")
        limbs.insert(contentsOf: [UInt64](repeating: 0, count: bits / 64), at: 0)
    }

    /// Divides in place; returns the remainder.
    mutating func divide(by divisor: UInt64) -> UInt64 {
        var remainder: UInt64 = 0
        for i in limbs.indices.reversed() {
            let (q, r) = divisor.dividingFullWidth((remainder, limbs[i]))
            limbs[i] = q
            remainder = r
        }
        return remainder
    }

    var bitLength: Int {
        guard let top = limbs.lastIndex(where: { $0 != 0 }) else { return 0 }
        return top * 64 + 64 - limbs[top].leadingZeroBitCount
    }

    func bit(_ i: Int) -> Bool { limbs[i / 64] >> (i % 64) & 1 == 1 }

    func bits(from start: Int, count: Int) -> UInt64 {
        var result: UInt64 = 0
        for i in (start..<(start + count)).reversed() { result = result << 1 | (bit(i) ? 1 : 0) }
        return result
    }

    func anyBit(below end: Int) -> Bool { (0..<end).contains { bit($0) } }
}
