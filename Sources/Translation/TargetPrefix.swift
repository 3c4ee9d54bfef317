import Tensor

/// Target prefixes (CTranslate2's target_prefix): per sentence, ids its translation must
/// start with. Search forces them at the first steps (their log-probabilities count in the
/// score, unlike CTranslate2, which gives them 0) and searches on from there.
enum TargetPrefix {
    /// `prefixes` checked for search: one per source, or none at all (every prefix empty);
    /// each no longer than its sentence's maximum length and made of ids that can be
    /// forced (in the vocabulary, neither pad nor eos). Errors name sentence `numbers[i]`.
    static func validated(_ prefixes: [[Int32]], sources: [[Int32]], maxLengths: [Int], numbers: [Int],
                          vocabularySize v: Int, eos: Int32, pad: Int32) throws -> [[Int32]] {
        if prefixes.isEmpty { return Array(repeating: [], count: sources.count) }
        guard prefixes.count == sources.count else {
            throw SearchError.prefixCountMismatch(sources: sources.count, prefixes: prefixes.count)
        }
        for (i, prefix) in prefixes.enumerated() {
            if let position = prefix.firstIndex(where: { $0 < 0 || Int($0) >= v || $0 == eos || $0 == pad }) {
                throw SearchError.invalidPrefixToken(sentence: numbers[i], position: position, id: prefix[position],
                                                     vocabularySize: v)
            }
            guard prefix.count <= maxLengths[i] else {
                throw SearchError.prefixTooLong(sentence: numbers[i], tokens: prefix.count, maxLength: maxLengths[i])
            }
        }
        return prefixes
    }
}

/// fairseq's hard alignment (utils.extract_hard_alignment) for one target token.
enum HardAlignment {
    /// The source position in 0..<sourceTokens (the source's eos excluded, as fairseq
    /// excludes it) that row `row` of `attention` (rows, S) weighs most; ties go to the
    /// first. 0 for an empty source.
    static func source(_ attention: Tensor, row: Int, sourceTokens: Int) -> Int {
        let p = attention.data + row * attention.shape.last
        var best = 0
        for j in 0..<sourceTokens where p[j] > p[best] { best = j }
        return best
    }
}
