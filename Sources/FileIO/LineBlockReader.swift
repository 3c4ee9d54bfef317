import Foundation

/// A block of whole lines read from a text stream, without their newlines.
public struct LineBlock {
    /// The bytes of the block, newlines included (valid only during the call that
    /// receives the block).
    public let bytes: UnsafeRawBufferPointer
    /// The number of the block's first line in its stream, counting from 1.
    public let firstLine: Int
    /// The end offset of each line (its newline's offset, or the block's end for a last
    /// line without newline). A final newline ends the last line and opens no other.
    private let ends: [Int]

    init(bytes: UnsafeRawBufferPointer, firstLine: Int) {
        self.bytes = bytes
        self.firstLine = firstLine
        var ends: [Int] = []
        var start = 0
        let base = bytes.baseAddress
        while start < bytes.count {
            if let newline = memchr(base! + start, 0x0A, bytes.count - start) {
                let end = base!.distance(to: UnsafeRawPointer(newline))
                ends.append(end)
                start = end + 1
            } else {
                ends.append(bytes.count)
                start = bytes.count
            }
        }
        self.ends = ends
    }

    /// The number of lines in the block.
    public var count: Int { ends.count }

    /// The bytes of line `index` (0-based within the block), without its newline.
    public func line(_ index: Int) -> UnsafeRawBufferPointer {
        let start = index == 0 ? 0 : ends[index - 1] + 1
        return UnsafeRawBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// Throws `FileIOError.invalidUTF8` naming the first of `lines` (all lines by
    /// default) that is not UTF-8.
    public func validateUTF8(source: String, lines: Range<Int>? = nil) throws {
        let lines = lines ?? 0..<count
        guard !lines.isEmpty else { return }
        // One pass over all the lines is the common case; lines are checked one by one only
        // to find the culprit. Newlines are ASCII, so no character spans two lines.
        let start = lines.lowerBound == 0 ? 0 : ends[lines.lowerBound - 1] + 1
        let span = UnsafeRawBufferPointer(rebasing: bytes[start..<ends[lines.upperBound - 1]])
        if isUTF8(span) { return }
        for index in lines where !isUTF8(line(index)) {
            throw FileIOError.invalidUTF8(source: source, line: firstLine + index)
        }
    }

    private func isUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) != nil
    }
}

/// Reads a file or standard input in large blocks of whole lines, so that per-line work
/// needs neither a system call nor a String. gzip-compressed text is inflated as it is
/// read (`InputBytes`: recognised by its magic bytes); line numbers count its lines.
public final class LineBlockReader {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// The name used in error messages: the path, or "<stdin>".
    public let source: String
    private var blockSize: Int
    private lazy var input = InputBytes(descriptor: descriptor, source: source)

    /// Whether the text is gzip-compressed (known once the first block is read).
    public var isGzip: Bool { input.isGzip }

    /// Opens `path`, or standard input when `path` is nil or "-".
    /// - Throws: `FileIOError.unreadable` naming the file.
    public init(path: String?, blockSize: Int = 1 << 22) throws {
        self.blockSize = blockSize
        if let path, path != "-" {
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                throw FileIOError.unreadable(
                    path: path, reason: String(cString: strerror(errno)))
            }
            var status = stat()
            if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
                close(descriptor)
                throw FileIOError.unreadable(path: path, reason: "is a directory")
            }
            self.descriptor = descriptor
            ownsDescriptor = true
            source = path
        } else {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
            source = "<stdin>"
        }
    }

    /// Reads from `descriptor`, an open file the caller keeps and closes; `source` names
    /// it in errors.
    public init(descriptor: Int32, source: String, blockSize: Int = 1 << 22) {
        self.blockSize = blockSize
        self.descriptor = descriptor
        ownsDescriptor = false
        self.source = source
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Calls `body` with consecutive blocks of whole lines until the end of the stream.
    /// A line longer than a block grows the block rather than being split.
    /// - Throws: `FileIOError.unreadable`, `.corruptCompressedData` (naming the compressed
    ///   byte offset), or what `body` throws.
    public func forEachBlock(_ body: (LineBlock) throws -> Void) throws {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        var nextLine = 1
        var atEnd = false
        while !atEnd {
            let count = try input.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            atEnd = count == 0
            filled += count
            // Hand out everything up to the last newline; keep the partial line.
            let searched = UnsafeRawBufferPointer(start: buffer.baseAddress, count: filled)
            let usable = atEnd ? filled : (lastNewline(in: searched).map { $0 + 1 } ?? 0)
            if usable == 0 && filled == buffer.count {
                let larger = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: buffer.count * 2, alignment: 16)
                larger.copyMemory(from: searched)
                buffer.deallocate()
                buffer = larger
                continue
            }
            if usable > 0 {
                let block = LineBlock(
                    bytes: UnsafeRawBufferPointer(rebasing: searched[..<usable]),
                    firstLine: nextLine)
                try body(block)
                nextLine += block.count
                memmove(buffer.baseAddress!, buffer.baseAddress! + usable, filled - usable)
                filled -= usable
            }
        }
    }

    private func lastNewline(in bytes: UnsafeRawBufferPointer) -> Int? {
        // Backwards from the end: the last line is short compared with the block.
        bytes.lastIndex(of: 0x0A)
    }
}
