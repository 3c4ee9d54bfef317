/// Symmetric per-row int8 quantization, as CTranslate2's `--quantization int8` stores
/// weights: row r gets scale s_r = 127 / max|row r| and q = round-to-nearest-even(x·s_r),
/// so q ∈ [-127, 127] and |x − q/s_r| ≤ ½ / s_r. An all-zero row gets scale 1; a tiny
/// maximum is raised to 127 / Float.greatestFiniteMagnitude so that the scale is finite.
///
/// The one rule for the exported int8 models (Export) and for int8 decoding (`Int8Matrix`);
/// the activations' quantizer in CInt8Kernels follows it too.
public enum Int8Quantization {
    /// The scale of a row whose largest magnitude is `amax`.
    @inlinable
    public static func scale(forMaximum amax: Float) -> Float {
        if amax == 0 { return 1 }
        return 127 / max(amax, 127 / Float.greatestFiniteMagnitude)
    }

    /// Quantizes `rows` rows of `columns` values (row-major): the int8 values (same layout)
    /// and one scale per row.
    public static func quantizeRows(_ values: UnsafePointer<Float>, rows: Int, columns: Int) -> (values: [Int8], scales: [Float]) {
        var quantized = [Int8](repeating: 0, count: rows * columns)
        var scales = [Float](repeating: 1, count: rows)
        quantized.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows {
                let row = values + r * columns
                var amax: Float = 0
                for c in 0..<columns { amax = max(amax, abs(row[c])) }
                let scale = scale(forMaximum: amax)
                scales[r] = scale
                for c in 0..<columns {
                    // Only a non-finite weight leaves [-127, 127]; it becomes 0, not a trap.
                    let q = (row[c] * scale).rounded(.toNearestOrEven)
                    out[r * columns + c] = q.isFinite ? Int8(min(max(q, -127), 127)) : 0
                }
            }
        }
        return (quantized, scales)
    }
}
