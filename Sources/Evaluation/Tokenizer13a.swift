/// sacreBLEU's `13a` tokenizer (mteval-v13a), pass for pass over UTF-8 bytes.
///
/// Every rule of the Python original looks only at ASCII characters or at "not an ASCII
/// digit"; the bytes of a multi-byte character are all non-ASCII, so applying the rules
/// to bytes gives the same result as applying them to code points.
enum Tokenizer13a {
    static func tokenize(_ line: UnsafeBufferPointer<UInt8>, scratch: Tokenization.Scratch) -> UnsafeBufferPointer<UInt8> {
        // Language-independent part, in the original's order; most lines need none of it.
        if line.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") || $0 == 0x0A }) {
            var s = Array(line), tmp: [UInt8] = []
            replace(&s, &tmp, "<skipped>", "")
            replace(&s, &tmp, "-\n", "")
            replace(&s, &tmp, "\n", " ")
            if s.contains(UInt8(ascii: "&")) {
                replace(&s, &tmp, "&quot;", "\"")
                replace(&s, &tmp, "&amp;", "&")
                replace(&s, &tmp, "&lt;", "<")
                replace(&s, &tmp, "&gt;", ">")
            }
            return s.withUnsafeBufferPointer { postTokenize($0, scratch) }
        }
        return postTokenize(line, scratch)
    }

    /// sacreBLEU's `TokenizerRegexp` applied to f" {line} ".
    private static func postTokenize(_ line: UnsafeBufferPointer<UInt8>, _ scratch: Tokenization.Scratch) -> UnsafeBufferPointer<UInt8> {
        let a = scratch.bytesA, b = scratch.bytesB
        a.reserve(3 * line.count + 2)
        let out = a.base
        var k = 0
        // Rules 2-4 can only match around these bytes; most lines have no dash at all.
        var hasPeriodOrComma = false, hasDash = false
        out[k] = 0x20; k += 1
        for c in line {
            if isPadded(c) {
                out[k] = 0x20; out[k + 1] = c; out[k + 2] = 0x20
                k += 3
            } else {
                hasPeriodOrComma = hasPeriodOrComma || isPeriodOrComma(c)
                hasDash = hasDash || c == UInt8(ascii: "-")
                out[k] = c
                k += 1
            }
        }
        out[k] = 0x20; k += 1
        a.count = k
        var result = a
        if hasPeriodOrComma {
            // Period and comma unless preceded by a digit: ([^0-9])([\.,]) -> "\1 \2 "
            substitutePairs(a.view, into: b, first: { !isDigit($0) }, second: isPeriodOrComma, spaceBefore: false, spaceAfter: true)
            // Period and comma unless followed by a digit: ([\.,])([^0-9]) -> " \1 \2"
            substitutePairs(b.view, into: a, first: isPeriodOrComma, second: { !isDigit($0) }, spaceBefore: true, spaceAfter: false)
        }
        if hasDash {
            // Dash after a digit: ([0-9])(-) -> "\1 \2 "
            substitutePairs(a.view, into: b, first: isDigit, second: { $0 == UInt8(ascii: "-") }, spaceBefore: false, spaceAfter: true)
            result = b
        }
        return result.view
    }

    /// `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: the characters padded with spaces.
    @inline(__always)
    private static func isPadded(_ c: UInt8) -> Bool {
        (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26)
            || (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    @inline(__always)
    private static func isPeriodOrComma(_ c: UInt8) -> Bool { c == 0x2E || c == 0x2C }

    /// Python's `str.replace(old, new)` (left to right, non-overlapping), from `s` through `tmp`
    /// back into `s`.
    private static func replace(_ s: inout [UInt8], _ tmp: inout [UInt8], _ old: StaticString, _ new: StaticString) {
        let o = UnsafeBufferPointer(start: old.utf8Start, count: old.utf8CodeUnitCount)
        guard let first = o.first, s.contains(first) else { return }
        let nw = UnsafeBufferPointer(start: new.utf8Start, count: new.utf8CodeUnitCount)
        tmp.removeAll(keepingCapacity: true)
        var i = 0
        let n = s.count, m = o.count
        var changed = false
        while i < n {
            if s[i] == first && i + m <= n && s[i..<(i + m)].elementsEqual(o) {
                tmp.append(contentsOf: nw)
                i += m
                changed = true
            } else {
                tmp.append(s[i])
                i += 1
            }
        }
        if changed { swap(&s, &tmp) }
    }
}
