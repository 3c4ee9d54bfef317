/// A number as sacreBLEU's score code holds it when its statistics are a NumPy `float32`
/// array: either a `numpy.float32` or a Python float. NumPy 2 promotes by NEP 50, where a
/// Python float is "weak": in `float32 ∘ float` the Python operand is rounded to float32 and
/// the operation is done in float32; only `float ∘ float` stays in double precision.
/// sacreBLEU's bootstrap scores are therefore computed partly in float32, and reproducing
/// their last bits needs this bookkeeping.
struct NumPyFloat {
    /// The value (a float32 value widened exactly when `isFloat32`).
    let value: Double
    /// Whether this is a `numpy.float32` rather than a Python float.
    let isFloat32: Bool

    /// A `numpy.float32`.
    init(float32 v: Float) {
        value = Double(v)
        isFloat32 = true
    }

    /// A Python float (or int: both are weak and convert the same way).
    init(python v: Double) {
        value = v
        isFloat32 = false
    }

    @inline(__always)
    private static func apply(_ a: NumPyFloat, _ b: NumPyFloat, _ f32: (Float, Float) -> Float,
                              _ f64: (Double, Double) -> Double) -> NumPyFloat {
        if a.isFloat32 || b.isFloat32 { return NumPyFloat(float32: f32(Float(a.value), Float(b.value))) }
        return NumPyFloat(python: f64(a.value, b.value))
    }

    static func + (a: NumPyFloat, b: NumPyFloat) -> NumPyFloat { apply(a, b, +, +) }
    static func - (a: NumPyFloat, b: NumPyFloat) -> NumPyFloat { apply(a, b, -, -) }
    static func * (a: NumPyFloat, b: NumPyFloat) -> NumPyFloat { apply(a, b, *, *) }
    static func / (a: NumPyFloat, b: NumPyFloat) -> NumPyFloat { apply(a, b, /, /) }
}

/// A NumPy array of scores as `np.array([...])` builds it from Python floats and
/// `numpy.float32` values: float32 when every element is one, float64 otherwise.
struct NumPyScores {
    /// The elements, float32 values widened exactly.
    var values: [Double]
    /// The array's dtype is float32.
    var isFloat32: Bool

    init(_ elements: [NumPyFloat]) {
        values = elements.map(\.value)
        isFloat32 = !elements.isEmpty && elements.allSatisfy(\.isFloat32)
    }

    init(values: [Double], isFloat32: Bool) {
        self.values = values
        self.isFloat32 = isFloat32
    }

    /// Rounds `x` to the array's precision.
    @inline(__always)
    func rounded(_ x: Double) -> Double { isFloat32 ? Double(Float(x)) : x }

    /// `a - b` for two elements (or element and mean) of this array, in its precision.
    @inline(__always)
    func difference(_ a: Double, _ b: Double) -> Double { isFloat32 ? Double(Float(a) - Float(b)) : a - b }

    /// `arr.mean()`: NumPy's pairwise sum in the array's precision, divided by the count.
    func mean() -> Double {
        if isFloat32 {
            let floats = values.map { Float($0) }
            return Double(floats.withUnsafeBufferPointer { pairwiseSum($0) } / Float(values.count))
        }
        return values.withUnsafeBufferPointer { pairwiseSum($0) } / Double(values.count)
    }

    /// Element-wise `abs(self - other)`, promoted as NumPy promotes the two dtypes.
    func absoluteDifference(_ other: NumPyScores) -> NumPyScores {
        let f32 = isFloat32 && other.isFloat32
        return NumPyScores(values: zip(values, other.values).map {
            f32 ? Double(abs(Float($0) - Float($1))) : abs($0 - $1)
        }, isFloat32: f32)
    }
}

/// NumPy's pairwise summation (`pairwise_sum` in loops_utils): runs of up to 8 add
/// sequentially, blocks of up to 128 use eight interleaved accumulators, larger arrays split
/// in halves rounded down to a multiple of 8. Used for `sum` and `mean` over a contiguous array.
func pairwiseSum<T: BinaryFloatingPoint>(_ a: UnsafeBufferPointer<T>) -> T {
    let n = a.count
    if n < 8 {
        var sum: T = 0
        for x in a { sum += x }
        return sum
    }
    if n <= 128 {
        var r = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
        var i = 8
        while i < n - n % 8 {
            r.0 += a[i]; r.1 += a[i + 1]; r.2 += a[i + 2]; r.3 += a[i + 3]
            r.4 += a[i + 4]; r.5 += a[i + 5]; r.6 += a[i + 6]; r.7 += a[i + 7]
            i += 8
        }
        var sum = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
        while i < n {
            sum += a[i]
            i += 1
        }
        return sum
    }
    var half = n / 2
    half -= half % 8
    return pairwiseSum(UnsafeBufferPointer(rebasing: a[0..<half])) + pairwiseSum(UnsafeBufferPointer(rebasing: a[half...]))
}
