import MallocCounter
import Testing
import TestSupport
import Tensor
@testable import Transformer

/// Once the workspace has grown, a training step's forward and backward passes allocate
/// nothing on the heap (counted on the calling thread by the MallocCounter interposer;
/// one thread, so every kernel runs on this thread).
// No time limit here: the limit's watchdog task may run on the test's thread, and this suite
// counts every heap allocation of that thread (a fresh clone's CI run saw one extra).
@Suite(.serialized) struct AllocationTests {
    @Test(arguments: [false, true])
    func steadyStateForwardBackwardDoesNotAllocate(preNorm: Bool) throws {
        Threads.set(1)
        var config = Fixture.config(preNorm: preNorm, sharing: .all)
        config.dropout = 0.1
        config.attentionDropout = 0.1
        config.activationDropout = 0.1
        let model = try Fixture.model(config)
        let batch = Fixture.batch()
        let ws = Workspace()
        func step(_ n: UInt64) {
            ws.reset()
            let logits = model.forward(batch, mode: .training(seed: 1, step: n), workspace: ws)
            // A simple gradient in place of a criterion: the model's passes are what is counted.
            logits.fill(0.01)
            model.backward(logits, workspace: ws)
        }
        step(0)
        step(1)
        let before = nmt_thread_allocations()
        for n in 2..<6 { step(UInt64(n)) }
        let after = nmt_thread_allocations()
        #expect(after - before == 0, "\(after - before) heap allocations in 4 steady-state steps")
        #expect(nmt_thread_allocations() > 0, "the counter must see allocations at all")
    }
}
