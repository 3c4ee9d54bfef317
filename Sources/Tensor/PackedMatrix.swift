import Kernels

/// A weight matrix W (n, k), PyTorch's `Linear` layout, repacked once for the products
/// y = x·Wᵀ that step-by-step decoding repeats with the same W and only a few rows of x.
///
/// OpenBLAS repacks its operands on every call; for a 32- or 160-row x that repacking
/// costs about a sixth of the product (perf, docs/BENCHMARKS.md). Here W is stored as
/// ⌈n/w⌉ panels of w output columns (w = two vectors of the kernel path: 16 with AVX2, 32
/// with AVX-512), each panel k × w floats contiguous (column j of the panel is row w·p + j
/// of W; columns past n are zero), which is exactly the order `PackedMatMul`'s register
/// tile reads them in.
public final class PackedMatrix {
    /// Output columns (rows of W).
    public let n: Int
    /// Input columns (columns of W).
    public let k: Int
    /// The kernel path the panels are laid out for.
    public let isa: VectorISA
    /// Columns per panel.
    let panelWidth: Int
    /// (⌈n/w⌉, k, w) floats, 64-byte aligned.
    let panels: UnsafeMutablePointer<Float>

    var panelCount: Int { (n + panelWidth - 1) / panelWidth }

    /// Bytes of the packed panels.
    public var byteCount: Int { panelCount * k * panelWidth * MemoryLayout<Float>.stride }

    /// Packs `weight` of shape (n, k) for `isa` (default: the active kernel path).
    public init(_ weight: Tensor, isa: VectorISA = VectorISA.active) {
        n = weight.shape.rows
        k = weight.shape.last
        self.isa = isa
        let width = isa.kernels.packedPanelWidth, count = (n + width - 1) / width * k * width
        panelWidth = width
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
