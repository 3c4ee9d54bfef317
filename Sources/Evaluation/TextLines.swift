#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines of UTF-8 text held in one byte buffer, so that scoring never builds a `String`
/// per line. Lines are validated UTF-8.
public struct TextLines: Sendable {
    /// Where the text came from; used in error messages.
    public let source: String
    private let storage: ByteStorage
    let starts: [Int]
    let ends: [Int]

    /// The number of lines.
    public var count: Int { starts.count }

    /// Lines from strings given in memory (no splitting; a string is one segment).
    public init(_ lines: [String], source: String = "<memory>") {
        var bytes: [UInt8] = []
        var starts: [Int] = [], ends: [Int] = []
        starts.reserveCapacity(lines.count)
        ends.reserveCapacity(lines.count)
        for line in lines {
            starts.append(bytes.count)
            bytes.append(contentsOf: line.utf8)
            ends.append(bytes.count)
        }
        self.source = source
        storage = ByteStorage(bytes)
        self.starts = starts
        self.ends = ends
    }

    /// Splits `bytes` into lines the way sacreBLEU reads them: files on `\n` only, standard
    /// input with universal newlines (`\n`, `\r\n`, `\r`); a last line without a newline
    /// counts; trailing Python whitespace is removed from every line (sacreBLEU's `rstrip`).
    /// - Throws: `EvaluationError.invalidUTF8` with the 1-based line number.
    public init(bytes: [UInt8], source: String, universalNewlines: Bool = false) throws {
        var starts: [Int] = [], ends: [Int] = []
        try bytes.withUnsafeBufferPointer { p in
            var start = 0, i = 0
            let n = p.count
            func finish(_ end: Int) throws {
                let line = UnsafeBufferPointer(rebasing: p[start..<end])
                guard UTF8Text.isValid(line) else {
                    throw EvaluationError.invalidUTF8(path: source, line: starts.count + 1)
                }
                starts.append(start)
                ends.append(start + UTF8Text.rstrippedEnd(line))
            }
            while i < n {
                let b = p[i]
                if b == 0x0A {
                    try finish(i)
                    i += 1
                    start = i
                } else if b == 0x0D && universalNewlines {
                    try finish(i)
                    i += (i + 1 < n && p[i + 1] == 0x0A) ? 2 : 1
                    start = i
                } else {
                    i += 1
                }
            }
            if start < n { try finish(n) }
        }
        self.source = source
        storage = ByteStorage(bytes)
        self.starts = starts
        self.ends = ends
    }

    /// Reads and splits a file (see `init(bytes:source:universalNewlines:)`).
    /// - Throws: `EvaluationError.unreadableFile` or `.invalidUTF8`.
    public init(contentsOf path: String) throws {
        try self.init(bytes: try Self.readAll(path: path), source: path)
    }

    /// Reads and splits standard input with universal newlines, as sacreBLEU does.
    public static func standardInput() throws -> TextLines {
        try TextLines(bytes: try readAll(fd: 0, source: "<stdin>"), source: "<stdin>", universalNewlines: true)
    }

    /// Line `i` as a `String`.
    public subscript(i: Int) -> String {
        String(decoding: line(i), as: UTF8.self)
    }

    /// Line `i`'s bytes; valid while this value (its storage) is alive.
    @inline(__always)
    func line(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage.base + starts[i], count: ends[i] - starts[i])
    }

    private static func readAll(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw EvaluationError.unreadableFile(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        return try readAll(fd: fd, source: path)
    }

    private static func readAll(fd: Int32, source: String) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw EvaluationError.unreadableFile(path: source, reason: String(cString: strerror(errno)))
            }
            if got == 0 { return result }
            result.append(contentsOf: chunk[0..<got])
        }
    }
}

/// Immutable bytes at a stable address, so that lines can be handed out as pointers for as
/// long as the storage lives. Never written after `init`, hence safe to share between threads.
final class ByteStorage: @unchecked Sendable {
    // @unchecked: the bytes are never written after `init`.
    let base: UnsafeMutablePointer<UInt8>

    init(_ bytes: [UInt8]) {
        base = .allocate(capacity: max(1, bytes.count))
        bytes.withUnsafeBufferPointer { if let source = $0.baseAddress { base.update(from: source, count: $0.count) } }
    }

    deinit { base.deallocate() }
}
