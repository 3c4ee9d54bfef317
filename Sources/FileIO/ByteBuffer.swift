import Foundation

/// A growable byte array with cheap appends of bytes and decimal integers: the output side
/// of encoding, where Array's per-append checks and String interpolation would dominate.
public final class ByteBuffer {
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    /// The number of bytes written.
    public private(set) var count = 0

    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 16)
        storage = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// The bytes written so far (valid until the next mutation).
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

    public func removeAll() { count = 0 }

    private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var larger = capacity * 2
        while larger < count + extra { larger *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: 16)
        grown.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = grown
        capacity = larger
    }

    public func append(_ byte: UInt8) {
        reserve(1)
        storage.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    public func append(_ source: UnsafeRawBufferPointer) {
        guard !source.isEmpty else { return }
        reserve(source.count)
        (storage + count).copyMemory(from: source.baseAddress!, byteCount: source.count)
        count += source.count
    }

    /// Appends `value` in decimal, as printf's %d writes it.
    public func append(decimal value: Int32) {
        reserve(11)
        var magnitude = value.magnitude
        if value < 0 { append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64) = (0, 0)  // up to 10 digits, reversed, as scratch
        var length = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[length] = UInt8(truncatingIfNeeded: magnitude % 10) + UInt8(ascii: "0")
                magnitude /= 10
                length += 1
            } while magnitude > 0
            for index in 0..<length {
                storage.storeBytes(of: scratch[length - 1 - index], toByteOffset: count + index,
                                   as: UInt8.self)
            }
        }
        count += length
    }
}

/// Collects output in memory and writes it to a file descriptor in large blocks.
public final class BufferedWriter {
    private let descriptor: Int32
    /// What error messages call the output.
    private let name: String
    private let flushThreshold: Int
    /// Where output is appended; `flushIfFull` or `flush` writes it out.
    public let buffer = ByteBuffer(capacity: 1 << 20)

    /// Writes to `descriptor` (standard output by default) once `flushThreshold` bytes wait.
    public init(descriptor: Int32 = STDOUT_FILENO, name: String = "<stdout>", flushThreshold: Int = 1 << 20) {
        self.descriptor = descriptor
        self.name = name
        self.flushThreshold = flushThreshold
    }

    public func flushIfFull() throws {
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Writes everything buffered.
    /// - Throws: `FileIOError.writeFailed` when the descriptor refuses the bytes.
    public func flush() throws {
        var offset = 0
        let bytes = buffer.bytes
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileIOError.writeFailed(path: name, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        buffer.removeAll()
    }
}
