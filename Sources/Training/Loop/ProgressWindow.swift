import Dispatch
import Foundation

/// The updates since the last progress line: their loss sums and the time they took,
/// turned into the logged figures (per target token, in bits).
struct ProgressWindow {
    private var loss = 0.0, nll = 0.0, tokens = 0, updates = 0, allReduceSeconds = 0.0
    private var start = DispatchTime.now().uptimeNanoseconds

    /// An update's statistics and the seconds its all-reduces took.
    mutating func add(_ stats: CriterionResult, allReduceSeconds seconds: Double = 0) {
        loss += stats.loss; nll += stats.nll; tokens += stats.tokens
        updates += 1
        allReduceSeconds += seconds
    }

    /// The window's figures; starts a new window.
    mutating func close() -> (loss: Double, nll: Double, tokensPerSecond: Double, secondsPerUpdate: Double,
                              allReduceSecondsPerUpdate: Double) {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let count = Double(max(tokens, 1)), perUpdate = Double(max(updates, 1))
        let figures = (loss / count / Foundation.log(2.0), nll / count / Foundation.log(2.0), Double(tokens) / max(seconds, 1e-9),
                       seconds / perUpdate, allReduceSeconds / perUpdate)
        self = ProgressWindow()
        return figures
    }
}
