import Testing
import TestSupport
@testable import Tensor

@Suite(.timeLimit(.minutes(10))) struct DropoutTests {
    @Test func maskIsReproducibleAndScaled() {
        let n = 10_003
        let x = TensorStorage(Shape(n), values: (0..<n).map { Float($0 % 17) - 8 })
        let y1 = TensorStorage(Shape(n)), y2 = TensorStorage(Shape(n))
        let key = Dropout.key(seed: 42, step: 3, site: 7)
        Dropout.forward(x.tensor, into: y1.tensor, probability: 0.3, key: key)
        withThreads(2) { Dropout.forward(x.tensor, into: y2.tensor, probability: 0.3, key: key) }
        #expect(y1.tensor.toArray() == y2.tensor.toArray(), "mask must not depend on the thread count")
        var kept = 0
        for i in 0..<n {
            let keep = Dropout.keeps(i, probability: 0.3, key: key)
            kept += keep ? 1 : 0
            #expect(y1.tensor[i] == (keep ? x.tensor[i] * (1 / Float(0.7)) : 0))
        }
        #expect(abs(Double(kept) / Double(n) - 0.7) < 0.02, "kept fraction \(Double(kept) / Double(n))")
        let other = TensorStorage(Shape(n))
        Dropout.forward(x.tensor, into: other.tensor, probability: 0.3, key: Dropout.key(seed: 42, step: 4, site: 7))
        #expect(other.tensor.toArray() != y1.tensor.toArray(), "another step draws another mask")
    }

    /// Masks of different sites and steps behave as independent draws: two masks at
    /// p = 0.3 agree on p² + (1 − p)² = 0.58 of the elements, neighbouring elements too.
    @Test func masksOfDifferentKeysAreIndependent() {
        let n = 100_000, p: Float = 0.3
        let keys = [Dropout.key(seed: 42, step: 3, site: 7), Dropout.key(seed: 42, step: 3, site: 8),
                    Dropout.key(seed: 42, step: 4, site: 7)]
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            var agree = 0, neighbours = 0
            for i in 0..<n {
                let keepA = Dropout.keeps(i, probability: p, key: keys[a])
                agree += keepA == Dropout.keeps(i, probability: p, key: keys[b]) ? 1 : 0
                neighbours += keepA == Dropout.keeps(i + 1, probability: p, key: keys[a]) ? 1 : 0
            }
            #expect(abs(Double(agree) / Double(n) - 0.58) < 0.01, "keys \(a), \(b): agreement \(Double(agree) / Double(n))")
            #expect(abs(Double(neighbours) / Double(n) - 0.58) < 0.01, "key \(a): neighbour agreement \(Double(neighbours) / Double(n))")
        }
    }

    @Test func backwardReusesTheForwardMask() {
        var rng = TestRandom(seed: 41)
        let x = rng.tensor(Shape(3, 19)), w = rng.tensor(Shape(3, 19))
        let y = TensorStorage(Shape(3, 19)), dx = TensorStorage(Shape(3, 19))
        let key = Dropout.key(seed: 1, step: 0, site: 0)
        Dropout.backward(w.tensor, into: dx.tensor, probability: 0.5, key: key)
        checkGradient("dropout", input: x.tensor, analytic: dx.tensor.toArray(), atol: 1e-5, rtol: 1e-4) {
            Dropout.forward(x.tensor, into: y.tensor, probability: 0.5, key: key)
            return weightedSum(y.tensor, w.tensor)
        }
    }
}

@Suite(.timeLimit(.minutes(10))) struct EmbeddingTests {
    @Test func lookupAndScatterAddWithRepeatedIds() {
        var rng = TestRandom(seed: 51)
        let (vocab, cols) = (6, 13)
        let table = rng.tensor(Shape(vocab, cols)), ids: [Int32] = [2, 5, 2, 0, 2]
        let out = TensorStorage(Shape(ids.count, cols)), w = rng.tensor(Shape(ids.count, cols))
        let dTable = TensorStorage(Shape(vocab, cols))
        ids.withUnsafeBufferPointer { p in
            Embedding.forward(table: table.tensor, ids: p.baseAddress!, count: ids.count, scale: 2, into: out.tensor)
            for (i, id) in ids.enumerated() {
                #expect(out.tensor.slice(i).toArray() == table.tensor.slice(Int(id)).toArray().map { $0 * 2 })
            }
            withThreads(2) {
                Embedding.backward(w.tensor, ids: p.baseAddress!, count: ids.count, scale: 2, into: dTable.tensor)
            }
            checkGradient("embedding", input: table.tensor, analytic: dTable.tensor.toArray(), atol: 1e-4, rtol: 1e-4) {
                Embedding.forward(table: table.tensor, ids: p.baseAddress!, count: ids.count, scale: 2, into: out.tensor)
                return weightedSum(out.tensor, w.tensor)
            }
        }
        #expect(dTable.tensor.slice(1).toArray().allSatisfy { $0 == 0 }, "unused rows get no gradient")
    }
}
