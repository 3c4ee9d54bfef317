/// Python's `str.lower()` over UTF-8 bytes: the full Unicode lowercase mapping plus the
/// final-sigma rule, which sacreBLEU inherits for `--lowercase`.
enum Lowercase {
    /// Appends the lowercased form of `line` to `out`.
    static func apply(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var ascii = true
        for b in line where b >= 0x80 { ascii = false; break }
        if ascii {
            for b in line { out.append(b &+ ((b &- 0x41) < 26 ? 0x20 : 0)) }
            return
        }
        var scalars: [UInt32] = []
        scalars.reserveCapacity(line.count)
        UTF8Text.decodeAll(line, into: &scalars)
        for (i, s) in scalars.enumerated() {
            if s < 0x80 {
                out.append(UInt8(s) &+ ((UInt8(s) &- 0x41) < 26 ? 0x20 : 0))
            } else if s == 0x3A3 {
                UTF8Text.encode(isFinalSigma(scalars, at: i) ? 0x3C2 : 0x3C3, into: &out)
            } else {
                for l in Unicode.Scalar(s)!.properties.lowercaseMapping.unicodeScalars {
                    UTF8Text.encode(l.value, into: &out)
                }
            }
        }
    }

    /// Unicode's Final_Sigma context as CPython tests it: a cased letter before (skipping
    /// case-ignorable ones) and no cased letter after.
    private static func isFinalSigma(_ s: [UInt32], at i: Int) -> Bool {
        func props(_ v: UInt32) -> Unicode.Scalar.Properties { Unicode.Scalar(v)!.properties }
        var j = i - 1
        while j >= 0 && props(s[j]).isCaseIgnorable { j -= 1 }
        guard j >= 0 && props(s[j]).isCased else { return false }
        j = i + 1
        while j < s.count && props(s[j]).isCaseIgnorable { j += 1 }
        return j == s.count || !props(s[j]).isCased
    }
}
