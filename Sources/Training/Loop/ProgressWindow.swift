import Dispatch
import Foundation

/// The updates since the last progress line: their loss sums and the time they took,
/// turned into the logged figures (per target token, in bits).
struct ProgressWindow {
    private var loss = 0.0, nll = 0.0, tokens = 0
    private var start = DispatchTime.now().uptimeNanoseconds

    mutating func add(_ stats: CriterionResult) {
        loss += stats.loss; nll += stats.nll; tokens += stats.tokens
    }

    /// The window's figures; starts a new window.
    mutating func close() -> (loss: Double, nll: Double, tokensPerSecond: Double) {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let count = Double(max(tokens, 1))
        let figures = (loss / count / Foundation.log(2.0), nll / count / Foundation.log(2.0), Double(tokens) / max(seconds, 1e-9))
        self = ProgressWindow()
        return figures
    }
}
