/// `re.sub` of a two-character pattern `(X)(Y)` whose replacement puts a space between the two
/// and, optionally, before or after them. Like Python's `re.sub`, matches are taken left to
/// right without overlap, so in "a.." only the first period is matched by `([^0-9])([\.,])`.
/// Shared by the 13a tokenizer (over bytes) and the intl tokenizer (over code points).
@inline(__always)
func substitutePairs<Unit: FixedWidthInteger>(_ src: [Unit], into dst: inout [Unit],
                                              first: (Unit) -> Bool, second: (Unit) -> Bool,
                                              spaceBefore: Bool, spaceAfter: Bool) {
    dst.removeAll(keepingCapacity: true)
    let n = src.count
    var i = 0
    while i < n {
        let c = src[i]
        if i + 1 < n && first(c) && second(src[i + 1]) {
            if spaceBefore { dst.append(0x20) }
            dst.append(c)
            dst.append(0x20)
            dst.append(src[i + 1])
            if spaceAfter { dst.append(0x20) }
            i += 2
        } else {
            dst.append(c)
            i += 1
        }
    }
}
