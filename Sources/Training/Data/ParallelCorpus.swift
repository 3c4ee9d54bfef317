import Foundation
import Tokenizer

public enum CorpusError: Error, LocalizedError, Equatable {
    case lineCountsDiffer(source: String, sourceLines: Int, target: String, targetLines: Int)
    case empty(source: String, target: String)
    case unreadable(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .lineCountsDiffer(source, sourceLines, target, targetLines):
            "parallel corpus: \(source) has \(sourceLines) lines but \(target) has \(targetLines)"
        case let .empty(source, target): "parallel corpus \(source) / \(target) has no sentence pairs"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        }
    }
}

/// Line-aligned UTF-8 text files, one sentence per line.
public enum ParallelCorpus {
    /// The lines of a UTF-8 text file, or of standard input when `path` is nil or "-"
    /// (without newlines). Invalid UTF-8 is an error naming the file and the line.
    public static func readLines(_ path: String?) throws -> [String] {
        if let path, path != "-", !FileManager.default.fileExists(atPath: path) {
            throw CorpusError.unreadable(path: path, reason: "no such file")
        }
        let reader = try LineBlockReader(path: path)
        var lines: [String] = []
        try reader.forEachBlock { block in
            try block.validateUTF8(source: reader.source)
            for i in 0..<block.count { lines.append(String(decoding: block.line(i), as: UTF8.self)) }
        }
        return lines
    }

    /// Both sides' lines; throws when the files differ in length or hold no pair.
    public static func read(source: String, target: String) throws -> (source: [String], target: [String]) {
        let s = try readLines(source), t = try readLines(target)
        guard s.count == t.count else {
            throw CorpusError.lineCountsDiffer(source: source, sourceLines: s.count, target: target, targetLines: t.count)
        }
        guard !s.isEmpty else { throw CorpusError.empty(source: source, target: target) }
        return (s, t)
    }
}
