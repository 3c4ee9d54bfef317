/// sacreBLEU's `char` tokenizer: `" ".join(line)`, so every code point becomes a token
/// (whitespace code points vanish when the result is split).
enum TokenizerChar {
    static func tokenize(_ line: UnsafeBufferPointer<UInt8>, scratch: Tokenization.Scratch) -> UnsafeBufferPointer<UInt8> {
        let out = scratch.bytesA
        out.reserve(2 * line.count)
        var k = 0, i = 0
        while i < line.count {
            let b = line[i]
            let len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
            if i > 0 { out.base[k] = 0x20; k += 1 }
            for j in i..<(i + len) { out.base[k] = line[j]; k += 1 }
            i += len
        }
        out.count = k
        return out.view
    }
}
