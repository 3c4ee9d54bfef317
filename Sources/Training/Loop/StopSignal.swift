import Basics
import Foundation
import Synchronization
import Tensor

/// SIGTERM and SIGINT during training: the first asks the loop to stop after the update in
/// progress (it then writes a checkpoint and ends with `StopReason.signal`); a second one
/// ends the process at once. Checkpoints are published by rename, so even that leaves the
/// last one whole.
///
/// Job schedulers pre-empt with SIGTERM and users press Ctrl-C: without this, everything
/// since the last validation was lost (Marian: --sigterm save-and-exit).
public enum StopSignal {
    /// The exit status of a run that stopped on a signal after writing its checkpoint
    /// (resume it later with --resume).
    public static let exitStatus = ExitStatus.interrupted

    /// Signals received so far and the first one (written by the handler, read by the
    /// loop); lock-free atomics, which a signal handler may touch.
    private static let received = Atomic<Int32>(0)
    private static let first = Atomic<Int32>(0)

    /// Installs the handlers (idempotent). The signals must not be blocked (`nmt` unblocks
    /// them at start-up: a parent's mask is inherited).
    public static func install() {
        // Initialised here, not lazily inside a handler (swift_once is not async-signal-safe).
        _ = received.load(ordering: .relaxed) + first.load(ordering: .relaxed)
        for number in [SIGTERM, SIGINT] {
            signal(number) { number in
                if StopSignal.received.add(1, ordering: .sequentiallyConsistent).newValue == 1 {
                    StopSignal.first.store(number, ordering: .sequentiallyConsistent)
                } else {
                    // A second signal: stop now, as the default action would.
                    _exit(128 + number)
                }
            }
        }
    }

    /// The signal that asked training to stop, if one has.
    static var requested: Int32? {
        let number = first.load(ordering: .sequentiallyConsistent)
        return number != 0 ? number : nil
    }

    /// "SIGTERM", "SIGINT", or the number.
    static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        default: "signal \(number)"
        }
    }
}
