import Tensor

/// The rules fairseq's SequenceGenerator applies to each row of log-probabilities
/// before choosing tokens: pad is never generated; repeated n-grams are forbidden; eos
/// is forbidden before the minimum length; at the maximum length only eos remains, with
/// its own log-probability. Search and greedy decoding share them, so beam 1 and greedy
/// make the same choices.
struct StepConstraints {
    let eos: Int32
    let pad: Int32
    let minLength: Int
    let noRepeatNgram: Int

    init(options: SearchOptions, eos: Int32, pad: Int32) {
        self.eos = eos
        self.pad = pad
        minLength = options.minLen
        noRepeatNgram = options.noRepeatNgram
    }

    /// Rewrites one row (V) of log-probabilities at `step` (the number of tokens of
    /// `history`, the hypothesis so far without the leading eos).
    func apply(_ row: UnsafeMutablePointer<Float>, vocabularySize v: Int, step: Int, maxLength: Int, history: [Int32]) {
        let e = Int(eos)
        // fairseq turns NaN into -inf so that a broken row can never be chosen.
        var c = 0
        while c + 8 <= v {
            let block = load8(row + c)
            store8(block.replacing(with: -.infinity, where: block .!= block), row + c)
            c += 8
        }
        while c < v { if row[c].isNaN { row[c] = -.infinity }; c += 1 }
        if step >= maxLength {
            // The maximum length wins over every other rule: the hypothesis must end here.
            let eosScore = row[e]
            row.update(repeating: -.infinity, count: v)
            row[e] = eosScore
            return
        }
        row[Int(pad)] = -.infinity
        if noRepeatNgram > 0 { for token in bannedTokens(history) { row[Int(token)] = -.infinity } }
        if step < minLength { row[e] = -.infinity }
    }

    /// Tokens that would complete an n-gram already in eos + history (fairseq's
    /// _no_repeat_ngram, which includes the leading eos).
    func bannedTokens(_ history: [Int32]) -> [Int32] {
        let n = noRepeatNgram
        let h = [eos] + history
        guard h.count >= n - 1 else { return [] }
        let suffix = h[(h.count - (n - 1))...]
        var banned: [Int32] = []
        var i = 0
        while i + n <= h.count {
            if h[i..<(i + n - 1)].elementsEqual(suffix) { banned.append(h[i + n - 1]) }
            i += 1
        }
        return banned
    }
}
