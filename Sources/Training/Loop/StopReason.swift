/// Why a training run ended (fairseq's option names, as the log prints them).
public enum StopReason: Codable, Equatable, Sendable {
    /// Every epoch up to `max_epoch` done (or the data ran out with no other budget).
    case maxEpoch
    /// `max_update` updates done.
    case maxUpdate
    /// `stop_time_hours` of training spent.
    case stopTime
    /// No better validation result for more than `patience` validations in a row.
    case patience
    /// SIGTERM or SIGINT: stopped after the update in progress, with a checkpoint.
    case signal(Int32)

    /// Whether a signal ended the run (then no final validation runs).
    public var isSignal: Bool {
        if case .signal = self { return true }
        return false
    }

    /// As the log prints it.
    public var name: String {
        switch self {
        case .maxEpoch: "max_epoch"
        case .maxUpdate: "max_update"
        case .stopTime: "stop_time_hours"
        case .patience: "patience"
        case .signal(let number): "interrupted by \(StopSignal.name(number))"
        }
    }

    /// The budget `progress` has reached under `config`, if any: updates first, then time.
    static func budgetReached(_ config: TrainingConfig, updates: Int, elapsedSeconds: Double) -> StopReason? {
        if config.maxUpdate > 0 && updates >= config.maxUpdate { return .maxUpdate }
        if config.stopTimeHours > 0 && elapsedSeconds >= config.stopTimeHours * 3600 { return .stopTime }
        return nil
    }

    /// Whether patience has run out: more than `patience` validations in a row without a
    /// better result (a tie is not better), −1 never. fairseq and Marian stop at the
    /// `patience`-th such validation instead, so their `--patience N + 1` is this one's N.
    static func patienceRanOut(_ config: TrainingConfig, progress: TrainingProgress) -> Bool {
        config.patience >= 0 && progress.validationsWithoutImprovement > config.patience
    }
}
