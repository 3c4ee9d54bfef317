import Foundation

/// One sacreBLEU command line and what it printed, as the fixture scripts record it
/// (scripts/fixtures/make_significance_fixtures.py, make_ter_fixtures.py).
struct SacreBLEURun: Decodable {
    let name: String
    /// Extra environment (SACREBLEU_SEED); unset otherwise.
    let environment: [String: String]
    let references: [String]
    /// Files after `-i`, or nil for tab-separated systems on standard input.
    let systems: [String]?
    let stdin: String?
    let args: [String]
    let stdout: String

    /// Runs `bleu` with the same references, systems, options, input and environment, in
    /// `directory` (which holds the fixture's files), so system names are the same paths.
    func runBleu(in directory: URL) throws -> BleuExecutable.Result {
        try BleuExecutable.run(references + (systems.map { ["-i"] + $0 } ?? []) + args, stdin: stdin.map { Data($0.utf8) },
                               directory: directory, environment: environment)
    }

    /// Writes a fixture's files (name → lines) into `directory`, one line each.
    static func write(_ files: [String: [String]], to directory: URL) throws {
        for (name, lines) in files {
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: directory.appendingPathComponent(name))
        }
    }
}
