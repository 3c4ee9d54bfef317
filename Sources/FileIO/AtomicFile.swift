import Foundation
import Glibc

/// Why an atomic write failed; the destination was left as it was.
public struct AtomicWriteError: Error, LocalizedError {
    public let reason: String
    public var errorDescription: String? { reason }
}

/// Writes a file so that readers, and a machine that loses power, see either the old file
/// or the complete new one, never a prefix: the bytes go to a temporary file in the
/// destination's directory (rename is atomic only within one file system), which is
/// flushed with fsync and then renamed over the destination.
public enum AtomicFile {
    /// Creates the temporary file, lets `body` fill it through the `write` function it is
    /// given, then publishes it at `url`. On any error the temporary file is removed.
    public static func write(to url: URL, _ body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try publish(at: url) { descriptor, temporary in
            try body { bytes in try writeAll(bytes, to: descriptor, path: temporary) }
        }
    }

    /// Publishes at `url` what `body` writes to a `BufferedWriter` (for text produced line
    /// by line); flushed before the file is put in place.
    public static func write(to url: URL, buffered body: (BufferedWriter) throws -> Void) throws {
        try publish(at: url) { descriptor, temporary in
            let writer = BufferedWriter(descriptor: descriptor, name: temporary)
            try body(writer)
            try writer.flush()
        }
    }

    /// The temporary file, fsync, rename and directory sync around `fill`, which writes
    /// to the descriptor it is given (the temporary file's path is for messages).
    private static func publish(at url: URL, _ fill: (_ descriptor: Int32, _ temporary: String) throws -> Void) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AtomicWriteError(reason: "cannot create \(temporary): \(errnoMessage())") }
        var isOpen = true
        var published = false
        defer {
            if isOpen { close(descriptor) }
            if !published { unlink(temporary) }
        }

        try fill(descriptor, temporary)
        guard fsync(descriptor) == 0 else { throw AtomicWriteError(reason: "fsync \(temporary): \(errnoMessage())") }
        isOpen = false
        guard close(descriptor) == 0 else { throw AtomicWriteError(reason: "close \(temporary): \(errnoMessage())") }
        guard rename(temporary, url.path) == 0 else {
            throw AtomicWriteError(reason: "rename to \(url.path): \(errnoMessage())")
        }
        published = true
        syncDirectory(directory)
    }

    /// Publishes `data` at `url` atomically.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { write in try data.withUnsafeBytes { try write($0) } }
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            // Qualified: inside `AtomicFile`, a bare `write` would mean the method above.
            let written = Glibc.write(descriptor, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw AtomicWriteError(reason: "write \(path): \(errnoMessage())")
            }
            next += written
            remaining -= written
        }
    }

    /// Makes the rename itself durable. Best effort: the new file is already in place, so
    /// a failure here cannot be reported as "destination left as it was".
    public static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func errnoMessage() -> String {
        String(cString: strerror(errno))
    }
}
