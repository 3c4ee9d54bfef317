/// Why a training run ended (fairseq's option names, as the log prints them).
public enum StopReason: String, Sendable {
    /// Every epoch up to `max_epoch` done (or the data ran out with no other budget).
    case maxEpoch = "max_epoch"
    /// `max_update` updates done.
    case maxUpdate = "max_update"
    /// `stop_time_hours` of training spent.
    case stopTime = "stop_time_hours"
    /// No better validation result for more than `patience` validations.
    case patience

    /// The budget `progress` has reached under `config`, if any: updates first, then time.
    static func budgetReached(_ config: TrainingConfig, updates: Int, elapsedSeconds: Double) -> StopReason? {
        if config.maxUpdate > 0 && updates >= config.maxUpdate { return .maxUpdate }
        if config.stopTimeHours > 0 && elapsedSeconds >= config.stopTimeHours * 3600 { return .stopTime }
        return nil
    }
}
