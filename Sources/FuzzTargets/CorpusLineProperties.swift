import FileIO
import Foundation

/// Properties of corpus reading: `LineBlockReader` in small blocks (so that lines cross
/// block boundaries and blocks grow) and `LineBlock.validateUTF8`; input that starts with
/// gzip's magic bytes goes through the inflater.
enum CorpusLineProperties {
    /// The blocks' lines joined by newlines are the input (less one final newline); their
    /// count is the number of newlines, plus one for a last line without one; validation
    /// fails exactly when a line is not UTF-8, naming the first such line. Input that
    /// starts as gzip is inflated: it reads to the end or fails with the error that names
    /// a compressed offset within the input, and never otherwise.
    static func check(_ bytes: [UInt8]) throws {
        if bytes.starts(with: [0x1F, 0x8B]) { return try checkGzip(bytes) }
        let blockSize = 1 + Int(bytes.first ?? 0) % 64
        var lines: [[UInt8]] = []
        var reported: Int?
        try ScratchFile.shared.withDescriptor(holding: bytes) { file in
            let reader = LineBlockReader(descriptor: file, source: "<fuzz>", blockSize: blockSize)
            try reader.forEachBlock { block in
                try require(block.firstLine == lines.count + 1,
                            "a block starts at line \(block.firstLine) after \(lines.count) lines")
                for i in 0..<block.count { lines.append(Array(block.line(i))) }
                do { try block.validateUTF8(source: "<fuzz>") } catch FileIOError.invalidUTF8(_, let line) {
                    if reported == nil { reported = line }
                }
            }
        }
        var joined = lines.joined(separator: [0x0A]).map { $0 }
        if bytes.last == 0x0A { joined.append(0x0A) }
        try require(joined == bytes, "the lines read do not join to the input")
        let newlines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let expectedCount = newlines + (bytes.isEmpty || bytes.last == 0x0A ? 0 : 1)
        try require(lines.count == expectedCount, "\(lines.count) lines read, \(expectedCount) expected")
        let firstInvalid = lines.firstIndex { String(validating: $0, as: UTF8.self) == nil }.map { $0 + 1 }
        try require(reported == firstInvalid,
                    "validation named line \(reported.map(String.init) ?? "none"), the first invalid is \(firstInvalid.map(String.init) ?? "none")")
    }
}

extension CorpusLineProperties {
    static func checkGzip(_ bytes: [UInt8]) throws {
        try ScratchFile.shared.withDescriptor(holding: bytes) { file in
            let reader = LineBlockReader(descriptor: file, source: "<fuzz>", blockSize: 1 + Int(bytes.count % 64))
            do {
                try reader.forEachBlock { _ in }
            } catch FileIOError.corruptCompressedData(let source, let offset, _) {
                try require(source == "<fuzz>" && (0...bytes.count).contains(offset),
                            "a gzip fault at offset \(offset) of \(bytes.count) bytes, in \(source)")
            }
            try require(reader.isGzip, "input starting with 1f 8b was not read as gzip")
        }
    }
}

/// One temporary file per process, rewritten for every input, so that file reading is
/// fuzzed through a real descriptor without a file per input.
final class ScratchFile: @unchecked Sendable {
    // @unchecked: a fuzzer runs one input at a time, so one thread uses the file at a time.
    static let shared = ScratchFile()
    private let descriptor: Int32
    private let lock = NSLock()

    private init() {
        var template = Array((NSTemporaryDirectory() + "/nmt-fuzz-XXXXXX").utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(descriptor >= 0, "cannot create a temporary file: \(String(cString: strerror(errno)))")
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    }

    /// Calls `body` with the descriptor, positioned at the start of a file holding exactly
    /// `bytes`; one caller at a time (tests run in parallel).
    func withDescriptor<T>(holding bytes: [UInt8], _ body: (Int32) throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        try require(written == bytes.count && ftruncate(descriptor, off_t(bytes.count)) == 0
                    && lseek(descriptor, 0, SEEK_SET) == 0,
                    "cannot rewrite the scratch file: \(String(cString: strerror(errno)))")
        return try body(descriptor)
    }
}
