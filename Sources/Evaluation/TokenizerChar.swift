/// sacreBLEU's `char` tokenizer: `" ".join(line)`, so every code point becomes a token
/// (whitespace code points vanish when the result is split).
enum TokenizerChar {
    static func tokenize(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var i = 0
        while i < line.count {
            let b = line[i]
            let len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
            if i > 0 { out.append(0x20) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: line[i..<(i + len)]))
            i += len
        }
    }
}
