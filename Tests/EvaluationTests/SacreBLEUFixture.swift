import Foundation

/// One case of Fixtures/sacrebleu_cases.json, written by scripts/fixtures/make_bleu_fixtures.py
/// from sacreBLEU's own results.
struct SacreBLEUCase: Decodable {
    struct Expected: Decodable {
        let score: Double
        let score_2: String
        let counts: [Int]?
        let totals: [Int]?
        let sys_len: Int?
        let ref_len: Int?
        let line: String
        let short_line: String
        let json: String
    }

    let name: String
    let metric: String
    let hypotheses: [String]
    let references: [[String]]
    let sentence_level: Bool
    let signature: String
    let expected: [Expected]
    // BLEU
    let tokenize: String?
    let lowercase: Bool?
    let smooth_method: String?
    let smooth_value: Double?
    // chrF
    let char_order: Int?
    let word_order: Int?
    let whitespace: Bool?
    let eps_smoothing: Bool?

    static func loadAll() throws -> [SacreBLEUCase] {
        struct File: Decodable { let cases: [SacreBLEUCase] }
        let url = Bundle.module.url(forResource: "Fixtures/sacrebleu_cases", withExtension: "json")!
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }
}
