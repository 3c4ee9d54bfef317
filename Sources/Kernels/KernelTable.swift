/// Every kernel of this module specialised for one vector width: the table Tensor calls
/// through after choosing an instruction set at run time (`VectorISA`).
///
/// `init(_:)` is inlined into the module that calls it, so the closures are compiled with
/// that module's target CPU: KernelsAVX2 builds the 8-lane table for Haswell (AVX2, FMA),
/// KernelsAVX512 the 16-lane table for Skylake-AVX512. Entries work on ranges of rows or
/// elements, so one indirect call covers a thread's whole share of a kernel.
/// A class, so that fetching the active table is one reference, not a copy of every entry.
public final class KernelTable: Sendable {
    /// Float lanes per vector (8 or 16).
    public let laneCount: Int

    public let softmaxForward: @Sendable (_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                          _ rows: Range<Int>, _ cols: Int, _ masked: MaskedRows) -> Void
    public let softmaxBackward: @Sendable (_ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                           _ rows: Range<Int>, _ cols: Int, _ masked: MaskedRows) -> Void
    public let logSoftmaxForward: @Sendable (_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                             _ rows: Range<Int>, _ cols: Int) -> Void
    public let logSoftmaxBackward: @Sendable (_ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                              _ dx: UnsafeMutablePointer<Float>, _ rows: Range<Int>, _ cols: Int) -> Void
    /// max over a row of n ≥ 1 floats.
    public let maxRow: @Sendable (_ x: UnsafePointer<Float>, _ n: Int) -> Float

    public let layerNormForward: @Sendable (_ x: UnsafePointer<Float>, _ gamma: UnsafePointer<Float>, _ beta: UnsafePointer<Float>,
                                            _ y: UnsafeMutablePointer<Float>, _ mean: UnsafeMutablePointer<Float>,
                                            _ rstd: UnsafeMutablePointer<Float>, _ rows: Range<Int>, _ cols: Int,
                                            _ eps: Float) -> Void
    public let layerNormBackwardInput: @Sendable (_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                                  _ gamma: UnsafePointer<Float>, _ mean: UnsafePointer<Float>,
                                                  _ rstd: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                                  _ rows: Range<Int>, _ cols: Int, _ accumulate: Bool) -> Void
    public let layerNormBackwardParameters: @Sendable (_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                                       _ mean: UnsafePointer<Float>, _ rstd: UnsafePointer<Float>,
                                                       _ dGamma: UnsafeMutablePointer<Float>,
                                                       _ dBeta: UnsafeMutablePointer<Float>,
                                                       _ rows: Int, _ cols: Int, _ columns: Range<Int>) -> Void

    public let reluForward: @Sendable (_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) -> Void
    public let reluBackward: @Sendable (_ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                        _ dx: UnsafeMutablePointer<Float>, _ range: Range<Int>) -> Void
    public let geluForward: @Sendable (_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) -> Void
    public let geluBackward: @Sendable (_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                        _ dx: UnsafeMutablePointer<Float>, _ range: Range<Int>) -> Void
    public let dropout: @Sendable (_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ range: Range<Int>,
                                   _ scale: Float, _ threshold: Int32, _ low: UInt32, _ high: UInt32) -> Void
    public let adamW: @Sendable (_ parameters: UnsafeMutablePointer<Float>, _ gradients: UnsafePointer<Float>,
                                 _ firstMoment: UnsafeMutablePointer<Float>, _ secondMoment: UnsafeMutablePointer<Float>,
                                 _ range: Range<Int>, _ step: AdamWKernel.Step) -> Void

    /// Columns per panel of a packed matrix for `packedMultiply`.
    public let packedPanelWidth: Int
    public let packedMultiply: @Sendable (_ panels: Range<Int>, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>,
                                          _ packed: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                                          _ epilogue: PackedKernel.Epilogue) -> Void
    public let stepAttention: @Sendable (_ rows: Range<Int>, _ operands: StepAttentionKernel.Operands) -> Void
    public let criterionRow: @Sendable (_ criterion: RowCriterion, _ z: UnsafePointer<Float>, _ n: Int, _ target: Int,
                                        _ grad: UnsafeMutablePointer<Float>?, _ scratch: UnsafeMutablePointer<Float>?,
                                        _ scale: Float) -> RowCriterion.Loss

    /// The table of `V`'s width.
    @inlinable
    public init<V: FloatVector>(_: V.Type) {
        laneCount = V.laneCount
        softmaxForward = { SoftmaxKernels.forward(V.self, $0, $1, rows: $2, cols: $3, masked: $4) }
        softmaxBackward = { SoftmaxKernels.backward(V.self, $0, $1, $2, rows: $3, cols: $4, masked: $5) }
        logSoftmaxForward = { SoftmaxKernels.logForward(V.self, $0, $1, rows: $2, cols: $3) }
        logSoftmaxBackward = { SoftmaxKernels.logBackward(V.self, $0, $1, $2, rows: $3, cols: $4) }
        maxRow = { V.maxRow($0, $1) }
        layerNormForward = {
            LayerNormKernels.forward(V.self, $0, gamma: $1, beta: $2, $3, mean: $4, rstd: $5, rows: $6, cols: $7, eps: $8)
        }
        layerNormBackwardInput = {
            LayerNormKernels.backwardInput(V.self, $0, $1, gamma: $2, mean: $3, rstd: $4, $5, rows: $6, cols: $7,
                                           accumulate: $8)
        }
        layerNormBackwardParameters = {
            LayerNormKernels.backwardParameters(V.self, $0, $1, mean: $2, rstd: $3, dGamma: $4, dBeta: $5, rows: $6,
                                                cols: $7, columns: $8)
        }
        reluForward = { ActivationKernels.reluForward(V.self, $0, $1, $2) }
        reluBackward = { ActivationKernels.reluBackward(V.self, $0, $1, $2, $3) }
        geluForward = { ActivationKernels.geluForward(V.self, $0, $1, $2) }
        geluBackward = { ActivationKernels.geluBackward(V.self, $0, $1, $2, $3) }
        dropout = { DropoutKernels.apply(V.self, $0, $1, $2, scale: $3, threshold: $4, low: $5, high: $6) }
        adamW = { AdamWKernel.update(V.self, parameters: $0, gradients: $1, firstMoment: $2, secondMoment: $3, $4, $5) }
        packedPanelWidth = PackedKernel.panelWidth(V.self)
        packedMultiply = {
            PackedKernel.multiply(V.self, panels: $0, m: $1, n: $2, k: $3, a: $4, packed: $5, c: $6, epilogue: $7)
        }
        stepAttention = { StepAttentionKernel.attend(V.self, rows: $0, $1) }
        criterionRow = { $0.evaluate(V.self, $1, $2, target: $3, grad: $4, scratch: $5, scale: $6) }
    }
}
