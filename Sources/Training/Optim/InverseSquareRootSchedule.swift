/// fairseq's inverse_sqrt learning-rate schedule: linear warmup from `warmupInitLR` to
/// `lr` over `warmupUpdates`, then lr·√warmup/√n.
///
/// As in fairseq the rate for the n-th update (1-based) is the one set after n − 1
/// updates: `rate(afterUpdates: n - 1)`.
public struct InverseSquareRootSchedule: Codable, Equatable, Sendable {
    public var lr: Float
    public var warmupUpdates: Int
    public var warmupInitLR: Float

    public init(lr: Float, warmupUpdates: Int, warmupInitLR: Float) {
        self.lr = lr
        self.warmupUpdates = warmupUpdates
        self.warmupInitLR = warmupInitLR
    }

    public func rate(afterUpdates n: Int) -> Float {
        if n < warmupUpdates {
            return warmupInitLR + Float(n) * (lr - warmupInitLR) / Float(warmupUpdates)
        }
        let decayFactor = Double(lr) * Double(max(warmupUpdates, 1)).squareRoot()
        return Float(decayFactor / Double(max(n, 1)).squareRoot())
    }
}
