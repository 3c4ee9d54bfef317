import Foundation
import Tensor
import Translation

/// A scorer that reads next-token probabilities from tables keyed by sentence and prefix
/// (the tokens after the leading eos), as fairseq's TestBaseDecoder reads `beam_probs`;
/// a prefix missing from the table ends the hypothesis (eos with probability 1, as
/// fairseq's decoder past the table's steps). Keying by prefix rather than by beam row
/// checks that `select` keeps each row with its own history.
final class ScriptedScorer: Scorer {
    let vocabularySize: Int
    let eosID: Int32
    let padID: Int32
    let maxSteps: Int
    let tables: [[[Int32]: [Float]]]

    /// The tokens each row was fed, starting with the eos of the first step.
    private(set) var fed: [[Int32]] = []
    /// Rows computed at each step since the last start.
    private(set) var rowsPerStep: [Int] = []
    private var sentence: [Int] = []              // the sentence of each row
    private var storage: TensorStorage?
    private var sourceLengths: [Int] = []
    private var attentionStorage: TensorStorage?
    private var sourceLength = 0

    /// Scripted attention: a row whose hypothesis so far is h attends (with probability
    /// 0.7, the rest spread evenly) to source position Σh mod (its source length), so that
    /// an alignment depends on the hypothesis a row holds.
    static func attendedPosition(_ history: [Int32], sourceTokens: Int) -> Int {
        Int(history.reduce(0, +)) % sourceTokens
    }

    init(vocabularySize: Int, eos: Int32, pad: Int32, maxSteps: Int = 100, tables: [[[Int32]: [Float]]]) {
        self.vocabularySize = vocabularySize
        eosID = eos
        padID = pad
        self.maxSteps = maxSteps
        self.tables = tables
    }

    func start(sources: [[Int32]], hypothesesPerSentence k: Int, steps: Int, options: ScoringOptions) throws {
        precondition(options.repetitionPenalty == 1 && options.temperature == 1, "scripted tables are probabilities")
        precondition(sources.count <= tables.count, "\(sources.count) sentences but \(tables.count) tables")
        sourceLengths = sources.map(\.count)
        sourceLength = sources.map(\.count).max()! + 1
        attentionStorage = options.attention ? TensorStorage(Shape(sources.count * k, sourceLength)) : nil
        precondition(steps <= maxSteps, "start: \(steps) steps, more than \(maxSteps)")
        fed = Array(repeating: [], count: sources.count * k)
        sentence = sources.indices.flatMap { Array(repeating: $0, count: k) }
        rowsPerStep = []
        storage = TensorStorage(Shape(sources.count * k, vocabularySize))
    }

    func step(tokens: [Int32]) -> Tensor {
        precondition(tokens.count == fed.count, "step: \(tokens.count) tokens for \(fed.count) rows")
        let out = Tensor(data: storage!.tensor.data, shape: Shape(tokens.count, vocabularySize))
        for (row, token) in tokens.enumerated() {
            precondition(!fed[row].isEmpty || token == eosID, "the first step must feed eos")
            fed[row].append(token)
            var probabilities = [Float](repeating: 0, count: vocabularySize)
            probabilities[Int(eosID)] = 1
            if let scripted = tables[sentence[row]][Array(fed[row].dropFirst())] { probabilities = scripted }
            for c in 0..<vocabularySize { out.data[row * vocabularySize + c] = log(probabilities[c]) }
            if let attentionStorage {
                // The source's eos at position n gets a share too; alignments must skip it.
                let n = sourceLengths[sentence[row]], a = attentionStorage.tensor.data + row * sourceLength
                a.update(repeating: 0, count: sourceLength)
                for j in 0...n { a[j] = 0.3 / Float(n + 1) }
                a[Self.attendedPosition(Array(fed[row].dropFirst()), sourceTokens: n)] += 0.7
            }
        }
        rowsPerStep.append(tokens.count)
        return out
    }

    var attention: Tensor? {
        attentionStorage.map { Tensor(data: $0.tensor.data, shape: Shape(fed.count, sourceLength)) }
    }

    func select(_ rows: [Int32]) {
        fed = rows.map { fed[Int($0)] }
        sentence = rows.map { sentence[Int($0)] }
    }
}

/// fairseq's test vocabulary: bos 0, pad 1, eos 2, unk 3, then the words w1 = 4, w2 = 5.
enum FairseqVocabulary {
    static let (pad, eos, unk, w1, w2): (Int32, Int32, Int32, Int32, Int32) = (1, 2, 3, 4, 5)
    static let size = 6

    /// A distribution in fairseq's table order (eos, unk, w1, w2); bos and pad get 0.
    static func p(_ eos: Float, _ unk: Float, _ w1: Float, _ w2: Float) -> [Float] { [0, 0, eos, unk, w1, w2] }

    /// The tables of fairseq's tests/utils.py sequence_generator_setup, keyed by the
    /// prefix each beam row holds (fairseq's comments name them).
    static let sequenceGeneratorTables: [[[Int32]: [Float]]] = [
        [
            []: p(0, 0, 0.9, 0.1),
            [w1]: p(1, 0, 0, 0),
            [w2]: p(0, 0, 0.9, 0.1),
            [w2, w1]: p(0, 0, 0.1, 0.9),
            [w2, w2]: p(0.6, 0, 0.2, 0.2),
            [w2, w1, w2]: p(1, 0, 0, 0),
            [w2, w1, w1]: p(1, 0, 0, 0),
        ],
        [
            []: p(0, 0, 0.7, 0.3),
            [w1]: p(0.25, 0, 0.35, 0.4),
            [w2]: p(0, 0, 0.1, 0.9),
            [w1, w2]: p(0.6, 0, 0.4, 0),
            [w2, w2]: p(0.01, 0, 0, 0.99),
            [w2, w2, w2]: p(0.1, 0, 0.5, 0.4),
            [w1, w2, w1]: p(1, 0, 0, 0),
        ],
    ]

    static func scorer(_ tables: [[[Int32]: [Float]]] = sequenceGeneratorTables) -> ScriptedScorer {
        ScriptedScorer(vocabularySize: size, eos: eos, pad: pad, tables: tables)
    }

    /// The two source sentences of fairseq's test (the scripted scorer ignores them).
    static let sources: [[Int32]] = [[w1, w2], [w1, w2]]
}
