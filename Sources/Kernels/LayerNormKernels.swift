/// Layer normalisation over rows of (rows, cols) matrices with an affine transform
/// (Ba et al. 2016; the backward pass is derived in docs/derivations.md): the per-thread
/// parts of Tensor's `LayerNorm`.
public enum LayerNormKernels {
    /// y = (x − μ)·σ⁻¹·γ + β for rows `rows`, σ = √(var + eps) with the biased variance;
    /// μ and σ⁻¹ go to mean[r], rstd[r].
    @inlinable @inline(__always)
    public static func forward<V: FloatVector>(_: V.Type, _ x: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
                                               beta: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                               mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                                               rows: Range<Int>, cols: Int, eps: Float) {
        let w = V.laneCount
        for r in rows {
            let src = x + r * cols, dst = y + r * cols
            let mu = V.sumRow(src, cols) / Float(cols)
            var c = 0
            var acc = V()
            while c + w <= cols { let d = V.load(src + c) - mu; acc = acc.addingProduct(d, d); c += w }
            var v = acc.sum()
            while c < cols { let d = src[c] - mu; v += d * d; c += 1 }
            let inv = 1 / (v / Float(cols) + eps).squareRoot()
            mean[r] = mu
            rstd[r] = inv
            c = 0
            while c + w <= cols {
                let n = (V.load(src + c) - mu) * inv
                (n * V.load(gamma + c) + V.load(beta + c)).store(to: dst + c)
                c += w
            }
            while c < cols { dst[c] = (src[c] - mu) * inv * gamma[c] + beta[c]; c += 1 }
        }
    }

    /// dx for rows `rows`: with x̂ = (x − μ)σ⁻¹ and ĝ = dy·γ,
    /// dx = σ⁻¹·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), written or added to dx (`accumulate`).
    @inlinable @inline(__always)
    public static func backwardInput<V: FloatVector>(_: V.Type, _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                                     gamma: UnsafePointer<Float>, mean: UnsafePointer<Float>,
                                                     rstd: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                                     rows: Range<Int>, cols: Int, accumulate: Bool) {
        let w = V.laneCount
        for r in rows {
            let src = x + r * cols, grad = dy + r * cols, out = dx + r * cols
            let mu = mean[r], inv = rstd[r]
            var sumG = V(), sumGX = V()
            var c = 0
            while c + w <= cols {
                let gh = V.load(grad + c) * V.load(gamma + c)
                let xh = (V.load(src + c) - mu) * inv
                sumG += gh
                sumGX = sumGX.addingProduct(gh, xh)
                c += w
            }
            var sg = sumG.sum(), sgx = sumGX.sum()
            while c < cols {
                let gh = grad[c] * gamma[c]
                sg += gh
                sgx += gh * (src[c] - mu) * inv
                c += 1
            }
            let meanG = sg / Float(cols), meanGX = sgx / Float(cols)
            c = 0
            while c + w <= cols {
                let gh = V.load(grad + c) * V.load(gamma + c)
                let xh = (V.load(src + c) - mu) * inv
                var d = (gh - meanG - xh * meanGX) * inv
                if accumulate { d += V.load(out + c) }
                d.store(to: out + c)
                c += w
            }
            while c < cols {
                let xh = (src[c] - mu) * inv
                let d = (grad[c] * gamma[c] - meanG - xh * meanGX) * inv
                out[c] = accumulate ? out[c] + d : d
                c += 1
            }
        }
    }

    /// dγ[c] += Σ_rows dy·x̂ and dβ[c] += Σ_rows dy for columns `columns` (whole vectors
    /// except at the end of the row). Each column's sum runs over the rows in order, so the
    /// result does not depend on how columns are split between threads.
    @inlinable @inline(__always)
    public static func backwardParameters<V: FloatVector>(_: V.Type, _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                                          mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                                          dGamma: UnsafeMutablePointer<Float>,
                                                          dBeta: UnsafeMutablePointer<Float>,
                                                          rows: Int, cols: Int, columns: Range<Int>) {
        let w = V.laneCount
        var c = columns.lowerBound
        while c + w <= columns.upperBound {
            var accG = V(), accB = V()
            for r in 0..<rows {
                let gv = V.load(dy + r * cols + c)
                let xh = (V.load(x + r * cols + c) - mean[r]) * rstd[r]
                accG = accG.addingProduct(gv, xh)
                accB += gv
            }
            (V.load(dGamma + c) + accG).store(to: dGamma + c)
            (V.load(dBeta + c) + accB).store(to: dBeta + c)
            c += w
        }
        while c < columns.upperBound {
            var accG: Float = 0, accB: Float = 0
            for r in 0..<rows {
                let gv = dy[r * cols + c]
                accG += gv * (x[r * cols + c] - mean[r]) * rstd[r]
                accB += gv
            }
            dGamma[c] += accG
            dBeta[c] += accB
            c += 1
        }
    }
}
