import ArgumentParser
import Basics
import Foundation
import Tensor

extension NMT {
    /// Runs the command line, reporting any failure as one `nmt: error: …` line on
    /// standard error with a non-zero exit status, and help on standard output.
    static func main() {
        unblockTerminationSignals()
        do { try Runtime.prepare() } catch {
            FileHandle.standardError.write(Data("nmt: error: \(error.localizedDescription)\n".utf8))
            Foundation.exit(error is MachineUnavailable ? ExitStatus.unavailable : ExitStatus.usage)
        }
        // Before parsing, so that the machine report replaces ArgumentParser's version line.
        if CommandLine.arguments.dropFirst() == ["--version"] {
            print(Version.report)
            return
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
            } else {
                let message = (error as? LocalizedError)?.errorDescription ?? message(for: error)
                let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
                // A bare exit status (a run stopped by a signal) has already said why.
                if !line.isEmpty { FileHandle.standardError.write(Data("nmt: error: \(line)\n".utf8)) }
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// A process inherits its parent's signal mask; a parent that blocks SIGTERM and SIGINT
/// (test runners do) would leave them pending for ever, and `nmt` could not be stopped.
private func unblockTerminationSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
