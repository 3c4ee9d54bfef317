import Foundation

/// A text file that cannot be read or written. Messages name the file (and the line, for
/// text that is not UTF-8), as a user needs to fix it.
public enum FileIOError: Error, Equatable, LocalizedError {
    /// A file that does not exist, is a directory, or cannot be read.
    case unreadable(path: String, reason: String)
    /// A line that is not valid UTF-8 (lines are numbered from 1).
    case invalidUTF8(source: String, line: Int)
    /// gzip data that cannot be inflated: `offset` is the number of compressed bytes zlib
    /// had consumed when it found the fault (the fault lies just before it), or the file's
    /// length when the file ends inside a stream.
    case corruptCompressedData(path: String, offset: Int, reason: String)
    /// Output that could not be written.
    case writeFailed(path: String, reason: String)
    /// Two files that should be line-aligned (a parallel corpus) differ in length.
    case lineCountsDiffer(first: String, firstLines: Int, second: String, secondLines: Int)

    public var errorDescription: String? {
        switch self {
        case let .unreadable(path, reason): "\(path): cannot read (\(reason))"
        case let .invalidUTF8(source, line): "\(source):\(line): the line is not valid UTF-8"
        case let .corruptCompressedData(path, offset, reason):
            "\(path): corrupt gzip data at compressed byte offset \(offset) (\(reason))"
        case let .writeFailed(path, reason): "\(path): cannot write (\(reason))"
        case let .lineCountsDiffer(first, firstLines, second, secondLines):
            "parallel corpus: \(first) has \(firstLines) lines but \(second) has \(secondLines)"
        }
    }
}
