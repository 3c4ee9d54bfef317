/// A counting hash table from packed n-grams to counts, cleared in O(1) by bumping a stamp,
/// so one table serves every segment of a worker without reallocating.
///
/// An n-gram is packed into a `UInt128` as `n` fields of `bits` bits each (word ids use 32
/// bits, so up to 4-grams; code points use 21 bits, so up to 6-grams). Tables hold a single
/// order at a time, so keys of different orders never meet.
struct NGramTable {
    private var keys: [UInt128] = []
    private var counts: [Int32] = []
    private var stamps: [UInt32] = []
    private var stamp: UInt32 = 0
    private var mask = 0
    /// Slots filled since the last `reset`, in insertion order.
    private(set) var used: [Int] = []

    /// Empties the table and makes room for at least `expected` distinct keys.
    mutating func reset(expected: Int) {
        let needed = max(16, 1 << (Int.bitWidth - (expected * 2).leadingZeroBitCount))
        if needed > keys.count {
            keys = [UInt128](repeating: 0, count: needed)
            counts = [Int32](repeating: 0, count: needed)
            stamps = [UInt32](repeating: 0, count: needed)
            mask = needed - 1
            stamp = 0
        }
        stamp &+= 1
        if stamp == 0 {
            for i in stamps.indices { stamps[i] = 0 }
            stamp = 1
        }
        used.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private func hash(_ key: UInt128) -> Int {
        let h = (UInt64(truncatingIfNeeded: key) ^ UInt64(truncatingIfNeeded: key >> 64) &* 0x9E37_79B9_7F4A_7C15)
            &* 0xD6E8_FEB8_6659_FD93
        return Int(truncatingIfNeeded: h >> 32)
    }

    /// The slot of `key`, or the empty slot where it would go.
    @inline(__always)
    private func find(_ key: UInt128) -> Int {
        var slot = hash(key) & mask
        while stamps[slot] == stamp && keys[slot] != key { slot = (slot + 1) & mask }
        return slot
    }

    /// Adds one occurrence of `key`.
    @inline(__always)
    mutating func add(_ key: UInt128) {
        let slot = find(key)
        if stamps[slot] == stamp {
            counts[slot] += 1
        } else {
            stamps[slot] = stamp
            keys[slot] = key
            counts[slot] = 1
            used.append(slot)
        }
    }

    /// Raises the count of `key` to at least `count` (merging references by maximum).
    @inline(__always)
    mutating func raise(_ key: UInt128, to count: Int32) {
        let slot = find(key)
        if stamps[slot] == stamp {
            counts[slot] = max(counts[slot], count)
        } else {
            stamps[slot] = stamp
            keys[slot] = key
            counts[slot] = count
            used.append(slot)
        }
    }

    /// Takes one occurrence of `key` if any is left and says whether it did. Consuming the
    /// hypothesis n-grams from the reference counts yields min(hypothesis, reference) per
    /// n-gram, the clipped count, without a second table.
    @inline(__always)
    mutating func consume(_ key: UInt128) -> Bool {
        let slot = find(key)
        guard stamps[slot] == stamp && counts[slot] > 0 else { return false }
        counts[slot] -= 1
        return true
    }

    /// The key and count in a slot listed in `used`.
    @inline(__always)
    func entry(_ slot: Int) -> (key: UInt128, count: Int32) { (keys[slot], counts[slot]) }
}

/// Calls `body` with every packed n-gram of order `n` in `ids`, left to right.
@inline(__always)
func forEachNGram(_ ids: UnsafeBufferPointer<UInt32>, order n: Int, bits: Int, _ body: (UInt128) -> Void) {
    guard ids.count >= n else { return }
    let fieldMask: UInt128 = n * bits >= 128 ? ~0 : (UInt128(1) << (n * bits)) - 1
    var key: UInt128 = 0
    for i in 0..<ids.count {
        key = ((key << bits) | UInt128(ids[i])) & fieldMask
        if i >= n - 1 { body(key) }
    }
}
