import Tensor

/// Fully connected layer y = x·Wᵀ + b over rows, W (out, in) as in PyTorch. Products run
/// in the precision of the pass (`Workspace.products`).
enum Linear {
    /// Shapes: x (N, in), y (N, out). In bf16, x's rounded copy is kept for the step: the
    /// backward pass's weight gradient (and q, k and v, which share an input) read it again.
    static func forward(_ x: Tensor, _ w: LinearWeights, into y: Tensor, _ ws: Workspace) {
        MatMul.keepRounded(x, in: ws)
        MatMul.multiply(x, w.weight, into: y, transposeB: true, bias: w.bias, in: ws)
    }

    /// dW += dyᵀ·x, db += Σ_rows dy, and dx = dy·W (or dx += dy·W when `accumulate`).
    /// Shapes: dy (N, out), x (N, in), dx (N, in).
    static func backward(_ dy: Tensor, input x: Tensor, weights w: LinearWeights, gradients g: LinearWeights,
                         dx: Tensor?, accumulate: Bool = false, _ ws: Workspace) {
        // The bias gradient (dy's column sums) comes with dy's rounded copy in bf16.
        MatMul.sharingRounded(dy, in: ws, addingColumnSumsTo: g.bias) {
            MatMul.multiply(dy, x, into: g.weight, transposeA: true, beta: 1, in: ws)
            if let dx { MatMul.multiply(dy, w.weight, into: dx, beta: accumulate ? 1 : 0, in: ws) }
        }
    }
}
