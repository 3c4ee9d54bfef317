import Foundation

/// Fixtures/sacrebleu_significance.json, written by
/// scripts/fixtures/make_significance_fixtures.py from sacreBLEU 2.6.0 and NumPy 2.
struct SignificanceFixture: Decodable {
    typealias Run = SacreBLEURun

    /// NumPy's `default_rng(seed)` streams.
    struct Stream: Decodable {
        let seed: String
        /// `bit_generator.random_raw(4)` as decimal strings.
        let raw: [String]
        /// `choice(1000, size=(2, 6))` flattened.
        let choice_1000: [Int]
        /// `choice(3, size=12)`.
        let choice_3: [Int]
        /// `integers(2, size=(2, 40), dtype=bool)` flattened, as 0/1.
        let bools: [Int]
    }

    /// sacreBLEU's score of a statistics row held as float32 and as Python ints (`repr`).
    struct ScoredRow: Decodable {
        let metric: String
        let stats: [Int]
        let float32: String
        let int: String
    }

    let files: [String: [String]]
    let runs: [Run]
    let numpy: [Stream]
    let float32_scores: [ScoredRow]

    static func load() throws -> SignificanceFixture {
        let url = Bundle.module.url(forResource: "Fixtures/sacrebleu_significance", withExtension: "json")!
        return try JSONDecoder().decode(SignificanceFixture.self, from: Data(contentsOf: url))
    }
}
