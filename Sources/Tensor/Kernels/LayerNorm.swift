import Foundation

/// Layer normalisation over the last axis with an affine transform (Ba et al. 2016; the
/// backward pass is derived in docs/derivations.md).
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
        let g = gamma.data, b = beta.data
        Threads.parallelFor(rows, minPerChunk: 16) { range in
            for r in range {
                let src = x.data + r * cols, dst = y.data + r * cols
                let mu = Softmax.sumRow(src, cols) / Float(cols)
                var c = 0
                var acc = Float8()
                while c + 8 <= cols { let d = load8(src + c) - mu; acc = acc.addingProduct(d, d); c += 8 }
                var v = acc.sum()
                while c < cols { let d = src[c] - mu; v += d * d; c += 1 }
                let inv = 1 / (v / Float(cols) + eps).squareRoot()
                mean.data[r] = mu
                rstd.data[r] = inv
                c = 0
                while c + 8 <= cols {
                    let n = (load8(src + c) - mu) * inv
                    store8(n * load8(g + c) + load8(b + c), dst + c)
                    c += 8
                }
                while c < cols { dst[c] = (src[c] - mu) * inv * g[c] + b[c]; c += 1 }
            }
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
        let g = gamma.data
        Threads.parallelFor(rows, minPerChunk: 16) { range in
            for r in range {
                let src = x.data + r * cols, grad = dy.data + r * cols, out = dx.data + r * cols
                let mu = mean.data[r], inv = rstd.data[r]
                var sumG = Float8(), sumGX = Float8()
                var c = 0
                while c + 8 <= cols {
                    let gh = load8(grad + c) * load8(g + c)
                    let xh = (load8(src + c) - mu) * inv
                    sumG += gh
                    sumGX = sumGX.addingProduct(gh, xh)
                    c += 8
                }
                var sg = sumG.sum(), sgx = sumGX.sum()
                while c < cols {
                    let gh = grad[c] * g[c]
                    sg += gh
                    sgx += gh * (src[c] - mu) * inv
                    c += 1
                }
                let meanG = sg / Float(cols), meanGX = sgx / Float(cols)
                c = 0
                while c + 8 <= cols {
                    let gh = load8(grad + c) * load8(g + c)
                    let xh = (load8(src + c) - mu) * inv
                    var d = (gh - meanG - xh * meanGX) * inv
                    if accumulate { d += load8(out + c) }
                    store8(d, out + c)
                    c += 8
                }
                while c < cols {
                    let xh = (src[c] - mu) * inv
                    let d = (grad[c] * g[c] - meanG - xh * meanGX) * inv
                    out[c] = accumulate ? out[c] + d : d
                    c += 1
                }
            }
        }
        Threads.parallelFor(cols / 8 + (cols % 8 == 0 ? 0 : 1), minPerChunk: 4) { blocks in
            let c0 = blocks.lowerBound * 8, c1 = min(blocks.upperBound * 8, cols)
            var c = c0
            while c + 8 <= c1 {
                var accG = Float8(), accB = Float8()
                for r in 0..<rows {
                    let gv = load8(dy.data + r * cols + c)
                    let xh = (load8(x.data + r * cols + c) - mean.data[r]) * rstd.data[r]
                    accG = accG.addingProduct(gv, xh)
                    accB += gv
                }
                store8(load8(dGamma.data + c) + accG, dGamma.data + c)
                store8(load8(dBeta.data + c) + accB, dBeta.data + c)
                c += 8
            }
            while c < c1 {
                var accG: Float = 0, accB: Float = 0
                for r in 0..<rows {
                    let gv = dy.data[r * cols + c]
                    accG += gv * (x.data[r * cols + c] - mean.data[r]) * rstd.data[r]
                    accB += gv
                }
                dGamma.data[c] += accG
                dBeta.data[c] += accB
                c += 1
            }
        }
    }
}
