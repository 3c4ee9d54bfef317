/// sacreBLEU 2.6.0's `BeamEditDistance` (sacrebleu/metrics/lib_ter.py): the word-level
/// Levenshtein distance from a hypothesis to a fixed reference, with unit costs, computed
/// only in a band ("beam") around the pseudo-diagonal `i · |ref| / |hyp|`, plus the trace of
/// edit operations. Cells outside the band stay at sacreBLEU's infinity (10^16).
///
/// sacreBLEU memoizes matrix rows in a trie of hypothesis prefixes. Row i depends only on
/// the first i hypothesis words, the reference and the band, and the band depends only on
/// the hypothesis length, which every shifted hypothesis of one TER computation shares; so
/// the trie changes speed, never a result. Here the matrix of the last hypothesis traced
/// (the one `_shift` starts from) is kept instead, and a shifted candidate starts from the
/// row after the prefix it shares with it.
struct BeamEditDistance {
    /// Edit operations, as lib_ter.py's one-letter codes.
    enum Operation: UInt8 {
        /// `' '`: the words are equal.
        case nop
        /// `'s'`.
        case substitution
        /// `'i'`: consumes a reference word.
        case insertion
        /// `'d'`: consumes a hypothesis word.
        case deletion
        /// `'x'`: a cell the band never reached.
        case undefined
    }

    /// `_INT_INFINITY`.
    static let infinity = 10_000_000_000_000_000
    /// `_BEAM_WIDTH`, tercom's.
    static let beamWidth = 25

    let reference: [UInt32]
    private var hypothesis: [UInt32] = []
    /// `(|hyp| + 1) × (|ref| + 1)` costs and operations of `hypothesis`, row-major.
    private var costs: [Int] = []
    private var operations: [Operation] = []
    /// Rolling rows for `distance(_:)`, kept at infinity outside the cells last written.
    private var rowA: [Int] = []
    private var rowB: [Int] = []

    init(reference: [UInt32]) {
        self.reference = reference
    }

    /// The band of columns computed in each row for hypotheses of `length` words: `_edit_distance`'s
    /// `length_ratio`, `beam_width` (widened when the lengths differ so much that consecutive
    /// rows would not overlap) and `min_j`/`max_j`; the last row is computed whole.
    private func band(row i: Int, length: Int) -> Range<Int> {
        let n = reference.count
        let ratio = length > 0 ? Double(n) / Double(length) : 1
        let beam = Double(Self.beamWidth) < ratio / 2 ? Int((ratio / 2 + Double(Self.beamWidth)).rounded(.up)) : Self.beamWidth
        let diagonal = Int((Double(i) * ratio).rounded(.down))
        let lower = max(0, diagonal - beam)
        let upper = i == length ? n + 1 : min(n + 1, diagonal + beam)
        return lower..<max(lower, upper)
    }

    /// One cell: no-op or substitution, then deletion, then insertion, each taken only when
    /// strictly cheaper (tercom's preference, with insertion and deletion swapped because the
    /// trace is flipped later).
    @inline(__always)
    private func cell(_ hypWord: UInt32, _ j: Int, diagonal: Int, above: Int, left: Int) -> (Int, Operation) {
        var cost = Self.infinity, operation = Operation.undefined
        let equal = hypWord == reference[j - 1]
        if cost > diagonal + (equal ? 0 : 1) {
            cost = diagonal + (equal ? 0 : 1)
            operation = equal ? .nop : .substitution
        }
        if cost > above + 1 {
            cost = above + 1
            operation = .deletion
        }
        if cost > left + 1 {
            cost = left + 1
            operation = .insertion
        }
        return (cost, operation)
    }

    /// The edit distance of `hyp` and its trace (`__call__`), keeping the matrix for
    /// `distance(_:)`.
    mutating func distanceAndTrace(_ hyp: [UInt32]) -> (distance: Int, trace: [Operation]) {
        let width = reference.count + 1, rows = hyp.count + 1
        hypothesis = hyp
        costs = [Int](repeating: Self.infinity, count: rows * width)
        operations = [Operation](repeating: .undefined, count: rows * width)
        // The first row inserts every reference word.
        for j in 0..<width {
            costs[j] = j
            operations[j] = .insertion
        }
        if hyp.count > 0 {
            for i in 1...hyp.count {
                let row = i * width, previous = row - width
                for j in band(row: i, length: hyp.count) {
                    if j == 0 {
                        costs[row] = costs[previous] + 1
                        operations[row] = .deletion
                    } else {
                        (costs[row + j], operations[row + j]) = cell(hyp[i - 1], j, diagonal: costs[previous + j - 1],
                                                                     above: costs[previous + j], left: costs[row + j - 1])
                    }
                }
            }
        }
        var trace: [Operation] = []
        var i = hyp.count, j = reference.count
        while i > 0 || j > 0 {
            let operation = operations[i * width + j]
            trace.append(operation)
            switch operation {
            case .nop, .substitution:
                i -= 1
                j -= 1
            case .insertion:
                j -= 1
            case .deletion:
                i -= 1
            case .undefined:
                // lib_ter.py raises here too; a finite cell never points at one.
                preconditionFailure("TER trace reached a cell outside the beam")
            }
        }
        return (costs[rows * width - 1], trace.reversed())
    }

    /// The edit distance of `hyp`, a permutation of the hypothesis last given to
    /// `distanceAndTrace` (so of the same length), from the rows of their common prefix on.
    mutating func distance(_ hyp: [UInt32]) -> Int {
        precondition(hyp.count == hypothesis.count, "BeamEditDistance: shifted hypothesis of another length")
        let width = reference.count + 1
        var shared = 0
        while shared < hyp.count && hyp[shared] == hypothesis[shared] { shared += 1 }
        if shared == hyp.count { return costs[costs.count - 1] }
        if rowA.count != width {
            rowA = [Int](repeating: Self.infinity, count: width)
            rowB = rowA
        }
        // rowA holds the stored row `shared` whole (infinity outside its band).
        for j in 0..<width { rowA[j] = costs[shared * width + j] }
        var previousBand = 0..<width
        var staleB = 0..<0
        for i in (shared + 1)...hyp.count {
            for j in staleB { rowB[j] = Self.infinity }
            let current = band(row: i, length: hyp.count)
            for j in current {
                if j == 0 {
                    rowB[0] = rowA[0] + 1
                } else {
                    rowB[j] = cell(hyp[i - 1], j, diagonal: rowA[j - 1], above: rowA[j], left: rowB[j - 1]).0
                }
            }
            swap(&rowA, &rowB)
            staleB = previousBand
            previousBand = current
        }
        let result = rowA[width - 1]
        // Leave both rows at infinity for the next call.
        for j in previousBand { rowA[j] = Self.infinity }
        for j in staleB { rowB[j] = Self.infinity }
        return result
    }
}
