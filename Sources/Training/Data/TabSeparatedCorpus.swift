import FileIO

/// A parallel corpus in one file, one pair per line: the source, a tab, the target (what
/// OPUS's and Marian's TSV bitexts hold, with the columns in that order).
enum TabSeparatedCorpus {
    /// Both sides of every well-formed line, in file order; `report.read` counts the lines.
    /// With `skipInvalid`, a line that is not UTF-8 or has not exactly one tab is skipped
    /// and counted in `report` (`invalidUTF8`, `wrongFieldCount`); without, it is an error.
    /// - Throws: `FileIOError` for an unreadable file or (without `skipInvalid`) a line that
    ///   is not UTF-8; `CorpusError.wrongFieldCount` naming the file and line.
    static func read(_ path: String, skipInvalid: Bool, report: inout CorpusReport) throws -> (source: [String], target: [String]) {
        var sides: (source: [String], target: [String]) = ([], [])
        let reader = try TextFile.reader(path)
        try reader.forEachBlock { block in
            // One check of the whole block is the common case; lines are checked one by one
            // only when it fails, so that faults are met (and reported) in line order.
            let checkEachLine = skipInvalid || (try? block.validateUTF8(source: reader.source)) == nil
            for i in 0..<block.count {
                let line = block.line(i)
                report.read += 1
                if checkEachLine && String(validating: line.bindMemory(to: UInt8.self), as: UTF8.self) == nil {
                    guard skipInvalid else { throw FileIOError.invalidUTF8(source: reader.source, line: block.firstLine + i) }
                    report.dropped[.invalidUTF8, default: 0] += 1
                    continue
                }
                // A tab is ASCII, so it never sits inside a UTF-8 sequence: both fields
                // of a valid line are valid.
                guard let tab = line.firstIndex(of: 0x09), !line[(tab + 1)...].contains(0x09) else {
                    guard skipInvalid else {
                        let fields = line.reduce(1) { $1 == 0x09 ? $0 + 1 : $0 }
                        throw CorpusError.wrongFieldCount(path: reader.source, line: block.firstLine + i, fields: fields)
                    }
                    report.dropped[.wrongFieldCount, default: 0] += 1
                    continue
                }
                sides.source.append(String(decoding: UnsafeRawBufferPointer(rebasing: line[..<tab]), as: UTF8.self))
                sides.target.append(String(decoding: UnsafeRawBufferPointer(rebasing: line[(tab + 1)...]), as: UTF8.self))
            }
        }
        return sides
    }
}
