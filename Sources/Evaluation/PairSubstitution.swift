/// `re.sub` of a two-character pattern `(X)(Y)` whose replacement puts a space between the two
/// and, optionally, before or after them. Like Python's `re.sub`, matches are taken left to
/// right without overlap, so in "a.." only the first period is matched by `([^0-9])([\.,])`.
/// Shared by the 13a tokenizer (over bytes) and the intl tokenizer (over code points).
/// Writes at most twice as many units as it reads.
@inline(__always)
func substitutePairs<Unit: FixedWidthInteger>(_ src: UnsafeBufferPointer<Unit>, into dst: UnitBuffer<Unit>,
                                              first: (Unit) -> Bool, second: (Unit) -> Bool,
                                              spaceBefore: Bool, spaceAfter: Bool) {
    let n = src.count
    dst.reserve(2 * n)
    let out = dst.base
    var k = 0, i = 0
    while i < n {
        let c = src[i]
        if i + 1 < n && first(c) && second(src[i + 1]) {
            if spaceBefore { out[k] = 0x20; k += 1 }
            out[k] = c
            out[k + 1] = 0x20
            out[k + 2] = src[i + 1]
            k += 3
            if spaceAfter { out[k] = 0x20; k += 1 }
            i += 2
        } else {
            out[k] = c
            k += 1
            i += 1
        }
    }
    dst.count = k
}
