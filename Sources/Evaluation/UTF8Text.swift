/// Whitespace, validation and decoding helpers over UTF-8 bytes that follow Python's `str`
/// semantics, because sacreBLEU's `split()` and `rstrip()` use Python's Unicode whitespace.
enum UTF8Text {
    /// Length in bytes of the Python whitespace character that starts at `i`, or 0.
    /// Python's `str.isspace()` set: U+0009–U+000D, U+001C–U+0020, U+0085, U+00A0, U+1680,
    /// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
    @inline(__always)
    static func whitespaceLength(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b = p[i]
        if b < 0x80 {
            return (b == 0x20 || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F)) ? 1 : 0
        }
        let n = p.count - i
        switch b {
        case 0xC2:
            return n >= 2 && (p[i + 1] == 0x85 || p[i + 1] == 0xA0) ? 2 : 0
        case 0xE1:
            return n >= 3 && p[i + 1] == 0x9A && p[i + 2] == 0x80 ? 3 : 0
        case 0xE2:
            guard n >= 3 else { return 0 }
            let b1 = p[i + 1], b2 = p[i + 2]
            if b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF) { return 3 }
            return b1 == 0x81 && b2 == 0x9F ? 3 : 0
        case 0xE3:
            return n >= 3 && p[i + 1] == 0x80 && p[i + 2] == 0x80 ? 3 : 0
        default:
            return 0
        }
    }

    /// Calls `body` with the byte range of every token of `text` split on Python whitespace
    /// (`str.split()`).
    @inline(__always)
    static func forEachToken(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        var i = 0, start = -1
        let n = text.count
        while i < n {
            let b = text[i]
            // Printable ASCII is never whitespace: skip the full check for most bytes.
            let w = (b > 0x20 && b < 0x80) ? 0 : whitespaceLength(text, at: i)
            if w > 0 {
                if start >= 0 { body(start, i); start = -1 }
                i += w
            } else {
                if start < 0 { start = i }
                i += 1
            }
        }
        if start >= 0 { body(start, n) }
    }

    /// Whether scalar `s` is Python whitespace (the same set as `whitespaceLength`).
    @inline(__always)
    static func isWhitespace(_ s: UInt32) -> Bool {
        if s < 0x80 { return s == 0x20 || (s >= 0x09 && s <= 0x0D) || (s >= 0x1C && s <= 0x1F) }
        switch s {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// The end index of `p` after removing trailing Python whitespace (`str.rstrip()`).
    static func rstrippedEnd(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        var end = p.count
        while end > 0 {
            let last = p[end - 1]
            if last < 0x80 {
                if whitespaceLength(p, at: end - 1) == 1 { end -= 1; continue }
                return end
            }
            // A multi-byte whitespace is 2 or 3 bytes long; try both starts.
            if end >= 2 && whitespaceLength(p, at: end - 2) == 2 { end -= 2; continue }
            if end >= 3 && whitespaceLength(p, at: end - 3) == 3 { end -= 3; continue }
            return end
        }
        return end
    }

    /// Whether `p` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF),
    /// the same rule as Python's strict `utf-8` codec.
    static func isValid(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = p.count
        while i < n {
            // Eight ASCII bytes at a time: most text is mostly ASCII.
            if i + 8 <= n && UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            @inline(__always) func cont(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
            switch b {
            case 0xC2...0xDF:
                guard cont(1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard cont(1), cont(2) else { return false }
                let b1 = p[i + 1]
                if b == 0xE0 && b1 < 0xA0 { return false }
                if b == 0xED && b1 >= 0xA0 { return false }
                i += 3
            case 0xF0...0xF4:
                guard cont(1), cont(2), cont(3) else { return false }
                let b1 = p[i + 1]
                if b == 0xF0 && b1 < 0x90 { return false }
                if b == 0xF4 && b1 >= 0x90 { return false }
                i += 4
            default:
                return false
            }
        }
        return true
    }

    /// Decodes the scalar starting at `i` of valid UTF-8 and returns it with its length.
    @inline(__always)
    static func decode(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: UInt32, length: Int) {
        let b = UInt32(p[i])
        if b < 0x80 { return (b, 1) }
        if b < 0xE0 { return ((b & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
        if b < 0xF0 {
            return ((b & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
        }
        return ((b & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
                | UInt32(p[i + 3] & 0x3F), 4)
    }

    /// Writes the UTF-8 encoding of `s` at `p` (room for 4 bytes) and returns its length.
    @inline(__always)
    static func encode(_ s: UInt32, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if s < 0x80 {
            p[0] = UInt8(s)
            return 1
        } else if s < 0x800 {
            p[0] = UInt8(0xC0 | s >> 6); p[1] = UInt8(0x80 | s & 0x3F)
            return 2
        } else if s < 0x10000 {
            p[0] = UInt8(0xE0 | s >> 12); p[1] = UInt8(0x80 | (s >> 6) & 0x3F); p[2] = UInt8(0x80 | s & 0x3F)
            return 3
        }
        p[0] = UInt8(0xF0 | s >> 18); p[1] = UInt8(0x80 | (s >> 12) & 0x3F)
        p[2] = UInt8(0x80 | (s >> 6) & 0x3F); p[3] = UInt8(0x80 | s & 0x3F)
        return 4
    }

    /// Appends the UTF-8 encoding of `s` to `out`.
    @inline(__always)
    static func encode(_ s: UInt32, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { p in
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[0..<encode(s, to: p.baseAddress!)]))
        }
    }

    /// Decodes valid UTF-8 into scalars, appending to `out`.
    static func decodeAll(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt32]) {
        var i = 0
        while i < p.count {
            let (s, len) = decode(p, at: i)
            out.append(s)
            i += len
        }
    }
}
