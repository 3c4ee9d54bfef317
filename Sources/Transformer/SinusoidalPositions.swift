import Foundation
import Tensor

/// A sinusoidal position table (Vaswani et al. 2017, section 3.5) in one of two layouts.
///
/// `.fairseq`: fairseq's SinusoidalPositionalEmbedding, computed in Float32 as fairseq
/// does: for position p and i < d/2, angle = p · exp(−i · ln(10000)/(d/2 − 1));
/// row p = [sin(angle_0 … angle_{d/2−1}), cos(angle_0 … angle_{d/2−1})]; row `pad` is 0.
/// Tokens are numbered from pad + 1 (fairseq's make_positions), so the table has
/// pad + 1 + maxPositions rows.
///
/// `.marian`: Hugging Face's MarianSinusoidalPositionalEmbedding: angle = p / 10000^(2i/d)
/// in float64, sin in the first half and cos in the second, rounded to Float32 once;
/// tokens are numbered from 0, so the table has maxPositions rows.
public struct SinusoidalPositions {
    public let table: TensorStorage   // (firstPosition + maxPositions, d)
    public let firstPosition: Int     // pad + 1 (fairseq) or 0 (marian)

    public init(dim: Int, maxPositions: Int, padID: Int, layout: PositionLayout = .fairseq) {
        precondition(dim % 2 == 0 && dim >= 4, "sinusoidal positions need an even dimension ≥ 4, got \(dim)")
        let half = dim / 2
        firstPosition = layout == .fairseq ? padID + 1 : 0
        let rows = firstPosition + maxPositions
        table = TensorStorage(Shape(rows, dim))
        switch layout {
        case .fairseq:
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
        case .marian:
            for p in 0..<rows {
                let row = table.tensor.data + p * dim
                for i in 0..<half {
                    // np.power(10000, 2 * (j // 2) / dim) with j = 2i (sin) and 2i + 1 (cos).
                    let angle = Double(p) / Foundation.pow(10000.0, Double(2 * i) / Double(dim))
                    row[i] = Float(Foundation.sin(angle))
                    row[half + i] = Float(Foundation.cos(angle))
                }
            }
        }
    }

    /// The embedding of the token at index `t` (0-based) of a sequence.
    @inline(__always)
    public func row(_ t: Int) -> UnsafeMutablePointer<Float> {
        table.tensor.data + (firstPosition + t) * table.tensor.shape.last
    }
}
