/// Interns tokens (byte strings) as dense `UInt32` ids, so that n-grams become packed
/// integers instead of tuples of strings. One vocabulary per worker thread: ids only have
/// to agree between a hypothesis and its own references.
struct Vocabulary {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 1 << 16) {
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    /// The id of the token `p[start..<end]`, adding it when new.
    @inline(__always)
    mutating func intern(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt32 {
        let h = Self.hash(p.baseAddress! + start, end - start)
        var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        let length = end - start
        while true {
            let id = Int(slots[slot])
            if id < 0 { break }
            if hashes[id] == h {
                let s = offsets[id], e = offsets[id + 1]
                if e - s == length && arena.withUnsafeBufferPointer({ a in
                    memcmpEqual(a.baseAddress! + s, p.baseAddress! + start, length)
                }) {
                    return UInt32(id)
                }
            }
            slot = (slot + 1) & mask
        }
        let id = hashes.count
        arena.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<end]))
        offsets.append(arena.count)
        hashes.append(h)
        slots[slot] = Int32(id)
        if hashes.count * 2 > slots.count { grow() }
        return UInt32(id)
    }

    /// A multiply-xorshift hash over 8-byte words (tokens are short; byte-wise FNV was slower).
    @inline(__always)
    private static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xD6E8_FEB8_6659_FD93
            h ^= h >> 32
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            for j in i..<n { tail = tail << 8 | UInt64(p[j]) }
            h = (h ^ tail) &* 0xD6E8_FEB8_6659_FD93
            h ^= h >> 32
        }
        return h
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for (id, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// Appends the ids of the Python-whitespace-separated tokens of `text` to `ids`.
    @inline(__always)
    mutating func internTokens(of text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        UTF8Text.forEachToken(text) { ids.append(intern(text, $0, $1)) }
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for i in 0..<n where a[i] != b[i] { return false }
    return true
}
