import Foundation
import Testing
import TestSupport

/// `bleu` reads gzip-compressed references and hypotheses (through FileIO, in the
/// executable: Evaluation itself depends on nothing) and prints what it prints for the
/// plain files; a corrupt file is bad input naming the file and the compressed offset.
@Suite(.timeLimit(.minutes(10))) struct GzipInputTests {
    static let reference = (0..<200).map { "The quick brown fox \($0) jumps over the lazy dog number \($0 % 7)." }
    static let hypotheses = [
        (0..<200).map { "The quick brown fox \($0) jumped over a lazy dog number \($0 % 5)." },
        (0..<200).map { "A fast brown fox \($0) jumps over the dog \($0 % 7)." },
    ]

    static func directory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bleu-gzip-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `lines` as `name` and gzip-compressed as `name.gz`; returns both paths.
    static func write(_ lines: [String], _ name: String, in directory: URL) throws -> (plain: String, gzip: String) {
        let text = Data(lines.map { $0 + "\n" }.joined().utf8)
        let plain = directory.appendingPathComponent(name), compressed = directory.appendingPathComponent(name + ".gz")
        try text.write(to: plain)
        try gzipCompressed(text).write(to: compressed)
        return (plain.path, compressed.path)
    }

    @Test func gzipFilesScoreAsThePlainFiles() throws {
        let dir = try Self.directory("same")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ref = try Self.write(Self.reference, "ref.txt", in: dir)
        let a = try Self.write(Self.hypotheses[0], "a.txt", in: dir), b = try Self.write(Self.hypotheses[1], "b.txt", in: dir)
        for options in [["-m", "bleu", "chrf", "ter"], ["-sl"]] {
            let plain = try BleuExecutable.run([ref.plain, "-i", a.plain] + options)
            let compressed = try BleuExecutable.run([ref.gzip, "-i", a.gzip] + options)
            #expect(plain.status == 0 && !plain.stdout.isEmpty && compressed.stdout == plain.stdout, "\(compressed.stderr)")
        }
        // Several systems are named by their paths; the scores are the plain files'.
        let plain = try BleuExecutable.run([ref.plain, "-i", a.plain, b.plain, "--paired-bs", "-f", "json"])
        let compressed = try BleuExecutable.run([ref.gzip, "-i", a.gzip, b.gzip, "--paired-bs", "-f", "json"])
        #expect(compressed.status == 0 && compressed.stdout.replacingOccurrences(of: ".gz", with: "") == plain.stdout,
                "\(compressed.stderr)")
        let piped = try BleuExecutable.run([ref.gzip], stdin: try Data(contentsOf: URL(fileURLWithPath: a.gzip)))
        #expect(piped.stdout == (try BleuExecutable.run([ref.plain, "-i", a.plain])).stdout, "\(piped.stderr)")
    }

    @Test func aCorruptGzipFileIsBadInputNamingItsOffset() throws {
        let dir = try Self.directory("corrupt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ref = try Self.write(Self.reference, "ref.txt", in: dir)
        var damaged = try Data(contentsOf: URL(fileURLWithPath: ref.gzip))
        damaged[10] = 0x07  // the first deflate block of the reserved type 3
        try damaged.write(to: URL(fileURLWithPath: ref.gzip))
        let result = try BleuExecutable.run([ref.gzip, "-i", ref.plain])
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr == "bleu: error: cannot read '\(ref.gzip)': corrupt gzip data at compressed byte offset 11 (invalid block type)\n")
    }
}
