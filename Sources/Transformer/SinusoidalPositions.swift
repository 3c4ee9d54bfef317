import Foundation
import Tensor

/// fairseq's SinusoidalPositionalEmbedding table, computed in Float32 as fairseq does:
/// for position p and i < d/2, angle = p · exp(−i · ln(10000)/(d/2 − 1));
/// row p = [sin(angle_0 … angle_{d/2−1}), cos(angle_0 … angle_{d/2−1})]; row `pad` is 0.
/// Tokens are numbered from pad + 1 (fairseq's make_positions), so the table has
/// pad + 1 + maxPositions rows.
public struct SinusoidalPositions {
    public let table: TensorStorage   // (pad + 1 + maxPositions, d)
    public let firstPosition: Int     // pad + 1

    public init(dim: Int, maxPositions: Int, padID: Int) {
        precondition(dim % 2 == 0 && dim >= 4, "sinusoidal positions need an even dimension ≥ 4, got \(dim)")
        let half = dim / 2
        let rows = padID + 1 + maxPositions
        table = TensorStorage(Shape(rows, dim))
        firstPosition = padID + 1
        let step = Float(Foundation.log(10000.0) / Double(half - 1))   // a Python float in fairseq
        let frequencies = (0..<half).map { Foundation.exp(Float($0) * -step) }
        for p in 0..<rows where p != padID {
            let row = table.tensor.data + p * dim
            for i in 0..<half {
                let angle = Float(p) * frequencies[i]
                row[i] = Foundation.sin(angle)
                row[half + i] = Foundation.cos(angle)
            }
        }
    }

    /// The embedding of the token at index `t` (0-based) of a sequence.
    @inline(__always)
    public func row(_ t: Int) -> UnsafeMutablePointer<Float> {
        table.tensor.data + (firstPosition + t) * table.tensor.shape.last
    }
}
