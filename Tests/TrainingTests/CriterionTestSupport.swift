import Tensor
@testable import Training

// Criterion helpers for the criterion tests (the generic ones are in Tests/TestSupport).


/// One criterion call on copies of the inputs: the sums and the gradient it wrote, times
/// `gradScale` (the loss reduction a reference reports, e.g. 1 / tokens).
func run(_ criterion: Criterion, logits: [Float], vocab: Int, targets: [Int32], padID: Int32 = -1,
         gradScale: Float = 1) -> (result: CriterionResult, grad: [Float]) {
    let storage = TensorStorage(Shape(logits.count / vocab, vocab), values: logits)
    let result = targets.withUnsafeBufferPointer {
        criterion.evaluate(logits: storage.tensor, targets: $0.baseAddress!, padID: padID)
    }
    return (result, storage.tensor.toArray().map { $0 * gradScale })
}

/// The loss-only variant on a copy of the inputs; also returns the logits afterwards.
func lossOnly(_ criterion: Criterion, logits: [Float], vocab: Int, targets: [Int32],
              padID: Int32 = -1) -> (result: CriterionResult, logitsAfter: [Float]) {
    let storage = TensorStorage(Shape(logits.count / vocab, vocab), values: logits)
    let result = targets.withUnsafeBufferPointer {
        criterion.loss(logits: storage.tensor, targets: $0.baseAddress!, padID: padID)
    }
    return (result, storage.tensor.toArray())
}

