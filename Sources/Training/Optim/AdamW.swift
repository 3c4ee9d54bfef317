import Foundation
import Kernels
import Tensor
import Transformer

/// AdamW (Loshchilov & Hutter 2019) over the flat parameter arena, computed step for step
/// as PyTorch's `torch.optim.AdamW` (single-tensor path): decoupled weight decay
/// p ← p·(1 − lr·λ), moments m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g², then
/// p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
public final class AdamW {
    public struct Hyperparameters: Codable, Equatable, Sendable {
        public var beta1: Float = 0.9
        public var beta2: Float = 0.98
        public var eps: Float = 1e-8
        public var weightDecay: Float = 0
        public init(beta1: Float = 0.9, beta2: Float = 0.98, eps: Float = 1e-8, weightDecay: Float = 0) {
            self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
        }
    }

    public let hyperparameters: Hyperparameters
    /// First and second moments, arenas of the same table as the parameters.
    public let firstMoment: ParameterArena
    public let secondMoment: ParameterArena
    /// Updates done so far (t in the bias corrections).
    public internal(set) var step: Int = 0

    public init(table: ParameterTable, hyperparameters: Hyperparameters) {
        self.hyperparameters = hyperparameters
        firstMoment = ParameterArena(table: table)
        secondMoment = ParameterArena(table: table)
    }

    /// One update of `parameters` from `gradients` at learning rate `lr`.
    public func update(parameters: ParameterArena, gradients: ParameterArena, lr: Float) {
        step += 1
        let h = hyperparameters
        let t = Float(step)
        let biasCorrection1 = 1 - Foundation.pow(h.beta1, t)
        let biasCorrection2Sqrt = (1 - Foundation.pow(h.beta2, t)).squareRoot()
        let constants = AdamWKernel.Step(decay: 1 - lr * h.weightDecay, stepSize: lr / biasCorrection1,
                                         biasCorrection2Sqrt: biasCorrection2Sqrt, beta1: h.beta1, beta2: h.beta2, eps: h.eps)
        let p = parameters.base, g = gradients.base, m = firstMoment.base, v = secondMoment.base
        // Lanewise (`Kernels.AdamWKernel`), so every kernel path gives the same bits.
        let kernel = VectorISA.kernels.adamW
        Threads.parallelForVectors(parameters.table.count, minPerChunk: 1 << 14) { range in kernel(p, g, m, v, range, constants) }
    }
}
