import Foundation

/// The bytes of an open file or stream, inflated as they are read when they are gzip.
///
/// gzip is recognised by its magic bytes (1f 8b) at the start of the stream, whatever the
/// file is called: `corpus.gz`, a compressed file without the suffix, and compressed text
/// piped to standard input are all read as text, and a file named `.gz` that holds plain
/// text is read as it is. (Text never starts with 1f: it is a control character.)
public final class InputBytes {
    private let descriptor: Int32
    /// The name used in error messages.
    public let source: String
    private enum Format { case undecided, plain, gzip(GzipInflater) }
    private var format = Format.undecided
    /// Bytes read from the descriptor and not handed on yet: the look-ahead that decided
    /// the format (plain), or compressed input waiting to be inflated (gzip).
    private let pending: UnsafeMutableRawBufferPointer
    private var pendingRange = 0..<0
    /// Bytes read from the descriptor so far, so that an error can name a compressed offset.
    private var bytesRead = 0

    /// Reads `descriptor`, which the caller keeps and closes; `source` names it in errors.
    public init(descriptor: Int32, source: String) {
        self.descriptor = descriptor
        self.source = source
        pending = .allocate(byteCount: 1 << 16, alignment: 16)
    }

    deinit { pending.deallocate() }

    /// Whether the stream is gzip (known once the first bytes are read; false before).
    public var isGzip: Bool {
        if case .gzip = format { return true }
        return false
    }

    /// Fills the start of `buffer` with the next bytes of the text (inflated, for gzip).
    /// - Returns: the number of bytes written, 0 only at the end of the text.
    /// - Throws: `FileIOError.unreadable` when reading fails, `.corruptCompressedData`
    ///   naming the compressed byte offset of a fault in gzip data or of a truncated end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !buffer.isEmpty else { return 0 }
        switch format {
        case .undecided:
            try decideFormat()
            // Empty input ends here: a second read of a terminal would wait for another end.
            return pendingRange.isEmpty ? 0 : try read(into: buffer)
        case .plain:
            guard pendingRange.isEmpty else {
                let count = min(buffer.count, pendingRange.count)
                buffer.baseAddress!.copyMemory(from: pending.baseAddress! + pendingRange.lowerBound, byteCount: count)
                pendingRange = (pendingRange.lowerBound + count)..<pendingRange.upperBound
                return count
            }
            // Straight into the caller's buffer: plain text is never copied twice.
            return try readDescriptor(into: buffer)
        case .gzip(let inflater):
            return try inflate(with: inflater, into: buffer)
        }
    }

    /// Reads the first bytes and decides the format from them.
    private func decideFormat() throws {
        var count = try readDescriptor(into: pending)
        // A pipe may deliver one byte at a time; a first 0x1f needs the second to decide.
        // (Any other first byte decides at once, so an interactive user's line is not held.)
        while count == 1 && pending[0] == 0x1F {
            let more = try readDescriptor(into: UnsafeMutableRawBufferPointer(rebasing: pending[1...]))
            if more == 0 { break }
            count += more
        }
        pendingRange = 0..<count
        format = count >= 2 && pending[0] == 0x1F && pending[1] == 0x8B ? .gzip(try GzipInflater(source: source)) : .plain
    }

    private func inflate(with inflater: GzipInflater, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            if pendingRange.isEmpty {
                let count = try readDescriptor(into: pending)
                if count == 0 {
                    guard inflater.isBetweenMembers else {
                        throw FileIOError.corruptCompressedData(
                            path: source, offset: bytesRead, reason: "the file ends inside a gzip stream; it is truncated")
                    }
                    return 0
                }
                pendingRange = 0..<count
            }
            let input = UnsafeRawBufferPointer(rebasing: pending[pendingRange])
            let (consumed, produced) = try inflater.inflate(input, into: buffer, inputOffset: bytesRead - pendingRange.count)
            pendingRange = (pendingRange.lowerBound + consumed)..<pendingRange.upperBound
            // A gzip header or trailer alone produces nothing; read on until text comes.
            if produced > 0 { return produced }
        }
    }

    private func readDescriptor(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Foundation.read(descriptor, buffer.baseAddress!, buffer.count)
            if count >= 0 {
                bytesRead += count
                return count
            }
            if errno != EINTR {
                throw FileIOError.unreadable(path: source, reason: String(cString: strerror(errno)))
            }
        }
    }
}

extension InputBytes {
    /// Whether the file at `path` starts with gzip's magic bytes (false for a file that
    /// cannot be read: opening it for real then reports why).
    public static func isGzip(path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var magic: (UInt8, UInt8) = (0, 0)
        let count = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress!, 2, 0) }
        return count == 2 && magic == (0x1F, 0x8B)
    }

    /// Every byte of the text in `descriptor` (inflated, for gzip).
    public func readAll() throws -> [UInt8] {
        var result: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try read(into: chunk)
            if count == 0 { return result }
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        }
    }
}
