import Foundation
import Glibc

/// Publishes a directory so that readers see either nothing (or the old directory) or the
/// complete new one: it is filled under a temporary name beside the destination (rename
/// is atomic only within one file system), synced, and renamed into place.
public enum AtomicDirectory {
    /// Creates the temporary directory, lets `fill` write its files (each one written
    /// with `AtomicFile`, so its bytes are synced), then renames it to `url`. On any error
    /// the temporary directory is removed and `url` is as it was.
    ///
    /// An existing `url` is refused before anything is written, unless `replacing`: then
    /// the old directory is renamed aside once the new one is complete, the new one renamed
    /// into place and the old one deleted. Linux cannot rename a directory over a non-empty
    /// one (renameat2's RENAME_EXCHANGE is not in Glibc's Swift overlay), so between the
    /// two renames `url` is briefly absent; a crash there leaves the complete new
    /// directory under its temporary name and the old one under its aside name, both of
    /// which `isLeftover` recognises.
    public static func write(to url: URL, replacing: Bool = false, _ fill: (_ directory: URL) throws -> Void) throws {
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: url.path)
        guard replacing || !exists else {
            throw AtomicWriteError(reason: "\(url.path) already exists; name a new directory")
        }
        let parent = url.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(leftoverName(url.lastPathComponent, "tmp"))
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
            try fill(temporary)
            AtomicFile.syncDirectory(temporary.path)
            var aside: URL? = nil
            if exists {
                let old = parent.appendingPathComponent(leftoverName(url.lastPathComponent, "old"))
                guard rename(url.path, old.path) == 0 else {
                    throw AtomicWriteError(reason: "cannot move the old \(url.path) aside: \(String(cString: strerror(errno)))")
                }
                aside = old
            }
            // Without replacing, rename(2) would still replace an empty directory that
            // appeared meanwhile (no RENAME_NOREPLACE here), so the check above is the guard.
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                if let aside { _ = rename(aside.path, url.path) }
                throw AtomicWriteError(reason: "cannot rename \(temporary.path) to \(url.path): \(reason)")
            }
            AtomicFile.syncDirectory(parent.path)
            if let aside { try? fm.removeItem(at: aside) }
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
    }

    /// Whether `name` (an entry of a directory that `write` publishes into) is what an
    /// interrupted `write` leaves behind: a temporary or an aside directory. The names of
    /// earlier versions (".tmp-NAME-PID") count too.
    public static func isLeftover(_ name: String) -> Bool {
        name.hasPrefix(".") && (name.contains(".tmp-") || name.contains(".old-"))
    }

    /// ".NAME.KIND-PID-RANDOM": hidden, unique to this process and call.
    private static func leftoverName(_ name: String, _ kind: String) -> String {
        ".\(name).\(kind)-\(getpid())-\(UInt32.random(in: .min ... .max))"
    }
}
