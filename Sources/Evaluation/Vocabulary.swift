/// Interns tokens (byte strings) as dense `UInt32` ids, so that n-grams become packed
/// integers instead of tuples of strings. One vocabulary per worker thread: ids only have
/// to agree between a hypothesis and its own references.
///
/// Tokens of up to 8 bytes — nearly all of them — are stored as the token bytes packed in
/// the slot itself, so a lookup touches one cache line; longer tokens keep a hash in the slot
/// and their bytes in an arena.
struct Vocabulary {
    private struct Entry {
        /// The packed bytes of a short token, or the hash of a long one.
        var key: UInt64 = 0
        /// The token's length in bytes; 0 marks an empty slot (tokens are never empty).
        var length: Int32 = 0
        var id: UInt32 = 0
    }

    private var slots: [Entry]
    private var mask: Int
    private var count = 0
    private var arena: [UInt8] = []
    /// Start of each long token's bytes in `arena`, by id (0 for short tokens).
    private var arenaStarts: [Int] = []

    /// Starts small and doubles as it fills: a sentence-level score builds a vocabulary per
    /// call, and a 65,536-slot start (1 MB zeroed each time) made `BLEU.sentenceScore`
    /// cost milliseconds on a short line (found by fuzzing, which calls it per input).
    init(capacity: Int = 1 << 10) {
        slots = [Entry](repeating: Entry(), count: capacity)
        mask = capacity - 1
    }

    /// The id of the token `p[start..<end]` (not empty), adding it when new.
    @inline(__always)
    mutating func intern(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt32 {
        let length = end - start
        let base = p.baseAddress! + start
        let short = length <= 8
        let key = short ? Self.pack(p, start, length) : Self.hash(base, length)
        var slot = Self.slot(key, length) & mask
        while true {
            let entry = slots[slot]
            if entry.length == 0 { break }
            if entry.length == length && entry.key == key
                && (short || arena.withUnsafeBufferPointer { bytesEqual($0.baseAddress! + arenaStarts[Int(entry.id)], base, length) }) {
                return entry.id
            }
            slot = (slot + 1) & mask
        }
        let id = UInt32(count)
        count += 1
        if short {
            arenaStarts.append(0)
        } else {
            arenaStarts.append(arena.count)
            arena.append(contentsOf: UnsafeBufferPointer(start: base, count: length))
        }
        slots[slot] = Entry(key: key, length: Int32(length), id: id)
        if count * 2 > slots.count { grow() }
        return id
    }

    /// The bytes of a token of 1…8 bytes as one integer (exact, so no byte comparison is needed).
    @inline(__always)
    private static func pack(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> UInt64 {
        if start + 8 <= p.count {
            let word = UnsafeRawPointer(p.baseAddress! + start).loadUnaligned(as: UInt64.self)
            return length == 8 ? word : word & ((1 << (8 * UInt64(length))) - 1)
        }
        var v: UInt64 = 0
        for j in 0..<length { v |= UInt64(p[start + j]) << (8 * UInt64(j)) }
        return v
    }

    /// A multiply-xorshift hash over 8-byte words, for tokens longer than 8 bytes.
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

    @inline(__always)
    private static func slot(_ key: UInt64, _ length: Int) -> Int {
        let h = (key ^ UInt64(length) << 59) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 32)
    }

    private mutating func grow() {
        let old = slots
        slots = [Entry](repeating: Entry(), count: old.count * 2)
        mask = slots.count - 1
        for entry in old where entry.length != 0 {
            var slot = Self.slot(entry.key, Int(entry.length)) & mask
            while slots[slot].length != 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }

    /// Appends the ids of the Python-whitespace-separated tokens of `text` to `ids`.
    @inline(__always)
    mutating func internTokens(of text: UnsafeBufferPointer<UInt8>, into ids: inout [UInt32]) {
        UTF8Text.forEachToken(text) { ids.append(intern(text, $0, $1)) }
    }
}

@inline(__always)
private func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for i in 0..<n where a[i] != b[i] { return false }
    return true
}
