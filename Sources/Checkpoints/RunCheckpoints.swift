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

    /// The update of an update checkpoint's name (`update-00012000` → 12000); nil for
    /// any other name.
    public static func update(ofCheckpoint name: String) -> Int? {
        guard name.hasPrefix(updatePrefix) else { return nil }
        return Int(name.dropFirst(updatePrefix.count))
    }

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

    /// Deletes update checkpoints beyond the newest `retention.updates` (those at multiples of
    /// `retention.updatePattern` neither deleted nor counted) and epoch checkpoints beyond the
    /// newest `retention.epochs`, never the targets of the links; removes what interrupted
    /// writes left behind (`AtomicDirectory.isLeftover`). The rule is fairseq's
    /// `checkpoint_utils.save_checkpoint`: exempt updates are filtered out first, then the
    /// newest N of the rest are kept.
    public func prune(_ retention: CheckpointRetention) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where AtomicDirectory.isLeftover(name) { try? fm.removeItem(at: checkpoint(name)) }
        let protected = Set(Link.allCases.compactMap(target(of:)))
        let updates = names.filter { $0.hasPrefix(Self.updatePrefix) && !retention.exempts(checkpoint: $0) }
        let epochs = names.filter { $0.hasPrefix(Self.epochPrefix) }
        for (numbered, keep) in [(updates, retention.updates), (epochs, retention.epochs)] where keep >= 0 {
            for name in numbered.sorted().dropLast(keep) where !protected.contains(name) {
                try? fm.removeItem(at: checkpoint(name))
            }
        }
    }

    /// The last `count` update checkpoints, oldest first: fairseq's `--num-update-checkpoints`.
    /// With `upperBound`, only those after at most that many updates (fairseq's
    /// `--checkpoint-upper-bound`: 5 ending at update 12,000); with `multipleOf`, only those at
    /// multiples of it (the validation interval, when resume checkpoints are written between).
    /// - Throws: `CheckpointError.missingDirectory` or `.tooFewCheckpoints`.
    public func lastUpdateCheckpoints(count: Int, upperBound: Int? = nil, multipleOf interval: Int? = nil) throws -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            throw CheckpointError.missingDirectory(directory.path)
        }
        let updates = names.compactMap { name in Self.update(ofCheckpoint: name).map { (update: $0, name: name) } }
        let chosen = updates.filter { checkpoint in
            (upperBound.map { checkpoint.update <= $0 } ?? true) && (interval.map { $0 > 0 && checkpoint.update % $0 == 0 } ?? true)
        }.sorted { $0.update < $1.update }
        guard chosen.count >= count else {
            throw CheckpointError.tooFewCheckpoints(
                run: directory.deletingLastPathComponent().path, wanted: count, found: chosen.count,
                upperBound: upperBound, multipleOf: interval)
        }
        return chosen.suffix(count).map { checkpoint($0.name) }
    }

    /// The update `link` points at (`update-00012000` → 12000), or nil when the run has no
    /// such link or it points at an epoch checkpoint.
    public func update(of link: Link) -> Int? {
        target(of: link).flatMap(Self.update(ofCheckpoint:))
    }
}

/// Which numbered checkpoints a run keeps: fairseq's `--keep-interval-updates`,
/// `--keep-interval-updates-pattern` and `--keep-last-epochs`. The targets of `last` and
/// `best` are always kept.
public struct CheckpointRetention: Sendable, Equatable {
    /// Update checkpoints kept, newest first, not counting the exempt ones (−1: all).
    public var updates: Int
    /// Update checkpoints whose update is a multiple of this are exempt from `updates`:
    /// never deleted (≤ 0: none exempt). Keeps, say, every validation's checkpoint for
    /// averaging while frequent resume points are pruned.
    public var updatePattern: Int
    /// Epoch checkpoints kept, newest first (−1: all).
    public var epochs: Int

    public init(updates: Int = -1, updatePattern: Int = 0, epochs: Int = -1) {
        self.updates = updates
        self.updatePattern = updatePattern
        self.epochs = epochs
    }

    /// Whether the update checkpoint called `name` (`update-NNNNNNNN`) is exempt from pruning.
    func exempts(checkpoint name: String) -> Bool {
        guard updatePattern > 0, let update = RunCheckpoints.update(ofCheckpoint: name) else { return false }
        return update % updatePattern == 0
    }
}
