import FileIO
import Foundation

public enum CorpusError: Error, LocalizedError, Equatable {
    case empty(source: String, target: String)
    case unreadable(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .empty(source, target): "parallel corpus \(source) / \(target) has no sentence pairs"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        }
    }
}

/// Line-aligned UTF-8 text files, one sentence per line.
public enum ParallelCorpus {
    /// Both sides' lines; throws when the files differ in length (`TextFile.readAligned`)
    /// or hold no pair.
    public static func read(source: String, target: String) throws -> (source: [String], target: [String]) {
        let (s, t) = try TextFile.readAligned(source, target)
        guard !s.isEmpty else { throw CorpusError.empty(source: source, target: target) }
        return (s, t)
    }
}
