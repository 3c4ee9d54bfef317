import Tensor

struct FeedForwardCache {
    let input: Tensor        // (N, d)
    let preActivation: Tensor // (N, F) fc1 output; for ReLU the same buffer as `hidden`
    let hidden: Tensor       // (N, F) activation, after activation dropout: fc2's input
    let dropout: DropoutSite
}

/// fc2(dropout(act(fc1(x)))), fairseq's position-wise feed-forward sublayer.
enum FeedForward {
    static func forward(_ x: Tensor, fc1: LinearWeights, fc2: LinearWeights, activation: ActivationKind,
                        dropout: DropoutSite, workspace ws: Workspace) -> (Tensor, FeedForwardCache) {
        let f = fc1.weight.shape[0]
        let pre = ws.tensor(x.shape.rows, f), hidden: Tensor
        Linear.forward(x, fc1, into: pre, ws)
        // ReLU in place: its backward needs only its output (see `backward`), so the
        // pre-activation is not kept, one (N, F) buffer per layer less.
        hidden = activation == .relu ? pre : ws.tensor(x.shape.rows, f)
        activation.apply(pre, into: hidden)
        ResidualBlock.applyDropout(hidden, dropout)
        let out = ws.tensor(x.shape.rows, fc2.weight.shape[0])
        Linear.forward(hidden, fc2, into: out, ws)
        return (out, FeedForwardCache(input: x, preActivation: pre, hidden: hidden, dropout: dropout))
    }

    static func backward(_ dy: Tensor, cache c: FeedForwardCache, fc1: LinearWeights, fc2: LinearWeights,
                         gradients g1: LinearWeights, _ g2: LinearWeights, activation: ActivationKind,
                         workspace ws: Workspace, dx: Tensor, accumulate: Bool) {
        let dHidden = ws.tensor(c.hidden.shape)
        Linear.backward(dy, input: c.hidden, weights: fc2, gradients: g2, dx: dHidden, ws)
        ResidualBlock.dropoutBackward(dHidden, into: dHidden, c.dropout)
        switch activation {
        // The mask is relu(x) > 0, read from the kept activation after dropout: where
        // dropout zeroed it, its backward has already made the gradient 0, and elsewhere
        // the dropout scale is positive, so hidden > 0 exactly where x > 0.
        case .relu: Activation.reluBackward(dHidden, output: c.hidden, into: dHidden)
        case .gelu: Activation.geluBackward(dHidden, input: c.preActivation, into: dHidden)
        case .swish: Activation.siluBackward(dHidden, input: c.preActivation, into: dHidden)
        }
        Linear.backward(dHidden, input: c.input, weights: fc1, gradients: g1, dx: dx, accumulate: accumulate, ws)
    }
}

extension ActivationKind {
    /// y = act(x); y may alias x. The feed-forward layer's activation, wherever it runs.
    func apply(_ x: Tensor, into y: Tensor) {
        switch self {
        case .relu: Activation.reluForward(x, into: y)
        case .gelu: Activation.geluForward(x, into: y)
        case .swish: Activation.siluForward(x, into: y)
        }
    }
}
