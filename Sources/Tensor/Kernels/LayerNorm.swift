/// Layer normalisation over the last axis with an affine transform (Ba et al. 2016; the
/// backward pass is derived in docs/derivations.md). The row loops are
/// `Kernels.LayerNormKernels`, run on the active vector path (`VectorISA`).
public enum LayerNorm {
    /// y = (x − μ)·σ⁻¹·γ + β per row, σ = √(var + eps) with the biased variance, as PyTorch.
    ///
    /// Shapes: x, y (…, C); gamma, beta (C); mean, rstd (rows) receive μ and σ⁻¹ for the
    /// backward pass. y may alias x only if x is not needed afterwards.
    public static func forward(_ x: Tensor, gamma: Tensor, beta: Tensor, into y: Tensor,
                               mean: Tensor, rstd: Tensor, eps: Float = 1e-5) {
        let cols = x.shape.last, rows = x.shape.rows
        precondition(y.shape == x.shape, "layerNorm: x \(x.shape) and y \(y.shape) differ")
        precondition(gamma.count == cols && beta.count == cols,
                     "layerNorm: gamma \(gamma.shape) / beta \(beta.shape) do not match last axis of \(x.shape)")
        precondition(mean.count == rows && rstd.count == rows,
                     "layerNorm: mean \(mean.shape) / rstd \(rstd.shape) should have \(rows) elements")
        let kernel = VectorISA.kernels.layerNormForward
        Threads.parallelFor(rows, minPerChunk: 16) { range in
            kernel(x.data, gamma.data, beta.data, y.data, mean.data, rstd.data, range, cols, eps)
        }
    }

    /// Backward of `forward`: with x̂ = (x − μ)σ⁻¹ and ĝ = dy·γ,
    /// dx = σ⁻¹·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); dγ += Σ_rows dy·x̂; dβ += Σ_rows dy.
    ///
    /// dx is written, or added to when `accumulate` (the residual stream's gradient).
    /// dx must not alias dy or x. The parameter sums run per column block in row order, so
    /// they are bitwise deterministic for any thread count.
    public static func backward(_ dy: Tensor, input x: Tensor, gamma: Tensor,
                                mean: Tensor, rstd: Tensor,
                                dx: Tensor, dGamma: Tensor, dBeta: Tensor, accumulate: Bool) {
        let cols = x.shape.last, rows = x.shape.rows
        precondition(dy.shape == x.shape && dx.shape == x.shape,
                     "layerNormBackward: dy \(dy.shape), x \(x.shape), dx \(dx.shape) differ")
        precondition(gamma.count == cols && dGamma.count == cols && dBeta.count == cols,
                     "layerNormBackward: gamma \(gamma.shape), dGamma \(dGamma.shape), dBeta \(dBeta.shape) should have \(cols) elements")
        let kernels = VectorISA.kernels
        let inputKernel = kernels.layerNormBackwardInput, parameterKernel = kernels.layerNormBackwardParameters
        Threads.parallelFor(rows, minPerChunk: 16) { range in
            inputKernel(dy.data, x.data, gamma.data, mean.data, rstd.data, dx.data, range, cols, accumulate)
        }
        let width = kernels.laneCount
        Threads.parallelFor((cols + width - 1) / width, minPerChunk: 4) { blocks in
            let columns = (blocks.lowerBound * width)..<min(blocks.upperBound * width, cols)
            parameterKernel(dy.data, x.data, mean.data, rstd.data, dGamma.data, dBeta.data, rows, cols, columns)
        }
    }
}
