/// A weight matrix W (n, k), PyTorch's `Linear` layout, repacked once for the products
/// y = x·Wᵀ that step-by-step decoding repeats with the same W and only a few rows of x.
///
/// OpenBLAS repacks its operands on every call; for a 32- or 160-row x that repacking
/// costs about a sixth of the product (perf, docs/BENCHMARKS.md). Here W is stored as
/// ⌈n/16⌉ panels of 16 output columns, each panel k × 16 floats contiguous (column j of
/// the panel is row 16·p + j of W; columns past n are zero), which is exactly the order
/// `PackedMatMul`'s 6×16 register tile reads them in.
public final class PackedMatrix {
    /// Output columns (rows of W).
    public let n: Int
    /// Input columns (columns of W).
    public let k: Int
    /// (⌈n/16⌉, k, 16) floats, 64-byte aligned.
    let panels: UnsafeMutablePointer<Float>

    /// Columns per panel: two SIMD8 registers.
    static let panelWidth = 16

    var panelCount: Int { (n + Self.panelWidth - 1) / Self.panelWidth }

    /// Packs `weight` of shape (n, k).
    public init(_ weight: Tensor) {
        n = weight.shape.rows
        k = weight.shape.last
        let width = Self.panelWidth, count = (n + width - 1) / width * k * width
        panels = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(count, 1))
        panels.initialize(repeating: 0, count: count)
        for row in 0..<n {
            let panel = panels + (row / width) * k * width, column = row % width
            let source = weight.data + row * k
            for i in 0..<k { panel[i * width + column] = source[i] }
        }
    }

    deinit {
        panels.deallocate()
    }
}
