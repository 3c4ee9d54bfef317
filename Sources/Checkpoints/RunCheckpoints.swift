import FileIO
import Foundation
import Glibc

/// The checkpoints of a training run: RUN/checkpoints/ holding `update-NNNNNNNN` (after
/// that many updates) and `epoch-NNNN` (at the end of that epoch) checkpoint directories,
/// and the symbolic links `last` (the newest) and `best` (the best validation so far).
public struct RunCheckpoints: Sendable {
    /// RUN/checkpoints.
    public let directory: URL

    public init(run: URL) { directory = run.appendingPathComponent("checkpoints") }

    public static let updatePrefix = "update-"
    public static let epochPrefix = "epoch-"

    /// The links a run keeps to its checkpoints.
    public enum Link: String, CaseIterable, Sendable {
        case last, best
    }

    /// Name of the checkpoint written after `update` updates.
    public static func name(update: Int) -> String { String(format: "update-%08d", update) }

    /// Name of the checkpoint written at the end of epoch `epoch`.
    public static func name(epoch: Int) -> String { String(format: "epoch-%04d", epoch) }

    /// The checkpoint directory called `name`.
    public func checkpoint(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// The link's own path (RUN/checkpoints/last).
    public func path(of link: Link) -> URL { directory.appendingPathComponent(link.rawValue) }

    /// The name of the checkpoint `link` points at, or nil when the run has no such link.
    public func target(of link: Link) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: path(of: link).path)
    }

    /// The checkpoint directory `link` points at, or nil when the run has no such link or
    /// it points at nothing.
    public func resolve(_ link: Link) -> URL? {
        guard let url = target(of: link).map(checkpoint), FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// Points `link` at checkpoint `name`, replacing any old link atomically (a new link
    /// under a temporary name, renamed over the old one).
    public func setLink(_ link: Link, to name: String) throws {
        let temporary = directory.appendingPathComponent(".\(link.rawValue).tmp-\(getpid())").path
        unlink(temporary)
        guard symlink(name, temporary) == 0, rename(temporary, path(of: link).path) == 0 else {
            throw CheckpointError.corrupt(file: path(of: link).path, reason: String(cString: strerror(errno)))
        }
        AtomicFile.syncDirectory(directory.path)
    }

    /// Deletes update checkpoints beyond the newest `keepUpdates` and epoch checkpoints
    /// beyond the newest `keepEpochs` (−1: keep all), never the targets of the links;
    /// removes what interrupted writes left behind (`AtomicDirectory.isLeftover`).
    public func prune(keepUpdates: Int, keepEpochs: Int) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where AtomicDirectory.isLeftover(name) { try? fm.removeItem(at: checkpoint(name)) }
        let protected = Set(Link.allCases.compactMap(target(of:)))
        for (prefix, keep) in [(Self.updatePrefix, keepUpdates), (Self.epochPrefix, keepEpochs)] where keep >= 0 {
            let numbered = names.filter { $0.hasPrefix(prefix) }.sorted()
            for name in numbered.dropLast(keep) where !protected.contains(name) {
                try? fm.removeItem(at: checkpoint(name))
            }
        }
    }

    /// The last `count` update checkpoints, oldest first: fairseq's `--num-update-checkpoints`.
    /// - Throws: `CheckpointError.missingDirectory` or `.tooFewCheckpoints`.
    public func lastUpdateCheckpoints(count: Int) throws -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            throw CheckpointError.missingDirectory(directory.path)
        }
        let updates = names.filter { $0.hasPrefix(Self.updatePrefix) }.sorted()
        guard updates.count >= count else {
            throw CheckpointError.tooFewCheckpoints(run: directory.deletingLastPathComponent().path, wanted: count, found: updates.count)
        }
        return updates.suffix(count).map(checkpoint)
    }
}
