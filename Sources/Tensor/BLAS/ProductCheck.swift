/// A small product in every transpose combination, compared with a Double-precision
/// triple loop: run before trusting an OpenBLAS core chosen by this project.
enum ProductCheck {
    /// Shapes of the check (odd sizes, so every kernel edge case runs): (m, k)·(k, n).
    static let m = 67, k = 259, n = 131
    /// Largest |error| accepted. Float rounding gives ~3e-6 here (entries in [−½, ½],
    /// k = 259); a wrong kernel gives errors of order 1.
    static let tolerance = 1e-3

    /// The largest |error| over the four combinations, using `sgemm` (row-major CBLAS
    /// arguments: transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc).
    static func largestError(_ sgemm: OpenBLAS.SGEMM) -> Double {
        var state: UInt32 = 12345
        func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / 16_777_216 - 0.5
        }
        let a = (0..<(m * k)).map { _ in next() }, b = (0..<(k * n)).map { _ in next() }
        var c = [Float](repeating: 0, count: m * n)
        var worst = 0.0
        for transA in [false, true] {
            for transB in [false, true] {
                // The same values are read as (m, k) or (k, m) storage, so each combination
                // checks its own index arithmetic.
                @inline(__always) func left(_ i: Int, _ p: Int) -> Float { transA ? a[p * m + i] : a[i * k + p] }
                @inline(__always) func right(_ p: Int, _ j: Int) -> Float { transB ? b[j * k + p] : b[p * n + j] }
                c.withUnsafeMutableBufferPointer { out in
                    sgemm(CBLASCode.rowMajor, transA ? CBLASCode.transpose : CBLASCode.noTranspose,
                          transB ? CBLASCode.transpose : CBLASCode.noTranspose, Int32(m), Int32(n), Int32(k), 1,
                          a, Int32(transA ? m : k), b, Int32(transB ? k : n), 0, out.baseAddress!, Int32(n))
                }
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        for p in 0..<k { sum += Double(left(i, p)) * Double(right(p, j)) }
                        let error = abs(sum - Double(c[i * n + j]))
                        if !(error <= worst) { worst = error.isNaN ? .infinity : error }
                    }
                }
            }
        }
        return worst
    }
}
