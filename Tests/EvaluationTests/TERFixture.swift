@testable import Evaluation
import Foundation

/// Fixtures/sacrebleu_ter.json, written by scripts/fixtures/make_ter_fixtures.py from
/// sacreBLEU 2.6.0's TER.
struct TERFixture: Decodable {
    /// sacreBLEU's `TER(...)` keyword arguments.
    struct Options: Decodable {
        let normalized: Bool
        let no_punct: Bool
        let asian_support: Bool
        let case_sensitive: Bool

        var ter: TER.Options {
            TER.Options(normalized: normalized, noPunct: no_punct, asianSupport: asian_support, caseSensitive: case_sensitive)
        }
    }

    /// One corpus scored with one set of options.
    struct Case: Decodable {
        struct Sentence: Decodable {
            /// `repr(score)`.
            let score: String
            let line: String
        }

        let name: String
        let options: Options
        let hypotheses: [String]
        let references: [[String]]
        /// Hypotheses as TER compares them: preprocessed once.
        let hypothesis_tokens: [String]
        /// `reference_tokens[k][i]`: references preprocessed twice, as sacreBLEU does.
        let reference_tokens: [[String]]
        /// Per segment: best edits and `repr` of the average reference length.
        let statistics: [TERStatistic]
        let signature: String
        let short_signature: String
        /// `repr` of the corpus score and of the summed average reference length.
        let score: String
        let num_edits: Int
        let ref_length: String
        /// Printed with width 2 and the signature, width 3 and the short signature, and as
        /// JSON with width 1.
        let line: String
        let short_line: String
        let json: String
        let sentences: [Sentence]
        /// Whether preprocessing a reference twice gives what preprocessing it once does.
        let tokenizer_is_idempotent: Bool
    }

    /// `[edits, "repr(average length)"]`.
    struct TERStatistic: Decodable {
        let edits: Int
        let averageLength: String

        init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            edits = try container.decode(Int.self)
            averageLength = try container.decode(String.self)
        }
    }

    /// The TercomTokenizer on each text under each of the 16 option sets.
    struct Tokenizer: Decodable {
        struct Run: Decodable {
            let options: Options
            let outputs: [String]
        }
        let texts: [String]
        let runs: [Run]
    }

    typealias Run = SacreBLEURun

    let sacrebleu_version: String
    let cases: [Case]
    let tokenizer: Tokenizer
    let files: [String: [String]]
    let runs: [Run]

    static func load() throws -> TERFixture {
        let url = Bundle.module.url(forResource: "Fixtures/sacrebleu_ter", withExtension: "json")!
        return try JSONDecoder().decode(TERFixture.self, from: Data(contentsOf: url))
    }
}
