import Foundation

/// An exclusive lock on a run directory for a training process's lifetime (`flock` on
/// `.lock` inside it), so that two runs (two `--resume`, or a run and an `--overwrite`)
/// never write the same checkpoints. The lock file holds the holder's pid for the error
/// message. The kernel releases a flock when its process dies, so a lock left by a killed
/// run never blocks.
final class RunLock {
    static let fileName = ".lock"
    private let descriptor: Int32

    /// Takes the lock on `directory` (which must exist), or throws naming the holder.
    init(directory: URL) throws {
        let path = directory.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw TrainingError.outputNotWritable(directory: directory.path, reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &bytes, bytes.count, 0)
            let holder = count > 0 ? String(decoding: bytes[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(descriptor)
            throw TrainingError.runLocked(directory: directory.path, reason: "process \(holder) is training in it")
        }
        let pid = Data("\(getpid())\n".utf8)
        ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
