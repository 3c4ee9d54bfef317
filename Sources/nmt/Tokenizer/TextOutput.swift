import Foundation
import Tokenizer

/// Where `nmt tokenizer encode|decode` writes: standard output, or a file that appears
/// only when complete (written under a temporary name, renamed at the end).
struct TextOutput {
    let path: String?

    /// Calls `body` with a writer, flushes it, and puts the file in place on success;
    /// on failure the temporary file is removed.
    func write(_ body: (BufferedWriter) throws -> Void) throws {
        guard let path else {
            let writer = BufferedWriter()
            try body(writer)
            try writer.flush()
            return
        }
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw SentencePieceError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        do {
            defer { close(descriptor) }
            let writer = BufferedWriter(descriptor: descriptor)
            try body(writer)
            try writer.flush()
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SentencePieceError.writeFailed(path: path, reason: reason)
        }
    }
}
