import Foundation
import Glibc

/// Publishes a directory so that readers see either nothing or the complete directory:
/// it is filled under a temporary name beside the destination (rename is atomic only
/// within one file system), synced, and renamed into place.
public enum AtomicDirectory {
    /// Creates the temporary directory, lets `fill` write its files (each one written
    /// with `AtomicFile`, so its bytes are synced), then renames it to `url`. An existing
    /// `url` is refused before anything is written; on any error the temporary directory
    /// is removed and `url` does not exist.
    public static func write(to url: URL, _ fill: (_ directory: URL) throws -> Void) throws {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: url.path) else {
            throw AtomicWriteError(reason: "\(url.path) already exists; name a new directory")
        }
        let parent = url.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: .min ... .max))")
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
            try fill(temporary)
            AtomicFile.syncDirectory(temporary.path)
            // rename(2) would replace an empty directory that appeared meanwhile; renameat2's
            // RENAME_NOREPLACE is not in Glibc's Swift overlay, so the check above is the guard.
            guard rename(temporary.path, url.path) == 0 else {
                throw AtomicWriteError(reason: "cannot rename \(temporary.path) to \(url.path): \(String(cString: strerror(errno)))")
            }
            AtomicFile.syncDirectory(parent.path)
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
    }
}
